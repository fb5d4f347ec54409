"""A report's bar chart drawn with flet-charts (Flet's own chart controls, fl_chart inside).

The chart's words (every bar's label and value) are its semantics label, so a screen reader
reads what the bars show."""

from __future__ import annotations

import math

import flet as ft
import flet_charts as fch

from app.ui.components import tagged
from app.ui.reporting import Chart

LABEL_CHARS = 8  # an axis label is cut to this many characters (the table has them whole)


def _short(label: str) -> str:
    label = label.rsplit("/", 1)[-1] if "/" in label else label
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def nice_top(top: float) -> float:
    """The axis' top: the next 1, 2, 2.5 or 5 times a power of ten above the highest bar."""
    if top <= 0:
        return 1.0
    scale = 10.0 ** math.floor(math.log10(top))
    return next(
        float(step * scale) for step in (1, 2, 2.5, 5, 10, 20) if step * scale >= top * 1.05
    )


def _rods(chart: Chart, i: int, width: float) -> list[fch.BarChartRod]:
    rods = []
    for series in chart.series:
        colour = chart.colours[i] if chart.colours and len(chart.series) == 1 else series.colour
        rods.append(
            fch.BarChartRod(
                from_y=0,
                to_y=series.values[i],
                width=width,
                color=colour,
                border_radius=3,
                tooltip=f"{chart.labels[i]}: {series.name} {series.values[i]:g}",
            )
        )
    return rods


def bar_chart(chart: Chart, *, height: float = 260) -> ft.Control:
    """The chart's bars, or a line of words when there is nothing to draw."""
    if not chart.labels:
        empty = ft.Text("Nothing to chart yet.", color=ft.Colors.ON_SURFACE_VARIANT)
        return tagged("report-chart", ft.Container(empty, height=48), chart.words())
    top = max((v for s in chart.series for v in s.values), default=0.0)
    groups = len(chart.labels)
    width = max(6.0, min(28.0, 220.0 / (groups * len(chart.series))))
    bars = fch.BarChart(
        groups=[
            fch.BarChartGroup(x=i, rods=_rods(chart, i, width), spacing=2) for i in range(groups)
        ],
        max_y=nice_top(top),
        left_axis=fch.ChartAxis(label_size=44),
        bottom_axis=fch.ChartAxis(
            label_size=36,
            labels=[
                fch.ChartAxisLabel(
                    value=i,
                    label=ft.Container(ft.Text(_short(label), size=9), padding=4),
                )
                for i, label in enumerate(chart.labels)
            ],
        ),
        horizontal_grid_lines=fch.ChartGridLines(color=ft.Colors.OUTLINE_VARIANT, width=1),
        interactive=True,
        expand=True,
    )
    legend = ft.Row(
        [
            ft.Row(
                [
                    ft.Container(width=12, height=12, bgcolor=s.colour, border_radius=2),
                    ft.Text(s.name, size=12),
                ],
                spacing=4,
                tight=True,
            )
            for s in chart.series
        ],
        wrap=True,
        visible=len(chart.series) > 1,
    )
    box = ft.Column(
        [
            ft.Text(chart.unit, size=13, weight=ft.FontWeight.W_600),
            legend,
            ft.Container(bars, height=height),
        ],
        spacing=6,
    )
    return tagged("report-chart", box, chart.words())
