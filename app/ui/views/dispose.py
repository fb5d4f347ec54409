"""The Dispose screen: scan the asset, see the ITAD control (which drive lacks what) before
anything is written, pick the outcome and fill in what it needs, then Record."""

# ruff: noqa: N802  (flet components are named like the controls they return)

from __future__ import annotations

from typing import Any

import flet as ft

from app.ui import theme
from app.ui.components import Field, big_button, info_row, section, tagged
from app.ui.desks.dispose import Control, DisposeDesk
from app.ui.views.asset import TagPicker
from app.ui.views.choices import choice_chips, hint
from assets.catalogue import CATEGORIES
from assets.disposal_form import NEEDS, DisposalDraft
from assets.disposition import COMMODITIES, OUTCOMES
from assets.merge import AssetState


def _text(desk: DisposeDesk, name: str, label: str, value: str, **props: Any) -> ft.Control:
    def change(e: Any) -> None:
        desk.type_in(name, e.control.value or "")

    return Field(label=label, value=value, on_change=change, **props)


def _asset(state: AssetState) -> ft.Control:
    model = " ".join(p for p in (state.make, state.model) if p) or "Model not recorded"
    return section(
        "ASSET",
        info_row("Model", f"{model} · {CATEGORIES.label(state.category)}"),
        info_row("Holds data", "Yes" if state.data_bearing else "No"),
        info_row("Drives", ", ".join(state.storage_serials) or "—"),
    )


def _control(control: Control) -> ft.Control:
    colour = theme.OK if control.passes else theme.BAD
    rows: list[ft.Control] = [
        tagged(
            "dispose-control-sentence",
            ft.Text(control.sentence, size=15, weight=ft.FontWeight.W_600, color=colour),
        )
    ]
    rows += [
        tagged(
            f"dispose-gap-{i}",
            ft.Row(
                [
                    ft.Icon(ft.Icons.STORAGE, color=colour),
                    ft.Text(f"{serial}: {lack}", size=15, expand=True),
                ]
            ),
            f"{serial}: {lack}",
        )
        for i, (serial, lack) in enumerate(control.gaps)
        if not control.passes
    ]
    box = ft.Container(
        content=ft.Column(rows, spacing=6),
        border=ft.Border.all(2, colour),
        border_radius=12,
        padding=12,
    )
    label = control.sentence + "".join(f" {s}: {lack}." for s, lack in control.gaps)
    return tagged("dispose-control", box, label if not control.passes else control.sentence)


def _details(desk: DisposeDesk, draft: DisposalDraft) -> list[ft.Control]:
    needs = NEEDS.get(draft.outcome or "")
    if needs is None:
        return []
    rows: list[ft.Control] = []
    if needs.value:
        rows.append(
            ft.Row(
                [
                    _text(desk, "amount", "Value recovered", draft.amount, expand=2),
                    _text(desk, "currency", "Currency", draft.currency, expand=1),
                ]
            )
        )
    if needs.commodity:
        rows += [
            ft.Text("Recycled as", weight=ft.FontWeight.W_600),
            choice_chips(
                "dispose-commodity",
                ((v, c.label) for v, c in COMMODITIES.items()),
                draft.commodity,
                desk.pick_commodity,
            ),
        ]
    weight = "Weight" if needs.weight else "Weight (optional)"
    rows.append(
        ft.Row(
            [
                _text(desk, "weight", weight, draft.weight, expand=2),
                ft.Container(
                    choice_chips(
                        "dispose-unit", (("kg", "kg"), ("lb", "lb")), draft.unit, desk.pick_unit
                    ),
                    expand=2,
                ),
            ]
        )
    )
    vendor = "Downstream vendor" if needs.vendor else "Downstream vendor (optional)"
    certificate = "Certificate number" if needs.certificate else "Certificate number (optional)"
    rows += [
        _text(desk, "vendor", vendor, draft.vendor),
        _text(desk, "certificate", certificate, draft.certificate),
    ]
    return [section("DETAILS", *rows, identifier="dispose-details")]


def _recorded(desk: DisposeDesk) -> ft.Control:
    rows = [
        tagged(f"dispose-last-{i}", ft.Text(text, size=15)) for i, text in enumerate(desk.recorded)
    ]
    return section("RECORDED HERE", *(rows or [ft.Text("None yet.")]), identifier="dispose-last")


@ft.component
def DisposeView(desk: DisposeDesk) -> ft.Control:
    draft, state, control = desk.draft, desk.asset, desk.control
    if draft.tag is None or state is None or control is None:
        return ft.ListView(
            [
                ft.Text("Disposition", size=20, weight=ft.FontWeight.BOLD),
                tagged(
                    "dispose-prompt",
                    ft.Text("Scan the asset's tag.", size=18, weight=ft.FontWeight.W_600),
                ),
                ft.Text(
                    "Its data control shows before anything is written. Works offline.",
                    color=ft.Colors.ON_SURFACE_VARIANT,
                ),
                TagPicker("Asset tag", "dispose-tag-field", desk.scan),
                _recorded(desk),
            ],
            spacing=12,
            expand=True,
        )
    return ft.ListView(
        [
            tagged("dispose-tag", ft.Text(draft.tag, size=22, weight=ft.FontWeight.BOLD)),
            _asset(state),
            _control(control),
            section(
                "OUTCOME",
                choice_chips(
                    "dispose-outcome",
                    ((v, c.label) for v, c in OUTCOMES.items()),
                    draft.outcome,
                    desk.pick_outcome,
                ),
            ),
            *_details(desk, draft),
            hint("dispose-missing", desk.missing, "Ready: tap Record."),
            big_button(
                "Record disposition",
                lambda _e: desk.record(),
                icon=ft.Icons.RECYCLING,
                identifier="dispose-record",
                colour=None if control.passes else theme.BAD,
            ),
            big_button(
                "Start over", lambda _e: desk.start_over(), filled=False, identifier="dispose-reset"
            ),
            _recorded(desk),
        ],
        spacing=12,
        expand=True,
    )
