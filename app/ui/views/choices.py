"""Choices as big chips a thumb can hit (at least 48 px tall), one row that wraps at a phone's
width; the chosen one is filled. Used by the lifecycle tools' forms (Intake, Wipe, Dispose)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import flet as ft

from app.ui import theme
from app.ui.components import tagged


def choice_chips(
    prefix: str,
    options: Iterable[tuple[str, str]],
    chosen: str | None,
    on_pick: Callable[[str], Any],
) -> ft.Control:
    """`options` are (value, label); each chip's test id is `<prefix>-<value>`."""
    chips: list[ft.Control] = []
    for value, label in options:
        picked = value == chosen
        box = ft.Container(
            content=ft.Text(
                label,
                size=15,
                weight=ft.FontWeight.W_600,
                color=ft.Colors.ON_PRIMARY if picked else ft.Colors.ON_SURFACE,
            ),
            # no fixed height or alignment, which would stretch a chip across the row:
            # 16 px above and below a 15 px line make it 52 px tall, over the 48 px minimum
            padding=ft.Padding.symmetric(horizontal=16, vertical=16),
            border_radius=12,
            border=ft.Border.all(2, ft.Colors.PRIMARY if picked else ft.Colors.OUTLINE),
            bgcolor=ft.Colors.PRIMARY if picked else None,
            on_click=lambda _e, v=value: on_pick(v),
            ink=True,
        )
        # Its own node, a button from the start: merged into its neighbours' node, a chip
        # lost its label and test id in Flutter web's tree after a re-render (seen on Wipe once
        # a field below had been typed in), so neither a screen reader nor a test could find it.
        chips.append(
            ft.Semantics(
                identifier=f"{prefix}-{value}",
                label=f"{label}{' (chosen)' if picked else ''}",
                button=True,
                container=True,
                content=box,
            )
        )
    return ft.Row(chips, wrap=True, spacing=8, run_spacing=8)


def hint(identifier: str, text: str | None, done: str) -> ft.Control:
    """What the form still needs (in warning colour), or that it is ready."""
    words = text or done
    colour = theme.WARN if text else theme.OK
    return tagged(identifier, ft.Text(words, size=15, color=colour, weight=ft.FontWeight.W_600))
