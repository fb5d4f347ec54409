"""The sync screen: what waits to be sent, what was sent and pulled, errors, and refusals."""

# ruff: noqa: N802  (flet components are named like the controls they return)

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import flet as ft

from app.ui import present, theme, words
from app.ui.components import big_button, info_row, section, tagged
from sync.device.outbox import OutboxRow
from sync.device.progress import SyncProgress


@ft.component
def SyncView(
    *,
    progress: SyncProgress,
    counts: dict[str, int],
    rejected: Sequence[OutboxRow],
    server_url: str,
    device_id: str,
    busy: bool,
    on_sync: Callable[[], Any],
    on_verify: Callable[[], Any],
) -> ft.Control:
    badge = present.sync_badge(progress)
    status = section(
        "SYNC",
        tagged(
            "sync-state",
            ft.Text(badge.text, size=20, weight=ft.FontWeight.BOLD, color=badge.colour),
            badge.text,
        ),
        info_row("Waiting", str(progress.pending), "sync-pending"),
        info_row(
            "Sent",
            f"{progress.pushed} this session · {counts.get('acked', 0) + counts.get('settled', 0)} in all",
        ),
        info_row("Pulled", f"{progress.pulled} changes"),
        info_row("Last success", present.ago(progress.last_success_ms), "sync-last-success"),
        info_row(
            "Last error",
            f"{words.sync_problem(progress.last_error)} ({present.ago(progress.last_error_ms)})"
            if progress.last_error
            else "—",
            "sync-last-error",
        ),
        *([info_row("Next try", f"in {progress.retry_in_s:.0f} s")] if progress.retry_in_s else []),
        info_row("Store", server_url),
        info_row("Device", device_id),
    )
    snapshot: list[ft.Control] = []
    if progress.state == "syncing" and progress.snapshot_pulled:
        snapshot.append(ft.Text(f"Downloading: {progress.snapshot_pulled} changes so far"))
    refused = [
        tagged(
            f"rejected-{row.device_seq}",
            ft.Container(
                content=ft.Column(
                    [
                        ft.Text(
                            f"#{row.device_seq} {present.state_label(row.kind)} "
                            f"{present.short_key(row.target)}",
                            weight=ft.FontWeight.BOLD,
                        ),
                        ft.Text(present.plain(row.reason or "refused"), color=theme.BAD),
                    ],
                    spacing=2,
                ),
                border=ft.Border.only(left=ft.BorderSide(4, theme.BAD)),
                padding=8,
            ),
        )
        for row in rejected
    ]
    return ft.ListView(
        [
            status,
            *snapshot,
            big_button(
                "Sync now",
                lambda _e: on_sync(),
                icon=ft.Icons.SYNC,
                identifier="sync-now",
                disabled=busy,
            ),
            big_button(
                "Check the store's log",
                lambda _e: on_verify(),
                icon=ft.Icons.VERIFIED_USER,
                identifier="verify-log",
                disabled=busy,
            ),
            section(
                f"REFUSED BY THE STORE ({len(rejected)})",
                *(refused or [ft.Text("Nothing refused.")]),
            ),
        ],
        spacing=12,
        expand=True,
    )
