"""The asset screen: the optimistic view of one asset and what can be done to it next."""

# ruff: noqa: N802  (flet components are named like the controls they return)

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

import flet as ft

from app.ui import present, signature, theme
from app.ui.components import Field, big_button, chip, info_row, section, status_chip, tagged
from app.ui.views.history import history_section
from app.ui.views.signature_pad import SignaturePad, Strokes
from assets.grades import COSMETIC, FUNCTIONAL
from assets.merge import AssetState
from sync.device.history import HistoryEntry
from sync.device.view import TargetView


@ft.component
def TagPicker(label: str, identifier: str, on_pick: Callable[[str], Any]) -> ft.Control:
    """A field to type a tag into by hand. Uncontrolled: no round trip per keystroke; each
    submit makes a fresh, empty field (a wedge scan needs no field: the page captures it)."""
    turn, set_turn = ft.use_state(0)

    def submit(e: ft.Event[ft.TextField]) -> None:
        value = (e.control.value or "").strip()
        set_turn(turn + 1)
        if value:
            on_pick(value)

    return tagged(
        identifier,
        Field(
            label=label,
            on_submit=submit,
            prefix_icon=ft.Icons.KEYBOARD,
            text_size=18,
            key=f"{identifier}|{turn}",
        ),
    )


@ft.component
def GradePicker(on_grade: Callable[[str, str | None], Any]) -> ft.Control:
    functional, set_functional = ft.use_state("F3")
    cosmetic, set_cosmetic = ft.use_state("C4")
    letters = [
        tagged(
            f"grade-{letter}",
            ft.Container(
                content=ft.Text(letter, size=22, weight=ft.FontWeight.BOLD, color="#ffffff"),
                bgcolor=colour,
                width=56,
                height=56,
                border_radius=12,
                alignment=ft.Alignment.CENTER,
                tooltip=f"{label} ({grade})",
                on_click=lambda _e, g=grade, letter=letter: on_grade(g, letter),
                ink=True,
            ),
            f"Grade {letter}",
        )
        for letter, label, colour, grade in present.letter_choices()
    ]
    return ft.Column(
        [
            ft.Row(letters, alignment=ft.MainAxisAlignment.SPACE_BETWEEN),
            ft.Row(
                [
                    ft.Dropdown(
                        label="Functional",
                        value=functional,
                        options=[
                            ft.DropdownOption(key=v, text=c.label) for v, c in FUNCTIONAL.items()
                        ],
                        on_select=lambda e: set_functional(e.control.value or "F3"),
                        expand=True,
                    ),
                    ft.Dropdown(
                        label="Cosmetic",
                        value=cosmetic,
                        options=[
                            ft.DropdownOption(key=v, text=c.label) for v, c in COSMETIC.items()
                        ],
                        on_select=lambda e: set_cosmetic(e.control.value or "C4"),
                        expand=True,
                    ),
                ],
            ),
            big_button(
                f"Record {functional}/{cosmetic}",
                lambda _e: on_grade(f"{functional}/{cosmetic}", None),
                filled=False,
                icon=ft.Icons.GRADING,
            ),
        ],
        spacing=10,
    )


SIGNATURE_NEEDED = "Custody changes hands only with a signature: sign in the box above."


@ft.component
def HandOff(
    default_signer: str,
    on_hand_off: Callable[..., Any],
    identifier: str = "handoff",
    default_giver: str | None = None,
    require_signature: bool = True,
) -> ft.Control:
    """Who takes it, who signs and their drawn signature (required for a pallet: a crew takes
    custody of everything on it); when nobody holds it yet on this device's view, also who
    gives it (prefilled with the site it was last seen at). `on_hand_off(to, signer, giver,
    signature)` returns whether the handoff was recorded (the pad is then wiped)."""
    to, set_to = ft.use_state("")
    signer, set_signer = ft.use_state(default_signer)
    giver, set_giver = ft.use_state(default_giver or "")
    strokes, set_strokes = ft.use_state(Strokes())
    ask_giver = default_giver is not None
    fields: list[ft.Control] = []
    if ask_giver:
        fields.append(
            Field(
                label="Handed over by", value=giver, on_change=lambda e: set_giver(e.control.value)
            )
        )
    unsigned = signature.is_empty(strokes)
    missing = SIGNATURE_NEEDED if require_signature and unsigned else None
    ready = bool(to.strip() and signer.strip() and (giver.strip() or not ask_giver))

    def submit(_e: Any) -> None:
        drawn = None if unsigned else signature.to_svg_path(strokes)
        if on_hand_off(to, signer, giver.strip() if ask_giver else None, drawn):
            set_strokes(Strokes())

    return ft.Column(
        [
            *fields,
            Field(
                label="Hand to (person:…, carrier:…, site:…)",
                value=to,
                on_change=lambda e: set_to(e.control.value),
            ),
            Field(label="Signed by", value=signer, on_change=lambda e: set_signer(e.control.value)),
            SignaturePad(strokes, set_strokes, f"{identifier}-pad", missing),
            big_button(
                "Hand off",
                submit,
                icon=ft.Icons.HANDSHAKE,
                identifier=f"{identifier}-button",
                disabled=not ready or missing is not None,
            ),
        ],
        spacing=10,
    )


def _site_holder(location: str | None) -> str:
    """Who holds an asset nobody has signed for: the site it was last seen at."""
    return f"site:{location.split('/', 1)[0]}" if location else ""


@ft.component
def AssetView(
    *,
    tag: str | None,
    view: TargetView[AssetState] | None,
    custodian: str | None,
    signer: str,
    on_open: Callable[[str], Any],
    on_transition: Callable[[str], Any],
    on_grade: Callable[[str, str | None], Any],
    on_load: Callable[[str], Any],
    on_hand_off: Callable[..., Any],
    history: Sequence[HistoryEntry] = (),
    history_complete: bool | None = None,
    signed: Collection[str] = (),
    allowed: Collection[str] | None = None,  # kinds this person may record (None: all)
) -> ft.Control:
    picker = TagPicker("Scan or type an asset tag", "asset-picker", on_open)
    if tag is None or view is None:
        return ft.Column([picker, ft.Text("No asset open.", color=ft.Colors.ON_SURFACE_VARIANT)])
    state = view.state
    if not view.known:
        return ft.Column(
            [picker, ft.Text(f"{tag} is not known on this device yet.", size=16)], spacing=12
        )
    grade = present.grade_text(state.grade)
    header = ft.Row(
        [
            ft.Column(
                [
                    tagged("asset-tag", ft.Text(tag, size=24, weight=ft.FontWeight.BOLD)),
                    ft.Text(
                        " ".join(p for p in (state.make, state.model) if p) or state.category,
                        size=15,
                        color=ft.Colors.ON_SURFACE_VARIANT,
                    ),
                ],
                spacing=2,
                expand=True,
            ),
            status_chip(state.status),
        ]
    )
    badges: list[ft.Control] = []
    if view.pending:
        badges.append(chip(f"{view.pending} not synced", theme.WARN, "asset-pending"))
    if view.open_conflicts:
        badges.append(chip(f"{len(view.open_conflicts)} conflict", theme.BAD))
    if state.grade_disputed:
        badges.append(chip("Grade disputed", theme.BAD))
    facts = section(
        "NOW",
        info_row("Location", state.location or "—", "asset-location"),
        info_row(
            "Grade",
            f"{grade.letter} · {grade.grade} ({grade.label.split(maxsplit=1)[-1]})"
            if grade
            else "Not graded",
            "asset-grade",
        ),
        info_row("Pallet", present.short_key(state.pallet), "asset-pallet"),
        info_row("Custodian", custodian or "—", "asset-custodian"),
        info_row("Serial", state.serial or "—"),
        info_row(
            "Seen at",
            ", ".join(sorted(state.sightings)) or "—",
        ),
    )
    # Columns an import did not know (Snipe-IT's custom fields), kept per asset.
    details = (
        [
            section(
                "DETAILS",
                *(info_row(name, value or "—") for name, value in sorted(state.fields.items())),
                identifier="asset-fields",
            )
        ]
        if state.fields
        else []
    )
    choices = present.next_statuses(state.status)
    status_buttons: list[ft.Control] = [
        tagged(
            f"to-{choice.value}",
            ft.Container(
                content=ft.Text(choice.label, color="#ffffff", weight=ft.FontWeight.W_600),
                bgcolor=choice.colour,
                border_radius=24,
                padding=ft.Padding.symmetric(horizontal=14, vertical=14),  # 48 px to tap
                on_click=lambda _e, v=choice.value: on_transition(v),
                ink=True,
            ),
            choice.label,
        )
        for choice in choices
    ]
    # Each section offers one kind of operation: only those this person's role may record.
    actions: dict[str, Callable[[], ft.Control]] = {
        "transition": lambda: section(
            "CHANGE STATUS",
            ft.Row(status_buttons, wrap=True, spacing=8, run_spacing=8)
            if status_buttons
            else ft.Text("Final status: nothing can follow it."),
        ),
        "assess": lambda: section("GRADE", GradePicker(on_grade)),
        "load": lambda: section(
            "LOAD ON A PALLET", TagPicker("Scan the pallet tag", "load-pallet", on_load)
        ),
        "handoff": lambda: section(
            "HAND OFF",
            HandOff(
                signer,
                on_hand_off,
                default_giver=None if custodian else _site_holder(state.location),
                key=f"handoff|{custodian}",  # type: ignore[call-arg]
            ),
        ),
    }
    offered = [make() for kind, make in actions.items() if allowed is None or kind in allowed]
    return ft.ListView(
        [
            picker,
            header,
            ft.Row(badges, wrap=True) if badges else ft.Container(height=0),
            facts,
            *details,
            *offered,
            history_section(history, history_complete, signed=signed),
        ],
        spacing=12,
        expand=True,
    )
