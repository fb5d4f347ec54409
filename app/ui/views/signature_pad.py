"""The signature pad of the handoff form: a 300 × 120 box drawn on with a finger or a mouse,
each stroke painted as it is drawn, and a "Clear" button. The strokes live with the caller
(the form submits them); app.ui.signature turns them into the stored SVG path."""

# ruff: noqa: N802  (flet components are named like the controls they return)

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import flet as ft
import flet.canvas as cv

from app.ui import theme
from app.ui.components import tagged
from app.ui.signature import BOX_HEIGHT, BOX_WIDTH, Point, snapped

Strokes = list[list[Point]]
StrokesUpdate = Callable[[Callable[[Strokes], Strokes]], Any]
INK = "#1a237e"


def _shape(stroke: Sequence[Point]) -> cv.Shape:
    """A stroke as the canvas paints it (the same grid points the stored path will hold)."""
    points = snapped(stroke)
    (x0, y0), *rest = points
    elements: list[cv.Path.PathElement] = [cv.Path.MoveTo(x0, y0)]
    elements += [cv.Path.LineTo(x, y) for x, y in rest or [(x0, y0)]]
    return cv.Path(
        elements,
        paint=ft.Paint(
            color=INK,
            stroke_width=3,
            style=ft.PaintingStyle.STROKE,
            stroke_cap=ft.StrokeCap.ROUND,
            stroke_join=ft.StrokeJoin.ROUND,
        ),
    )


@ft.component
def SignaturePad(
    strokes: Strokes, update: StrokesUpdate, identifier: str, missing: str | None = None
) -> ft.Control:
    """`update` takes a function old strokes -> new strokes, so fast pointer events that arrive
    before a repaint each add their point instead of overwriting one another."""

    def start(e: ft.DragStartEvent[ft.GestureDetector]) -> None:
        point = (e.local_position.x, e.local_position.y)
        update(lambda old: [*old, [point]])

    def move(e: ft.DragUpdateEvent[ft.GestureDetector]) -> None:
        point = (e.local_position.x, e.local_position.y)
        update(lambda old: [*old[:-1], [*old[-1], point]] if old else [[point]])

    hint = ft.Text("Sign here", size=14, color=ft.Colors.ON_SURFACE_VARIANT)
    board = ft.Container(
        content=cv.Canvas(
            [_shape(stroke) for stroke in strokes if stroke],
            content=None if strokes else ft.Container(hint, alignment=ft.Alignment.CENTER),
            width=BOX_WIDTH,
            height=BOX_HEIGHT,
        ),
        width=BOX_WIDTH,
        height=BOX_HEIGHT,
        bgcolor="#ffffff",
        border=ft.Border.all(2, theme.BAD if missing else ft.Colors.OUTLINE),
        border_radius=8,
    )
    pad = ft.GestureDetector(
        content=board,
        on_pan_start=start,
        on_pan_update=move,
        drag_interval=10,  # about 100 points a second: smooth, and light on the connection
        mouse_cursor=ft.MouseCursor.PRECISE,
    )
    words = f"Signature pad, {len(strokes)} strokes" if strokes else "Signature pad, empty"
    controls: list[ft.Control] = [
        ft.Row(
            [
                ft.Text("Signature", size=14, weight=ft.FontWeight.W_600, expand=True),
                tagged(
                    f"{identifier}-clear",
                    ft.TextButton(
                        "Clear",
                        icon=ft.Icons.CLEAR,
                        on_click=lambda _e: update(lambda _old: []),
                        disabled=not strokes,
                        height=theme.TOUCH,
                    ),
                ),
            ]
        ),
        tagged(identifier, pad, words),
    ]
    if missing:
        controls.append(tagged(f"{identifier}-missing", ft.Text(missing, color=theme.BAD)))
    return ft.Column(controls, spacing=6)
