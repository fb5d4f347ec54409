"""The pallet screen: build it by scanning, its manifest, seal with weights, confirm a crew's
scan against the manifest (missing / extra / unexpected), and hand it off with a signature."""

# ruff: noqa: N802  (flet components are named like the controls they return)

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

import flet as ft

from app.ui import present, theme
from app.ui.components import Field, big_button, chip, info_row, section, tagged
from app.ui.views.asset import HandOff, TagPicker
from assets.errors import AssetsError
from assets.merge import PalletState
from sync.device.view import TargetView

PALLET_STATE_COLOURS = {"open": theme.INFO, "sealed": "#7e57c2", "received": theme.OK}


@ft.component
def SealForm(
    on_seal: Callable[[str, Mapping[str, str], Mapping[str, str]], Any],
    tell: Callable[[str, bool], Any],
) -> ft.Control:
    seal, set_seal = ft.use_state("")
    gross, set_gross = ft.use_state("")
    tare, set_tare = ft.use_state("")
    unit, set_unit = ft.use_state("kg")

    def submit(_e: object) -> None:
        try:
            weights = present.weight_dict(gross, unit), present.weight_dict(tare, unit)
        except AssetsError as exc:  # a typed weight the domain refuses: say why, keep the form
            tell(f"Weight: {exc}", False)
            return
        on_seal(seal.strip(), *weights)

    return ft.Column(
        [
            Field(label="Seal number", value=seal, on_change=lambda e: set_seal(e.control.value)),
            ft.Row(
                [
                    Field(
                        label="Gross",
                        value=gross,
                        keyboard_type=ft.KeyboardType.NUMBER,
                        on_change=lambda e: set_gross(e.control.value),
                        expand=True,
                    ),
                    Field(
                        label="Tare",
                        value=tare,
                        keyboard_type=ft.KeyboardType.NUMBER,
                        on_change=lambda e: set_tare(e.control.value),
                        expand=True,
                    ),
                ]
            ),
            ft.SegmentedButton(
                segments=[
                    ft.Segment(value="kg", label=ft.Text("kg")),
                    ft.Segment(value="lb", label=ft.Text("lb")),
                ],
                selected=[unit],
                on_change=lambda e: set_unit((e.control.selected or ["kg"])[0]),
                # 48 px tall at least: a gloved thumb picks the unit
                style=ft.ButtonStyle(padding=ft.Padding.symmetric(horizontal=20, vertical=16)),
            ),
            big_button(
                "Seal pallet",
                submit,
                icon=ft.Icons.LOCK,
                identifier="seal-button",
                disabled=not (seal.strip() and gross.strip() and tare.strip()),
            ),
        ],
        spacing=10,
    )


@ft.component
def ConfirmScan(
    result: present.ManifestCheck,
    on_count: Callable[[str], Any],
    on_confirm: Callable[[], Any],
) -> ft.Control:
    """A crew's scan of the pallet against its manifest: what is scanned (the controller keeps
    the list; a wedge scan on this screen adds to it), what is missing and what is extra."""
    lines: list[ft.Control] = [
        tagged(
            "confirm-progress",
            ft.Text(
                f"{len(result.present)} of {len(result.expected)} on the manifest scanned",
                size=15,
                weight=ft.FontWeight.W_600,
            ),
        )
    ]
    for title, keys, colour, ident in (
        ("Missing", result.missing, theme.BAD, "missing"),
        ("Extra", result.extra, theme.WARN, "extra"),
        ("Unexpected (on another pallet)", result.unexpected, theme.BAD, "unexpected"),
    ):
        if keys:
            lines.append(
                tagged(
                    f"confirm-{ident}",
                    ft.Text(
                        f"{title}: " + ", ".join(present.short_key(k) for k in keys),
                        color=colour,
                        weight=ft.FontWeight.W_600,
                    ),
                )
            )
    scanned = len(result.present) + len(result.extra) + len(result.unexpected)
    return ft.Column(
        [
            TagPicker("Type an asset tag on the pallet", "confirm-picker", on_count),
            *lines,
            big_button(
                "Confirm against manifest",
                lambda _e: on_confirm(),
                icon=ft.Icons.FACT_CHECK,
                identifier="confirm-button",
                filled=result.clean,
                disabled=not scanned,
            ),
        ],
        spacing=8,
    )


def _weights(
    state: PalletState, entered: tuple[dict[str, str], dict[str, str]] | None
) -> list[ft.Control]:
    """Gross, tare and net as the crew entered them (kg when sealed on another device)."""
    if entered is not None:
        gross, tare = entered
    elif state.gross_kg is not None and state.tare_kg is not None:
        gross = {"value": state.gross_kg, "unit": "kg"}
        tare = {"value": state.tare_kg, "unit": "kg"}
    else:
        return [info_row("Weights", "not sealed yet")]
    return [
        info_row("Gross", present.weight_text(gross), "pallet-gross"),
        info_row("Tare", present.weight_text(tare), "pallet-tare"),
        info_row("Net", present.net_weight(gross, tare), "pallet-net"),
    ]


@ft.component
def PalletView(
    *,
    tag: str | None,
    view: TargetView[PalletState] | None,
    signer: str,
    entered: tuple[dict[str, str], dict[str, str]] | None,
    on_open: Callable[[str], Any],
    on_load: Callable[[str], Any],
    on_seal: Callable[[str, Mapping[str, str], Mapping[str, str]], Any],
    check: present.ManifestCheck,
    on_count: Callable[[str], Any],
    on_confirm: Callable[[], Any],
    on_hand_off: Callable[..., Any],
    tell: Callable[[str, bool], Any],
    allowed: Collection[str] | None = None,  # kinds this person may record (None: all)
) -> ft.Control:
    def may(kind: str) -> bool:
        return allowed is None or kind in allowed

    picker = TagPicker("Type a pallet tag", "pallet-picker", on_open)
    if tag is None or view is None:
        return ft.Column(
            [picker, ft.Text("No pallet open.", color=ft.Colors.ON_SURFACE_VARIANT)], spacing=12
        )
    state = view.state
    manifest = sorted(state.manifest)
    header = ft.Row(
        [
            tagged("pallet-tag", ft.Text(tag, size=24, weight=ft.FontWeight.BOLD), tag),
            chip(
                present.state_label(state.state),
                PALLET_STATE_COLOURS.get(state.state, theme.WARN),
                "pallet-state",
            ),
        ],
        alignment=ft.MainAxisAlignment.SPACE_BETWEEN,
    )
    facts = section(
        "NOW",
        info_row("On it", f"{len(manifest)} assets", "pallet-count"),
        info_row("Seal", state.seal_number or "—"),
        *_weights(state, entered),
        info_row("Custodian", state.custodian or "—"),
        info_row("Not synced", str(view.pending)),
    )
    items = [ft.Text(present.short_key(key), size=15, selectable=True) for key in manifest[:200]]
    parts: list[ft.Control] = [picker, header, facts]
    if state.state == "open" and may("load"):
        parts.append(
            section(
                "LOAD: SCAN ASSETS", TagPicker("Type an asset tag to load", "load-asset", on_load)
            )
        )
    parts.append(
        section(
            f"MANIFEST ({len(manifest)})", *(items or [ft.Text("Empty")]), identifier="manifest"
        )
    )
    if state.state == "open" and may("seal"):
        parts.append(section("SEAL", SealForm(on_seal, tell)))
    if may("confirm"):
        parts.append(section("CONFIRM CONTENTS", ConfirmScan(check, on_count, on_confirm)))
    if not may("handoff"):
        return ft.ListView(parts, spacing=12, expand=True)
    parts.append(
        section(
            "HAND OFF (SIGNED)",
            HandOff(
                signer,
                on_hand_off,
                "pallet-handoff",
                # nobody holds a new pallet yet: then the form asks who hands it over
                default_giver=None if state.custodian else "",
                require_signature=True,
                key=f"pallet-handoff|{tag}|{state.custodian}",  # type: ignore[call-arg]
            ),
        )
    )
    return ft.ListView(parts, spacing=12, expand=True)
