"""The asset screen's "History" section: what happened to the asset, newest first, with the
chain of custody (each handoff's giver → taker and signer) drawn so it stands out."""

from __future__ import annotations

import time
from collections.abc import Collection, Sequence
from datetime import UTC, datetime

import flet as ft

from app.ui import theme
from app.ui.components import chip, section, tagged
from sync.device.history import CACHED, HistoryEntry

MAX_SHOWN = 40

_ICONS = {
    "register": ft.Icons.ADD_BOX,
    "observe": ft.Icons.PLACE,
    "assess": ft.Icons.GRADING,
    "transition": ft.Icons.SWAP_HORIZ,
    "load": ft.Icons.PALLET,
    "unload": ft.Icons.PALLET,
    "handoff": ft.Icons.HANDSHAKE,
    "sanitize": ft.Icons.CLEANING_SERVICES,
    "dispose": ft.Icons.RECYCLING,
    "resolve": ft.Icons.GAVEL,
}


def when_text(ms: int | None, now_ms: int | None = None) -> str:
    """An operation's time: the clock time today, else the date (UTC, as the store logs it)."""
    if ms is None:
        return "earlier"
    at = datetime.fromtimestamp(ms / 1000, UTC)
    now = datetime.fromtimestamp((now_ms or time.time() * 1000) / 1000, UTC)
    return at.strftime("%H:%M") if at.date() == now.date() else f"{at.day} {at:%b %Y %H:%M}"


def source_text(complete: bool | None) -> str:
    if complete is None:
        return "Asking the central store for the full history…"
    if complete:
        return "Full history from the central store, with this device's unsent changes."
    return "Offline: this device's own records and the last synced state."


def _custody(entry: HistoryEntry, signed: bool) -> ft.Control:
    """A handoff drawn as giver → taker, with the signer under it (and "signed" when it
    carries a drawn signature)."""
    return ft.Column(
        [
            ft.Row(
                [
                    ft.Text(entry.from_holder or "?", size=15, weight=ft.FontWeight.W_600),
                    ft.Icon(ft.Icons.ARROW_FORWARD, size=16, color=theme.INFO),
                    ft.Text(entry.to_holder or "?", size=15, weight=ft.FontWeight.W_600),
                ],
                spacing=6,
                wrap=True,
            ),
            ft.Row(
                [
                    ft.Text(f"Signed by {entry.signed_by}", size=13),
                    *([chip("signed", theme.OK)] if signed else []),
                ],
                spacing=8,
                wrap=True,
            ),
        ],
        spacing=2,
    )


def history_row(
    index: int, entry: HistoryEntry, now_ms: int | None = None, signed: bool = False
) -> ft.Control:
    handoff = entry.kind == "handoff" and entry.source != CACHED
    colour = theme.BAD if entry.refused else theme.INFO if handoff else ft.Colors.OUTLINE
    where = None if handoff else entry.where  # a handoff's holders are drawn above
    facts = " · ".join(
        part for part in (entry.who, when_text(entry.when_ms, now_ms), where) if part
    )
    badges: list[ft.Control] = []
    if entry.refused:
        badges.append(chip("Refused", theme.BAD))
    elif entry.pending:
        badges.append(chip("Not synced", theme.WARN))
    body = ft.Column(
        [
            _custody(entry, signed) if handoff else ft.Text(entry.summary, size=15),
            ft.Text(facts, size=12, color=ft.Colors.ON_SURFACE_VARIANT),
            *([ft.Text(entry.refused, size=12, color=theme.BAD)] if entry.refused else []),
        ],
        spacing=2,
        expand=True,
    )
    row = ft.Container(
        content=ft.Row(
            [ft.Icon(_ICONS.get(entry.kind, ft.Icons.HISTORY), color=colour), body, *badges],
            vertical_alignment=ft.CrossAxisAlignment.START,
        ),
        border=ft.Border.only(left=ft.BorderSide(3, colour)),
        padding=ft.Padding.only(left=10, top=4, bottom=4),
    )
    words = (
        f"{entry.summary}"
        + (" (signed)" if handoff and signed else "")
        + f". {facts}"
        + (" (not synced)" if entry.pending else "")
    )
    return tagged(f"history-{index}", row, words, key=f"h|{entry.op_id}|{entry.pending}|{signed}")


def history_section(
    entries: Sequence[HistoryEntry],
    complete: bool | None,
    now_ms: int | None = None,
    signed: Collection[str] = (),
) -> ft.Control:
    """`signed`: the op ids of handoffs that carry a drawn signature."""
    rows: list[ft.Control] = [
        history_row(i, e, now_ms, e.op_id in signed) for i, e in enumerate(entries[:MAX_SHOWN])
    ]
    if not rows:
        rows.append(ft.Text("Nothing recorded yet.", color=ft.Colors.ON_SURFACE_VARIANT))
    return section(
        "HISTORY",
        tagged(
            "history-source",
            ft.Text(source_text(complete), size=12, color=ft.Colors.ON_SURFACE_VARIANT),
        ),
        *rows,
        identifier="asset-history",
    )
