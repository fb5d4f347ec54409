"""The Receive screen: a pallet at the facility compared with what was sealed (seal number,
gross weight within the store's tolerance, contents against the manifest), then Receive."""

# ruff: noqa: N802  (flet components are named like the controls they return)

from __future__ import annotations

import flet as ft

from app.ui import present, theme
from app.ui.components import Field, big_button, chip, info_row, section, tagged
from app.ui.desks.receive import ReceiveDesk, Sealed, weight_difference
from app.ui.views.asset import TagPicker
from app.ui.views.pallet import PALLET_STATE_COLOURS
from assets.receipts import ReceiptCheck

LIST_CAP = 100


def _as_sealed(pallet: Sealed, tolerance: str) -> ft.Control:
    s = pallet.state
    gross = (
        present.weight_text(pallet.entered_gross)
        if pallet.entered_gross
        else present.kg_text(s.gross_kg)
    )
    return section(
        "AS SEALED",
        info_row("Seal", s.seal_number or "not sealed", "receive-sealed-seal"),
        info_row("Gross", gross, "receive-sealed-gross"),
        info_row("Manifest", f"{len(s.manifest)} assets", "receive-manifest"),
        info_row("Tolerance", f"{tolerance} % (the store's setting)", "receive-tolerance"),
    )


def _form(desk: ReceiveDesk) -> ft.Control:
    return section(
        "READ AT THE FACILITY",
        Field(
            label="Seal number on the pallet",
            value=desk.seal,
            on_change=lambda e: desk.set_seal(e.control.value or ""),
        ),
        Field(
            label="Gross weight",
            value=desk.gross,
            keyboard_type=ft.KeyboardType.NUMBER,
            on_change=lambda e: desk.set_gross(e.control.value or ""),
        ),
        ft.SegmentedButton(
            segments=[
                ft.Segment(value="kg", label=ft.Text("kg")),
                ft.Segment(value="lb", label=ft.Text("lb")),
            ],
            selected=[desk.unit],
            on_change=lambda e: desk.set_unit((e.control.selected or ["kg"])[0]),
            style=ft.ButtonStyle(padding=ft.Padding.symmetric(horizontal=20, vertical=16)),
        ),
        Field(
            label="Received at (facility)",
            value=desk.facility,
            on_change=lambda e: desk.set_facility(e.control.value or ""),
        ),
    )


def _line(identifier: str, text: str, good: bool | None) -> ft.Control:
    colour = ft.Colors.ON_SURFACE_VARIANT if good is None else theme.OK if good else theme.BAD
    return tagged(identifier, ft.Text(text, size=15, weight=ft.FontWeight.W_600, color=colour))


def _seal_text(check: ReceiptCheck) -> str:
    if check.sealed_seal is None:
        return "Seal: the pallet was never sealed"
    if check.seal_matches is None:
        return "Seal: type the number on the pallet"
    if check.seal_matches:
        return f"Seal: {check.seal} matches"
    return f"Seal: {check.seal} is not the sealed {check.sealed_seal}"


def _weight_text(desk: ReceiveDesk, check: ReceiptCheck) -> str:
    if desk.weight_problem:
        return desk.weight_problem
    if check.sealed_kg is None:
        return "Weight: no sealed weight to compare with"
    if check.weight_ok is None:
        return "Weight: type the gross weight"
    verdict = "within" if check.weight_ok else "out of"
    return (
        f"Weight: {weight_difference(check, desk.unit)} against the seal, {verdict} "
        f"tolerance ({desk.tolerance_pct} %)"
    )


def _keys(keys: tuple[str, ...]) -> str:
    shown = ", ".join(present.short_key(k) for k in keys[:LIST_CAP])
    return shown + (f" … and {len(keys) - LIST_CAP} more" if len(keys) > LIST_CAP else "")


def _check(desk: ReceiveDesk, check: ReceiptCheck) -> ft.Control:
    found = len([k for k in check.scanned if k in check.expected])
    lines = [
        _line("receive-seal", _seal_text(check), check.seal_matches),
        _line(
            "receive-weight",
            _weight_text(desk, check),
            False if desk.weight_problem else check.weight_ok,
        ),
        _line(
            "receive-contents",
            f"Scanned {found} of {len(check.expected)} on the manifest"
            if check.scanned
            else "Contents: scan the assets on the pallet (optional)",
            None if not check.scanned else not (check.missing or check.extra),
        ),
    ]
    if check.missing:
        lines.append(_line("receive-missing", f"Missing: {_keys(check.missing)}", False))
    if check.extra:
        lines.append(_line("receive-extra", f"Extra: {_keys(check.extra)}", False))
    return section("AGAINST THE SEAL", *lines, identifier="receive-check")


@ft.component
def ReceiveView(desk: ReceiveDesk) -> ft.Control:
    picker = TagPicker("Type a pallet tag", "receive-picker", desk.open)
    pallet, check = desk.pallet, desk.check
    if pallet is None or check is None:
        return ft.ListView(
            [
                ft.Text("Receive a pallet", size=20, weight=ft.FontWeight.BOLD),
                picker,
                ft.Text(
                    "Scan the pallet's tag, then the assets on it.",
                    color=ft.Colors.ON_SURFACE_VARIANT,
                ),
            ],
            spacing=12,
            expand=True,
        )
    header = ft.Row(
        [
            tagged("receive-pallet", ft.Text(pallet.tag, size=22, weight=ft.FontWeight.BOLD)),
            chip(
                present.state_label(pallet.state.state),
                PALLET_STATE_COLOURS.get(pallet.state.state, theme.WARN),
                "receive-state",
            ),
        ],
        alignment=ft.MainAxisAlignment.SPACE_BETWEEN,
    )
    missing = desk.missing_input()
    parts: list[ft.Control] = [
        picker,
        header,
        _as_sealed(pallet, str(desk.tolerance_pct)),
        _form(desk),
        _check(desk, check),
        *([tagged("receive-hint", ft.Text(missing, size=14))] if missing else []),
        big_button(
            "Receive",
            lambda _e: desk.receive(),
            icon=ft.Icons.MOVE_TO_INBOX,
            identifier="receive-button",
            filled=not check.differences,
            disabled=missing is not None,
        ),
    ]
    if desk.received:
        parts.append(tagged("receive-done", ft.Text(desk.received, size=14)))
    return ft.ListView(parts, spacing=12, expand=True)
