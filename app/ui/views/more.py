"""The More screen: one big row per tool the person may open."""

# ruff: noqa: N802  (flet components are named like the controls they return)

from __future__ import annotations

from collections.abc import Callable, Sequence

import flet as ft

from app.ui.components import tagged
from app.ui.toolbox import Tool


def _row(tool: Tool, on_open: Callable[[str], None]) -> ft.Control:
    tile = ft.ListTile(
        leading=ft.Icon(tool.icon),
        title=ft.Text(tool.label, size=16, weight=ft.FontWeight.W_600),
        subtitle=ft.Text(tool.hint, size=13),
        trailing=ft.Icon(ft.Icons.CHEVRON_RIGHT),
        min_height=64,
        on_click=lambda _e: on_open(tool.key),
    )
    return tagged(f"tool-{tool.key}", tile, label=tool.label)


@ft.component
def MoreView(tools: Sequence[Tool], on_open: Callable[[str], None]) -> ft.Control:
    rows = ft.Column(
        [ft.Text("More", size=20, weight=ft.FontWeight.BOLD), *(_row(t, on_open) for t in tools)],
        spacing=4,
        scroll=ft.ScrollMode.AUTO,
        expand=True,
    )
    return tagged("screen-more", rows)
