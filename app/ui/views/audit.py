"""The Audit screen: scan a location tag, then what is there; counts at the top, then what is
missing, unexpected (marked when it belongs to another site) and found; Finish records it."""

# ruff: noqa: N802  (flet components are named like the controls they return)

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import flet as ft

from app.ui import present, theme
from app.ui.audit_screen import AuditScreen
from app.ui.components import big_button, chip, info_row, section, tagged
from sync.protocol import AuditView as StoredAudit

LIST_CAP = 200  # rows drawn per list; the counts above stay exact


def _count(identifier: str, label: str, n: int, colour: str) -> ft.Control:
    return tagged(
        identifier,
        ft.Container(
            content=ft.Column(
                [
                    ft.Text(str(n), size=24, weight=ft.FontWeight.BOLD, color="#ffffff"),
                    ft.Text(label, size=12, color="#ffffff"),
                ],
                spacing=0,
                horizontal_alignment=ft.CrossAxisAlignment.CENTER,
            ),
            bgcolor=colour,
            border_radius=12,
            padding=8,
            expand=True,
        ),
        f"{label} {n}",
    )


def _rows(keys: tuple[str, ...], elsewhere: tuple[str, ...] = ()) -> list[ft.Control]:
    if not keys:
        return [ft.Text("None", color=ft.Colors.ON_SURFACE_VARIANT)]
    rows: list[ft.Control] = []
    for key in keys[:LIST_CAP]:
        text = present.short_key(key)
        if key in elsewhere:
            rows.append(ft.Row([ft.Text(text, size=15), chip("Other site", theme.WARN)]))
        else:
            rows.append(ft.Text(text, size=15, selectable=True))
    if len(keys) > LIST_CAP:
        rows.append(ft.Text(f"… and {len(keys) - LIST_CAP} more"))
    return rows


def _history(history: Sequence[StoredAudit] | None) -> ft.Control:
    """The store's earlier audits of this tag, newest first (only while online)."""
    if history is None:
        rows: list[ft.Control] = [ft.Text("The store's audit history shows when online.")]
    elif not history:
        rows = [ft.Text("No earlier audits.")]
    else:
        rows = [
            tagged(
                f"audit-history-{i}",
                ft.Text(
                    f"{present.iso_when(a.audited_at)} · {a.actor}: {len(a.found)} found, "
                    f"{len(a.missing)} missing, {len(a.unexpected)} unexpected",
                    size=15,
                ),
            )
            for i, a in enumerate(history[:10])
        ]
    return section("EARLIER AUDITS", *rows, identifier="audit-history")


def _last_audit(screen: AuditScreen) -> ft.Control:
    last = screen.last
    if last.audit_op is None or last.audited_at is None:
        return info_row("Last audit", "Never audited", "audit-last")
    when = present.ago(int(last.audited_at.split("-", 1)[0]))
    missing = last.audit_counts.get("missing", 0)
    return info_row("Last audit", f"{when}: {missing} missing", "audit-last")


@ft.component
def AuditView(
    *,
    screen: AuditScreen | None,
    history: Sequence[StoredAudit] | None = None,
    on_finish: Callable[[], Any],
    on_cancel: Callable[[], Any],
) -> ft.Control:
    if screen is None:
        return ft.Column(
            [
                ft.Text("Scan the location tag to audit.", size=18, weight=ft.FontWeight.W_600),
                ft.Text(
                    "Then scan everything you find there. Works without a connection.",
                    color=ft.Colors.ON_SURFACE_VARIANT,
                ),
            ],
            spacing=8,
        )
    lists = screen.lists
    counts = ft.Row(
        [
            _count("audit-expected", "Expected", len(lists.expected), "#455a64"),
            _count("audit-found", "Found", len(lists.found), "#2e7d32"),
            _count("audit-missing", "Missing", len(lists.missing), theme.BAD),
            _count("audit-unexpected", "Unexpected", len(lists.unexpected), theme.WARN),
        ],
        spacing=6,
    )
    finish = (
        f"Finish: move {len(lists.unexpected)} here, report {len(lists.missing)} missing"
        if lists.missing or lists.unexpected
        else "Finish: all present"
    )
    return ft.ListView(
        [
            tagged("audit-place", ft.Text(lists.location, size=22, weight=ft.FontWeight.BOLD)),
            counts,
            _last_audit(screen),
            section("MISSING", *_rows(lists.missing), identifier="audit-missing-list"),
            section(
                "UNEXPECTED",
                *_rows(lists.unexpected, lists.elsewhere),
                identifier="audit-unexpected-list",
            ),
            section("FOUND", *_rows(lists.found), identifier="audit-found-list"),
            big_button(finish, lambda _e: on_finish(), identifier="audit-finish"),
            _history(history),
            big_button(
                "Cancel audit", lambda _e: on_cancel(), filled=False, identifier="audit-cancel"
            ),
        ],
        spacing=12,
        expand=True,
    )
