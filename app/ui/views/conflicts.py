"""The conflicts screen (supervisors): the open conflicts, both sides side by side, and a
decision — keep A, keep B, or set a value — with a note."""

# ruff: noqa: N802  (flet components are named like the controls they return)

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import flet as ft

from app.ui import present, theme
from app.ui.components import Field, big_button, section, tagged

# Which field of a "set a value" decision each conflict type reads (the fold's own table).
from assets.merge import DECIDED_FIELD

Conflict = Mapping[str, Any]


def _side(title: str, side: Mapping[str, Any] | None, kind: object = None) -> ft.Control:
    rows: list[ft.Control] = [ft.Text(title, weight=ft.FontWeight.BOLD, color=ft.Colors.PRIMARY)]
    if side is None:
        rows.append(ft.Text("—"))
    else:
        value = side.get("value")
        shown = present.side_value(kind, value)
        rows.append(
            tagged(f"side-{title.lower()}", ft.Text(shown, size=17, weight=ft.FontWeight.BOLD))
        )
        facts = (
            ("who", side.get("actor")),
            ("when", present.iso_when(side.get("at"))),
            ("where", side.get("where")),
            ("device", side.get("device_id")),
            ("what", present.state_label(side.get("kind"))),
        )
        for label, fact in facts:
            rows.append(
                ft.Text(
                    f"{label}: {present.plain(fact or '—')}",
                    size=13,
                    color=ft.Colors.ON_SURFACE_VARIANT,
                )
            )
    return ft.Container(
        content=ft.Column(rows, spacing=3),
        bgcolor=ft.Colors.SURFACE_CONTAINER_HIGH,
        border_radius=10,
        padding=10,
        expand=True,
    )


def _sides(conflict: Conflict, sides: Sequence[Mapping[str, Any]]) -> ft.Control:
    """Both sides next to each other; a manifest mismatch's sides are the manifest and the
    crew's scan (the fold keeps one op as its side, with what differs in its detail)."""
    if (
        conflict.get("type") == "missing_in_audit"
    ):  # one side: the audit, listing what was not found
        detail = conflict.get("detail") or {}
        where = present.plain(detail.get("location") or "the place audited")
        return ft.Row([_listed(f"Not found at {where}", detail.get("missing"))])
    if conflict.get("type") == "manifest_mismatch":
        detail = conflict.get("detail") or {}
        return ft.Row(
            [
                _listed("Missing (on the manifest, not scanned)", detail.get("missing")),
                _listed("Extra (scanned, not on the manifest)", detail.get("extra")),
            ],
            vertical_alignment=ft.CrossAxisAlignment.START,
        )
    first, second = present.side_titles(conflict.get("type"))
    kind = conflict.get("type")
    return ft.Row(
        [
            _side(first, sides[0] if sides else None, kind),
            _side(second, sides[1] if len(sides) > 1 else None, kind),
        ],
        vertical_alignment=ft.CrossAxisAlignment.START,
    )


def _listed(title: str, keys: object) -> ft.Control:
    items = [k for k in present.plain(keys or "").replace(",", " ").split() if k]
    return ft.Container(
        content=ft.Column(
            [
                ft.Text(title, weight=ft.FontWeight.BOLD, color=ft.Colors.PRIMARY),
                *[ft.Text(k, size=15) for k in items],
                *([] if items else [ft.Text("none")]),
            ],
            spacing=3,
        ),
        bgcolor=ft.Colors.SURFACE_CONTAINER_HIGH,
        border_radius=10,
        padding=10,
        expand=True,
    )


@ft.component
def ConflictDetail(
    conflict: Conflict,
    on_decide: Callable[[str, str, Mapping[str, str] | None, str | None], Any],
    on_back: Callable[[], Any],
) -> ft.Control:
    # Uncontrolled fields: typed text lives in refs, no round trip per keystroke.
    note_ref = ft.use_ref("")
    value_ref = ft.use_ref("")

    def note() -> str | None:
        return (note_ref.current or "").strip() or None

    def value() -> str:
        return (value_ref.current or "").strip()

    sides = list(conflict.get("sides") or [])
    cid = str(conflict["id"])
    field = DECIDED_FIELD.get(str(conflict.get("type")), "value")
    facts = present.conflict_facts(conflict)
    first, second = present.side_titles(conflict.get("type"))
    return ft.ListView(
        [
            ft.Row(
                [
                    ft.IconButton(ft.Icons.ARROW_BACK, on_click=lambda _e: on_back()),
                    ft.Text(
                        str(conflict.get("label") or conflict.get("type")),
                        size=20,
                        weight=ft.FontWeight.BOLD,
                        expand=True,
                    ),
                ]
            ),
            ft.Text(
                f"{present.short_key(str(conflict.get('target')))} · "
                f"{present.plain(conflict.get('description', ''))}",
                size=14,
            ),
            *(
                [
                    tagged(
                        "conflict-facts",
                        ft.Text(facts, size=13, color=ft.Colors.ON_SURFACE_VARIANT),
                    )
                ]
                if facts
                else []
            ),
            tagged("conflict-sides", _sides(conflict, sides)),
            Field(
                label="Note (why)",
                multiline=True,
                on_change=lambda e: setattr(note_ref, "current", e.control.value or ""),
            ),
            ft.Row(
                [
                    big_button(
                        f"Keep {first}",
                        lambda _e: on_decide(cid, "a", None, note()),
                        identifier="decide-a",
                        expand=True,
                    ),
                    big_button(
                        f"Keep {second}",
                        lambda _e: on_decide(cid, "b", None, note()),
                        identifier="decide-b",
                        expand=True,
                    ),
                ]
            ),
            section(
                f"OR SET {field.upper()}",
                tagged(
                    "decide-value-field",
                    Field(
                        label=field.capitalize(),
                        on_change=lambda e: setattr(value_ref, "current", e.control.value or ""),
                    ),
                ),
                big_button(
                    "Decide with this value",
                    lambda _e: on_decide(cid, "value", {field: value()}, note()),
                    filled=False,
                    identifier="decide-value",
                ),
            ),
        ],
        spacing=12,
        expand=True,
    )


@ft.component
def ConflictsView(
    conflicts: Sequence[Conflict],
    on_decide: Callable[[str, str, Mapping[str, str] | None, str | None], Any],
) -> ft.Control:
    chosen, set_chosen = ft.use_state("")
    current = next((c for c in conflicts if c["id"] == chosen), None)
    if current is not None:
        return ConflictDetail(current, on_decide, lambda: set_chosen(""), key=chosen)  # type: ignore[call-arg]
    rows = [
        tagged(
            f"conflict-{index}",
            ft.Container(
                content=ft.Column(
                    [
                        ft.Text(
                            str(c.get("label") or c.get("type")), size=16, weight=ft.FontWeight.BOLD
                        ),
                        ft.Text(
                            f"{present.short_key(str(c.get('target')))}"
                            f"{' · ' + str(c['site']) if c.get('site') else ''}",
                            size=14,
                            color=ft.Colors.ON_SURFACE_VARIANT,
                        ),
                    ],
                    spacing=2,
                ),
                border=ft.Border.only(left=ft.BorderSide(5, str(c.get("colour") or theme.WARN))),
                bgcolor=ft.Colors.SURFACE_CONTAINER,
                border_radius=10,
                padding=12,
                on_click=lambda _e, cid=c["id"]: set_chosen(cid),
                ink=True,
            ),
            str(c.get("label")),
        )
        for index, c in enumerate(conflicts)
    ]
    return ft.ListView(
        [
            tagged(
                "conflict-count",
                ft.Text(f"{len(conflicts)} open conflicts", size=20, weight=ft.FontWeight.BOLD),
                f"{len(conflicts)} open conflicts",
            ),
            *(rows or [ft.Text("Nothing to decide. Sync to fetch new conflicts.")]),
        ],
        spacing=10,
        expand=True,
    )
