"""The Wipe screen: one drive's sanitization record with the fields of the NIST SP 800-88
Rev. 1 Appendix G certificate. Scan the drive, then the asset it came from (or pick one of that
asset's drives); Record writes it, and the next drive keeps the method, tool and people."""

# ruff: noqa: N802  (flet components are named like the controls they return)

from __future__ import annotations

from typing import Any

import flet as ft

from app.ui import theme
from app.ui.components import Field, big_button, info_row, section, tagged
from app.ui.desks.wipe import WipeDesk
from app.ui.views.asset import TagPicker
from app.ui.views.choices import choice_chips, hint
from assets import sanitization as sz
from assets.disposition import SANITIZATION_METHODS
from assets.sanitization import WipeDraft
from assets.vocabulary import Vocabulary

_RECORD_COLOURS = {"Verified": theme.OK, "Not verified": theme.WARN, "No record": theme.BAD}


def _options(vocabulary: Vocabulary, only: frozenset[str] | None = None) -> list[tuple[str, str]]:
    return [(v, c.label) for v, c in vocabulary.items() if only is None or v in only]


def _text(desk: WipeDesk, name: str, label: str, value: str, **props: Any) -> ft.Control:
    """A typed field of the draft."""

    def change(e: Any) -> None:
        desk.type_in(name, e.control.value or "")

    return Field(label=label, value=value, on_change=change, **props)


def _drive(desk: WipeDesk, draft: WipeDraft) -> ft.Control:
    rows: list[ft.Control] = [
        info_row("Drive", draft.drive or "Scan its serial or tag", "wipe-drive"),
        info_row("Drive's tag", draft.drive_tag or "—"),
        info_row("From asset", draft.source or "Scan the asset's tag", "wipe-source"),
    ]
    if desk.drives:
        rows.append(ft.Text("Drives of this asset:", weight=ft.FontWeight.W_600))
        for drive in desk.drives:
            picked = drive.serial == draft.drive
            rows.append(
                tagged(
                    f"wipe-pick-{drive.serial}",
                    ft.Container(
                        content=ft.Row(
                            [
                                ft.Icon(
                                    ft.Icons.RADIO_BUTTON_CHECKED
                                    if picked
                                    else ft.Icons.RADIO_BUTTON_OFF
                                ),
                                ft.Text(drive.serial, size=16, expand=True),
                                ft.Text(drive.record, color=_RECORD_COLOURS[drive.record]),
                            ]
                        ),
                        height=theme.TOUCH,
                        on_click=lambda _e, s=drive.serial: desk.pick_drive(s),
                        ink=True,
                    ),
                    f"{drive.serial}: {drive.record}",
                )
            )
    rows.append(TagPicker("Drive serial or tag (typed)", "wipe-scan-field", desk.scan))
    return section("DRIVE", *rows, identifier="wipe-drive-section")


def _media(desk: WipeDesk, draft: WipeDraft) -> ft.Control:
    return section(
        "MEDIA",
        choice_chips(
            "wipe-media",
            _options(sz.MEDIA_TYPES),
            draft.media_type,
            lambda v: desk.choose("media_type", v),
        ),
        ft.Row(
            [
                _text(desk, "media_make", "Media make", draft.media_make, expand=True),
                _text(desk, "media_model", "Media model", draft.media_model, expand=True),
            ]
        ),
    )


def _method(desk: WipeDesk, draft: WipeDraft) -> ft.Control:
    rows: list[ft.Control] = [
        choice_chips(
            "wipe-method",
            _options(SANITIZATION_METHODS),
            draft.method,
            lambda v: desk.choose("method", v),
        ),
    ]
    if draft.method in sz.TECHNIQUES_BY_METHOD:
        rows.append(
            choice_chips(
                "wipe-technique",
                _options(sz.TECHNIQUES, sz.TECHNIQUES_BY_METHOD[draft.method]),
                draft.technique,
                lambda v: desk.choose("technique", v),
            )
        )
    rows.append(
        ft.Row(
            [
                _text(desk, "tool", "Tool", draft.tool, expand=2),
                _text(desk, "tool_version", "Version", draft.tool_version, expand=1),
            ]
        )
    )
    return section("METHOD", *rows)


def _verification(desk: WipeDesk, draft: WipeDraft) -> ft.Control:
    result = None if draft.verified is None else "pass" if draft.verified else "fail"
    return section(
        "VERIFICATION",
        choice_chips(
            "wipe-verify",
            _options(sz.VERIFICATION_METHODS),
            draft.verification_method,
            lambda v: desk.choose("verification_method", v),
        ),
        choice_chips(
            "wipe-result",
            (("pass", "Passed"), ("fail", "Failed")),
            result,
            lambda v: desk.set_result(v == "pass"),
        ),
    )


def _people(desk: WipeDesk, draft: WipeDraft) -> ft.Control:
    return section(
        "WHO AND WHEN",
        _text(desk, "operator", "Operator", draft.operator),
        _text(desk, "validator", "Validator", draft.validator),
        _text(desk, "performed_at", "When (UTC)", draft.performed_at),
    )


def _after(desk: WipeDesk, draft: WipeDraft) -> ft.Control:
    return section(
        "AFTERWARDS",
        choice_chips(
            "wipe-destination",
            _options(sz.DESTINATIONS),
            draft.destination,
            lambda v: desk.choose("destination", v),
        ),
        _text(desk, "notes", "Notes", draft.notes, multiline=True),
    )


def _recorded(desk: WipeDesk) -> ft.Control:
    rows = [
        tagged(f"wipe-last-{i}", ft.Text(text, size=15)) for i, text in enumerate(desk.recorded)
    ]
    return section("RECORDED HERE", *(rows or [ft.Text("None yet.")]), identifier="wipe-last")


@ft.component
def WipeView(desk: WipeDesk) -> ft.Control:
    draft = desk.draft
    return ft.ListView(
        [
            ft.Text("Sanitization record", size=20, weight=ft.FontWeight.BOLD),
            ft.Text(
                "Scan the drive, then the asset it came from. NIST SP 800-88 fields.",
                color=ft.Colors.ON_SURFACE_VARIANT,
            ),
            _drive(desk, draft),
            _media(desk, draft),
            _method(desk, draft),
            _verification(desk, draft),
            _people(desk, draft),
            _after(desk, draft),
            hint("wipe-missing", desk.missing, "Ready: tap Record."),
            big_button(
                "Record sanitization",
                lambda _e: desk.record(),
                icon=ft.Icons.VERIFIED_USER,
                identifier="wipe-record",
            ),
            big_button(
                "Start over", lambda _e: desk.start_over(), filled=False, identifier="wipe-reset"
            ),
            _recorded(desk),
        ],
        spacing=12,
        expand=True,
    )
