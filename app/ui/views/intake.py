"""The Intake screen: scan the asset's tag, pick its model from the catalogue (or type it and
say what it is and whether it holds data), scan its drives, and for a drive the tag of the
asset it sits in; Done records it."""

# ruff: noqa: N802  (flet components are named like the controls they return)

from __future__ import annotations

import flet as ft

from app.ui import theme
from app.ui.components import Field, big_button, info_row, section, tagged
from app.ui.desks.intake import IntakeDesk
from app.ui.views.asset import TagPicker
from app.ui.views.choices import choice_chips, hint
from assets.catalogue import CATEGORIES, model_label
from assets.intake import IntakeDraft


def _model(desk: IntakeDesk, draft: IntakeDraft) -> ft.Control:
    entry = draft.entry
    rows: list[ft.Control] = [
        Field(
            label="Find the model",
            value=desk.search,
            on_change=lambda e: desk.find(e.control.value or ""),
            prefix_icon=ft.Icons.SEARCH,
        ),
        choice_chips(
            "intake-model",
            ((m.key, model_label(m)) for m in desk.matches),
            entry.key if entry else None,
            desk.pick_model,
        ),
    ]
    if entry is not None:
        weight = str(entry.nominal_weight) if entry.nominal_weight else "not known"
        rows += [
            info_row("Model", model_label(entry), "intake-chosen"),
            info_row("Weight", weight),
            info_row("Holds data", "Yes" if entry.data_bearing else "No", "intake-holds-data"),
        ]
        return section("MAKE AND MODEL", *rows, identifier="intake-model")
    rows += [
        ft.Text("Not in the catalogue? Type it:", color=ft.Colors.ON_SURFACE_VARIANT),
        ft.Row(
            [
                Field(
                    label="Make",
                    value=draft.make,
                    on_change=lambda e: desk.set_make(e.control.value or ""),
                    expand=True,
                ),
                Field(
                    label="Model",
                    value=draft.model,
                    on_change=lambda e: desk.set_model(e.control.value or ""),
                    expand=True,
                ),
            ]
        ),
    ]
    if draft.make.strip() and draft.model.strip():
        rows += [
            ft.Text("What kind of device is it?", weight=ft.FontWeight.W_600),
            choice_chips(
                "intake-category",
                ((v, c.label) for v, c in CATEGORIES.items()),
                draft.category,
                desk.set_category,
            ),
            ft.Text("Does it hold data (a drive, flash, a SIM)?", weight=ft.FontWeight.W_600),
            choice_chips(
                "intake-data",
                (("yes", "Yes, it holds data"), ("no", "No data")),
                None if draft.data_bearing is None else "yes" if draft.data_bearing else "no",
                lambda v: desk.answer_data(v == "yes"),
            ),
        ]
    return section("MAKE AND MODEL", *rows, identifier="intake-model")


def _drives(desk: IntakeDesk, draft: IntakeDraft) -> ft.Control:
    rows: list[ft.Control] = [
        tagged(
            f"intake-drive-{i}",
            ft.Row(
                [
                    ft.Icon(ft.Icons.STORAGE),
                    ft.Text(serial, size=16, expand=True, selectable=True),
                    ft.IconButton(
                        ft.Icons.CLOSE,
                        tooltip=f"Remove {serial}",
                        on_click=lambda _e, s=serial: desk.remove_drive(s),
                    ),
                ]
            ),
            f"Drive {serial}",
        )
        for i, serial in enumerate(draft.drives)
    ]
    if not rows:
        rows.append(ft.Text("Scan each drive's serial label.", color=ft.Colors.ON_SURFACE_VARIANT))
    rows.append(TagPicker("Drive serial", "intake-drive-field", desk.add_drive))
    count = len(draft.drives)
    rows.insert(
        0,
        tagged(
            "intake-drive-count",
            ft.Text(f"{count} drive{'s' if count != 1 else ''} listed", weight=ft.FontWeight.W_600),
        ),
    )
    return section("DRIVES", *rows, identifier="intake-drives")


def _inside(desk: IntakeDesk, draft: IntakeDraft) -> ft.Control:
    if draft.parent is None:
        body: ft.Control = ft.Text(
            "A drive inside a laptop? Scan the laptop's tag.", color=ft.Colors.ON_SURFACE_VARIANT
        )
    else:
        body = ft.Row(
            [
                tagged("intake-parent", ft.Text(f"Inside {draft.parent}", size=16, expand=True)),
                ft.IconButton(
                    ft.Icons.CLOSE, tooltip="Not inside", on_click=lambda _e: desk.clear_parent()
                ),
            ]
        )
    return section("INSIDE ANOTHER ASSET", body, identifier="intake-inside")


def _history(desk: IntakeDesk) -> ft.Control:
    rows = [
        tagged(f"intake-last-{i}", ft.Text(f"{t.tag}: {t.summary}", size=15))
        for i, t in enumerate(desk.taken_in[:10])
    ]
    return section("TAKEN IN HERE", *(rows or [ft.Text("None yet.")]), identifier="intake-last")


@ft.component
def IntakeView(desk: IntakeDesk) -> ft.Control:
    draft = desk.draft
    if draft.tag is None:
        return ft.ListView(
            [
                ft.Text("Intake", size=20, weight=ft.FontWeight.BOLD),
                tagged(
                    "intake-prompt",
                    ft.Text("Scan the asset's tag.", size=18, weight=ft.FontWeight.W_600),
                ),
                ft.Text(
                    "Then pick its model, scan its drives and tap Done. Works offline.",
                    color=ft.Colors.ON_SURFACE_VARIANT,
                ),
                TagPicker("Asset tag", "intake-tag-field", desk.scan),
                _history(desk),
            ],
            spacing=12,
            expand=True,
        )
    state = "Registered: new details" if draft.known else "New asset"
    return ft.ListView(
        [
            tagged("intake-tag", ft.Text(draft.tag, size=22, weight=ft.FontWeight.BOLD)),
            ft.Text(state, color=ft.Colors.ON_SURFACE_VARIANT),
            _model(desk, draft),
            Field(
                label="Serial number",
                value=draft.serial,
                on_change=lambda e: desk.set_serial(e.control.value or ""),
            ),
            _drives(desk, draft),
            _inside(desk, draft),
            hint("intake-missing", desk.missing, "Ready: tap Done."),
            big_button(
                "Done", lambda _e: desk.done(), icon=ft.Icons.CHECK, identifier="intake-done"
            ),
            big_button(
                "Start over",
                lambda _e: desk.start_over(),
                filled=False,
                colour=theme.WARN,
                identifier="intake-start-over",
            ),
            _history(desk),
        ],
        spacing=12,
        expand=True,
    )
