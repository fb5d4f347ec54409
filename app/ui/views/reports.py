"""The Reports tool: pick a report, narrow it to a site (and a period), read the headline
figures, the chart and the table a page of lines at a time, download the CSV. On a phone the
chart sits above the table; from a tablet's width on they stand side by side."""

# ruff: noqa: N802  (flet components are named like the controls they return)

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

from app.ui import theme
from app.ui.charts import bar_chart
from app.ui.components import Field, big_button, tagged
from app.ui.desks.reports import ReportsDesk
from app.ui.reporting import PAGE_LINES, PERIODS, REPORTS, Page, Shown, Table

CELL_WIDTH = 112


def choice_button(
    text: str, value: str, chosen: str, on_choose: Callable[[str], Any], identifier: str
) -> ft.Control:
    """One of a few choices (`value`), 48 px tall: filled when it is the `chosen` one."""
    kind = ft.FilledButton if value == chosen else ft.OutlinedButton
    button = kind(
        content=ft.Text(text, size=14, weight=ft.FontWeight.W_600),
        on_click=lambda _e: on_choose(value),
        height=48,
        style=ft.ButtonStyle(
            shape=ft.RoundedRectangleBorder(radius=24),
            padding=ft.Padding.symmetric(horizontal=14),
        ),
    )
    return tagged(identifier, button, f"{text}{' (shown)' if value == chosen else ''}")


def figure_box(index: int, what: str, value: str) -> ft.Control:
    box = ft.Container(
        content=ft.Column(
            [
                ft.Text(value, size=20, weight=ft.FontWeight.BOLD),
                ft.Text(what, size=12, color=ft.Colors.ON_SURFACE_VARIANT),
            ],
            spacing=0,
        ),
        bgcolor=ft.Colors.SURFACE_CONTAINER,
        border_radius=theme.RADIUS,
        padding=10,
    )
    # the responsive row reads `col` off its own child: the wrapper, not the box
    return ft.Container(
        tagged(f"report-figure-{index}", box, f"{what} {value}"), col={"xs": 6, "sm": 4, "md": 3}
    )


def table_view(table: Table, start: int) -> ft.Control:
    """A plain grid: a header and one tagged row per line of the page (scrolls sideways on a
    phone); a row's id is its line's place in the whole report (`report-row-0` is line 1)."""

    def cells(values: tuple[str, ...], bold: bool) -> ft.Control:
        return ft.Row(
            [
                ft.Container(
                    ft.Text(v, size=13, weight=ft.FontWeight.BOLD if bold else None),
                    width=CELL_WIDTH,
                )
                for v in values
            ],
            spacing=6,
        )

    lines: list[ft.Control] = [cells(table.columns, True), ft.Divider(height=1)]
    for i, row in enumerate(table.rows):
        lines.append(tagged(f"report-row-{start + i}", cells(row, False), " | ".join(row)))
    if not table.rows:
        lines.append(ft.Text("No lines.", color=ft.Colors.ON_SURFACE_VARIANT))
    grid = ft.Row([ft.Column(lines, spacing=6)], scroll=ft.ScrollMode.AUTO)
    return tagged("report-table", grid, f"{len(table.rows)} lines")


def pager(page: Page, desk: ReportsDesk, end: str = "") -> ft.Control:
    """Where the table is in the report, and the way to the lines before and after it (`end`:
    the ids' suffix of the copy under the table, where a thumb is after a long page)."""
    words = ft.Text(page.words(), size=15, weight=ft.FontWeight.W_600)
    where = tagged(f"report-lines{end}", words)
    if page.whole:
        return where
    more = (
        PAGE_LINES if page.total is None else min(PAGE_LINES, page.total - page.start - page.shown)
    )
    buttons = ft.Row(
        [
            big_button(
                "Previous",
                lambda _e: desk.previous_page(),
                icon=ft.Icons.CHEVRON_LEFT,
                identifier=f"report-previous{end}",
                filled=False,
                disabled=page.start == 0,
            ),
            big_button(
                f"Next {more:,}" if page.more else "Next",
                lambda _e: desk.next_page(),
                icon=ft.Icons.CHEVRON_RIGHT,
                identifier=f"report-next{end}",
                filled=False,
                disabled=not page.more,
            ),
        ],
        wrap=True,
        spacing=8,
        run_spacing=8,
    )
    return ft.Column([where, buttons], spacing=8)


def shown_view(shown: Shown, page: Page, desk: ReportsDesk) -> list[ft.Control]:
    figures = ft.ResponsiveRow(
        [figure_box(i, what, value) for i, (what, value) in enumerate(shown.figures)],
        spacing=8,
        run_spacing=8,
    )
    body = ft.ResponsiveRow(
        [
            ft.Container(bar_chart(shown.chart), col={"xs": 12, "md": 6}, padding=4),
            ft.Container(table_view(shown.table, page.start), col={"xs": 12, "md": 6}, padding=4),
        ],
        spacing=12,
        run_spacing=12,
    )
    return [
        ft.Row(
            [
                ft.Container(
                    tagged(
                        "report-title", ft.Text(shown.title, size=18, weight=ft.FontWeight.BOLD)
                    ),
                    expand=True,
                ),
                # at the top, where a thumb reaches it before the long table
                big_button(
                    "CSV",
                    lambda _e: desk.download(),
                    icon=ft.Icons.DOWNLOAD,
                    identifier="report-download",
                ),
            ],
        ),
        figures,
        # above the table, so a thumb pages without scrolling past a hundred lines first
        pager(page, desk),
        body,
        *([] if page.whole else [pager(page, desk, "-end")]),  # and under it, after reading
    ]


@ft.component
def Filters(desk: ReportsDesk) -> ft.Control:
    site, set_site = ft.use_state(desk.site)
    since, set_since = ft.use_state(desk.since)
    until, set_until = ft.use_state(desk.until)
    report = desk.report

    def apply(_e: Any = None) -> None:
        desk.set_filter(site, since, until)

    fields: list[ft.Control] = []
    if report.by_site:
        fields.append(
            Field(
                label="Site",
                value=site,
                on_change=lambda e: set_site(e.control.value),
                on_submit=apply,
                expand=2,
            )
        )
    if report.by_window:
        fields += [
            Field(
                label="From",
                value=since,
                hint_text="2026-05-01",
                on_change=lambda e: set_since(e.control.value),
                on_submit=apply,
                expand=3,
            ),
            Field(
                label="Until",
                value=until,
                hint_text="2026-05-31",
                on_change=lambda e: set_until(e.control.value),
                on_submit=apply,
                expand=3,
            ),
        ]
    if fields:
        fields.append(
            tagged(
                "report-apply",
                ft.IconButton(
                    ft.Icons.FILTER_ALT, on_click=apply, tooltip="Apply", width=48, height=48
                ),
            )
        )
    periods: list[ft.Control] = []
    if report.by_period:
        periods = [
            choice_button(text, value, desk.period, desk.set_period, f"period-{value}")
            for value, text in PERIODS
        ]
    return ft.Column(
        [ft.Row(fields, spacing=8), ft.Row(periods, wrap=True, spacing=8)],
        spacing=8,
    )


@ft.component
def ReportsView(desk: ReportsDesk) -> ft.Control:
    chooser = ft.Row(
        [choice_button(r.label, r.key, desk.key, desk.choose, f"report-{r.key}") for r in REPORTS],
        wrap=True,
        spacing=8,
        run_spacing=8,
    )
    parts: list[ft.Control] = [
        ft.Text("Reports", size=20, weight=ft.FontWeight.BOLD),
        ft.Text(desk.report.hint, size=13, color=ft.Colors.ON_SURFACE_VARIANT),
        chooser,
        Filters(desk, key=f"filters-{desk.key}"),  # type: ignore[call-arg]
    ]
    # the same slots whatever the state, so a control under a finger is never swapped for
    # another by a repaint that only shows or hides the busy bar
    parts += [
        tagged(
            "report-loading",
            ft.ProgressBar(opacity=1.0 if desk.loading else 0.0),
            "Reading the report",
        ),
    ]
    if desk.problem:  # present only then: Flet refuses an invisible child of a semantics node
        parts.append(tagged("report-problem", ft.Text(desk.problem, color=theme.BAD)))
    if desk.shown is not None and desk.page is not None and desk.shown.key == desk.key:
        parts.extend(shown_view(desk.shown, desk.page, desk))
    return ft.Column(parts, spacing=12, scroll=ft.ScrollMode.AUTO, expand=True)
