"""The supervisor's reports as the Reports tool shows them: for each report, how to ask the
store (`REPORTS`) and how its answer becomes headline figures, a bar chart's series and a
table. Pure data in, frozen data out (no flet), so a test checks every figure and series."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from app.ui import present
from assets.disposition import OUTCOMES
from sync.device.store_desk import StoreDesk
from sync.protocol import (
    AssetsByLocationReport,
    AssetsByStatusReport,
    DevicesReport,
    DispositionReport,
    DiversionReport,
    RecoveryReport,
    StorageAgeReport,
)

CHART_BARS = 12  # bars a chart draws at most (the table lists every line)
PAGE_LINES = 100  # table lines on one page (a paged report asks the store for this many)
PERIODS = (("month", "Month"), ("week", "Week"), ("day", "Day"))
# Colours for series that have no vocabulary colour (currencies, weights), in order.
PALETTE = ("#1565c0", "#2e7d32", "#ef6c00", "#8e24aa", "#00897b", "#6d4c41")
RETIRED_COLOUR, DIVERTED_COLOUR = "#78909c", "#2e7d32"


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    colour: str
    values: tuple[float, ...]  # one per label


@dataclass(frozen=True, slots=True)
class Chart:
    labels: tuple[str, ...]  # one per bar group, under the bars
    series: tuple[Series, ...]  # one bar per series in each group
    unit: str  # what the bars count, for the axis and screen readers
    colours: tuple[str, ...] = ()  # one per label: a single series' bars coloured each

    def words(self) -> str:
        """The chart for a screen reader (and a test): every bar's label and value."""
        if not self.labels:
            return f"{self.unit}: nothing to show"
        parts = []
        for i, label in enumerate(self.labels):
            if len(self.series) == 1:
                parts.append(f"{label} {_number(self.series[0].values[i])}")
                continue
            values = ", ".join(f"{s.name} {_number(s.values[i])}" for s in self.series)
            parts.append(f"{label}: {values}")
        return f"{self.unit}: " + "; ".join(parts)


@dataclass(frozen=True, slots=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Shown:
    """One report, ready to draw."""

    key: str
    title: str
    figures: tuple[tuple[str, str], ...]  # (what, value) headline figures
    chart: Chart
    table: Table
    next_cursor: str | None = None  # the store has more lines: ask for them with this

    @property
    def more(self) -> bool:
        return self.next_cursor is not None


@dataclass(frozen=True, slots=True)
class Page:
    """Which of a report's lines the table shows."""

    start: int  # lines before this page
    shown: int  # lines on it
    total: int | None  # every line of the report; None: more follow, not counted yet

    @property
    def whole(self) -> bool:
        return self.start == 0 and self.total == self.shown

    @property
    def more(self) -> bool:
        return self.total is None or self.start + self.shown < self.total

    def words(self) -> str:
        """`Lines 101–200 of 340` (or `of more than 200` while the store has not said)."""
        last = self.start + self.shown
        if self.shown == 0:
            return "No lines." if self.start == 0 else f"No lines after line {self.start:,}."
        if self.whole:
            return "1 line" if self.shown == 1 else f"All {self.shown:,} lines"
        total = f"more than {last:,}" if self.total is None else f"{self.total:,}"
        return f"Lines {self.start + 1:,}–{last:,} of {total}"


def page_of(shown: Shown, start: int, size: int = PAGE_LINES) -> tuple[Shown, Page]:
    """A report the store sent whole, cut to the `size` lines from `start` (figures and
    chart stay those of the whole report)."""
    rows = shown.table.rows
    last_page = (max(len(rows), 1) - 1) // size * size  # a shorter re-read: its last page
    start = max(0, min(start // size * size, last_page))
    page = Page(start, len(rows[start : start + size]), len(rows))
    return replace(shown, table=replace(shown.table, rows=rows[start : start + size])), page


def store_page(shown: Shown, start: int) -> tuple[Shown, Page]:
    """One page of a report the store pages: its total is known once no more follow. Its
    figures count this page only, so they say so when there are other pages."""
    page = Page(start, len(shown.table.rows), None if shown.more else start + len(shown.table.rows))
    if page.whole:
        return shown, page
    figures = tuple((f"{what} on this page", value) for what, value in shown.figures)
    return replace(shown, figures=figures), page


@dataclass(frozen=True, slots=True)
class Query:
    site: str | None = None
    period: str = "month"
    since: str | None = None
    until: str | None = None
    cursor: str | None = None  # a paged report's page: the previous page's next_cursor

    def params(self, report: Report) -> dict[str, str | int | None]:
        """The query string the report's CSV takes (the same as its data)."""
        found: dict[str, str | int | None] = {"site": self.site} if report.by_site else {}
        if report.by_period:
            found["period"] = self.period
        if report.by_window:
            found.update(since=self.since, until=self.until)
        return found


@dataclass(frozen=True, slots=True)
class Report:
    key: str  # the store's report name (sync.device.store_desk.REPORT_PATHS)
    label: str
    hint: str
    read: Callable[[StoreDesk, Query], Any]
    shape: Callable[[Any], Shown]
    by_site: bool = True
    by_period: bool = False
    by_window: bool = False
    paged: bool = False  # the store sends it a page at a time (`Query.cursor`)


# ---- numbers in people's words ---------------------------------------------------------


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def percent(ratio: Decimal | None) -> str:
    return "—" if ratio is None else f"{ratio * 100:.1f} %"


def kg(value: Decimal) -> str:
    return f"{value:,.1f} kg"


def when(stamp: str | None) -> str:
    """2026-06-10T11:58:00+00:00 -> 2026-06-10 11:58 (UTC, as the store keeps it)."""
    if not stamp:
        return "never"
    date, _, clock = stamp.partition("T")
    return f"{date} {clock[:5]}".strip()


def _site(site: str | None) -> str:
    return site or "No site"


def _summed(pairs: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    """Values added up per key, keys in first-seen order."""
    found: dict[str, Decimal] = {}
    for key, value in pairs:
        found[key] = found.get(key, Decimal(0)) + value
    return found


# ---- each report's shape ---------------------------------------------------------------


def shape_by_status(report: AssetsByStatusReport) -> Shown:
    held = [line for line in report.by_status if line.assets > 0]
    chart = Chart(
        tuple(line.label for line in held),
        (Series("Assets", PALETTE[0], tuple(float(line.assets) for line in held)),),
        "Assets by status",
        tuple(line.colour for line in held),
    )
    rows = tuple(
        (_site(line.site), present.status_choice(line.status).label, str(line.assets))
        for line in report.by_site
    )
    figures = (("Assets", f"{report.total:,}"), ("Statuses in use", str(len(held))))
    return Shown(
        "assets-by-status",
        "Assets by status",
        figures,
        chart,
        Table(("Site", "Status", "Assets"), rows),
    )


def shape_by_location(report: AssetsByLocationReport) -> Shown:
    lines = report.items
    top = sorted(lines, key=lambda line: -line.assets)[:CHART_BARS]
    chart = Chart(
        tuple(line.location for line in top),
        (Series("Assets", PALETTE[0], tuple(float(line.assets) for line in top)),),
        "Assets by location",
    )
    rows = tuple((line.location, line.site, str(line.assets)) for line in lines)
    figures = (("Places", f"{len(lines):,}"), ("Assets", f"{sum(x.assets for x in lines):,}"))
    return Shown(
        "assets-by-location",
        "Assets by location",
        figures,
        chart,
        Table(("Location", "Site", "Assets"), rows),
        next_cursor=report.next_cursor,
    )


def shape_storage_age(report: StorageAgeReport) -> Shown:
    items = report.items
    top = items[:CHART_BARS]  # the store lists the longest idle first
    chart = Chart(
        tuple(item.tag for item in top),
        (Series("Days", PALETTE[0], tuple(float(item.days) for item in top)),),
        "Days in storage",
        tuple(present.status_choice(item.status).colour for item in top),
    )
    rows = tuple(
        (
            item.tag,
            present.status_choice(item.status).label,
            item.location or "—",
            when(item.since)[:10],
            str(item.days),
        )
        for item in items
    )
    oldest = f"{items[0].days:,} days" if items else "—"
    figures = (("Idle assets", f"{len(items):,}"), ("Longest idle", oldest))
    return Shown(
        "storage-age",
        "Time in storage",
        figures,
        chart,
        Table(("Tag", "Status", "Location", "Since", "Days"), rows),
        next_cursor=report.next_cursor,
    )


def shape_recovery(report: RecoveryReport) -> Shown:
    periods = tuple(dict.fromkeys(line.period for line in report.lines))
    currencies = tuple(dict.fromkeys(line.currency for line in report.lines))
    per = _summed(((f"{x.period}|{x.currency}"), x.amount) for x in report.lines)
    series = tuple(
        Series(
            currency,
            PALETTE[i % len(PALETTE)],
            tuple(float(per.get(f"{p}|{currency}", 0)) for p in periods),
        )
        for i, currency in enumerate(currencies)
    )
    rows = tuple(
        (x.period, _site(x.site), x.currency, str(x.assets), f"{x.amount:,.2f}")
        for x in report.lines
    )
    figures = tuple((f"Recovered ({t.currency})", f"{t.amount:,.2f}") for t in report.totals)
    return Shown(
        "recovery",
        "Value recovered",
        figures or (("Recovered", "nothing yet"),),
        Chart(periods, series, "Value recovered"),
        Table(("Period", "Site", "Currency", "Assets", "Amount"), rows),
    )


def shape_diversion(report: DiversionReport) -> Shown:
    periods = tuple(dict.fromkeys(line.period for line in report.lines))
    retired = _summed((x.period, x.weight_retired_kg) for x in report.lines)
    diverted = _summed((x.period, x.weight_diverted_kg) for x in report.lines)
    series = (
        Series("Retired kg", RETIRED_COLOUR, tuple(float(retired[p]) for p in periods)),
        Series("Diverted kg", DIVERTED_COLOUR, tuple(float(diverted[p]) for p in periods)),
    )
    rows = tuple(
        (
            x.period,
            _site(x.site),
            str(x.assets),
            str(x.weighed),
            f"{x.weight_retired_kg:,.3f}",
            f"{x.weight_diverted_kg:,.3f}",
            percent(x.landfill_diversion),
        )
        for x in report.lines
    )
    figures = (
        ("Landfill diversion", percent(report.landfill_diversion)),
        ("Retired", kg(report.weight_retired_kg)),
        ("Diverted", kg(report.weight_diverted_kg)),
    )
    return Shown(
        "diversion",
        "Landfill diversion",
        figures,
        Chart(periods, series, "Weight by period"),
        Table(
            ("Period", "Site", "Assets", "Weighed", "Retired kg", "Diverted kg", "Diverted"), rows
        ),
    )


def shape_devices(report: DevicesReport) -> Shown:
    items = report.items
    waiting = [item for item in items if item.pending]
    top = sorted(items, key=lambda item: -(item.pending or 0))[:CHART_BARS]
    chart = Chart(
        tuple(item.name or item.device_id for item in top),
        (Series("Waiting", PALETTE[2], tuple(float(item.pending or 0) for item in top)),),
        "Operations waiting to sync",
    )
    rows = tuple(
        (
            item.device_id,
            item.name + (" (revoked)" if item.revoked else ""),
            when(item.last_contact),
            "—" if item.pending is None else str(item.pending),
            str(item.acked_through),
        )
        for item in items
    )
    figures = (
        ("Devices", f"{len(items):,}"),
        ("Waiting to sync", f"{sum(item.pending or 0 for item in items):,}"),
        ("Devices with a backlog", str(len(waiting))),
    )
    return Shown(
        "devices",
        "Devices: backlog and last contact",
        figures,
        chart,
        Table(("Device", "Name", "Last contact", "Waiting", "Sent"), rows),
        next_cursor=report.next_cursor,
    )


def shape_disposition(report: DispositionReport) -> Shown:
    lines = [line for line in report.outcomes if line.assets > 0]
    chart = Chart(
        tuple(OUTCOMES.label(line.outcome) for line in lines),
        (Series("Assets", PALETTE[0], tuple(float(line.assets) for line in lines)),),
        "Assets by outcome",
        tuple(
            OUTCOMES[line.outcome].colour if line.outcome in OUTCOMES else PALETTE[0]
            for line in lines
        ),
    )
    rows = tuple(
        (
            OUTCOMES.label(line.outcome),
            str(line.assets),
            f"{line.weight_kg:,.3f}",
            ", ".join(f"{v.currency} {v.amount:,.2f}" for v in line.value) or "—",
        )
        for line in report.outcomes
    )
    figures = (
        ("Disposed of", f"{report.assets_disposed:,}"),
        ("Landfill diversion", percent(report.landfill_diversion)),
        ("Retired", kg(report.weight_retired_kg)),
    )
    return Shown(
        "disposition",
        "Disposition outcomes",
        figures,
        chart,
        Table(("Outcome", "Assets", "Weight kg", "Value"), rows),
    )


REPORTS: tuple[Report, ...] = (
    Report(
        "assets-by-status",
        "By status",
        "How many assets are in each status",
        lambda desk, q: desk.assets_by_status(q.site),
        shape_by_status,
    ),
    Report(
        "assets-by-location",
        "By location",
        "How many assets are at each place",
        lambda desk, q: desk.assets_by_location(q.site, PAGE_LINES, q.cursor),
        shape_by_location,
        paged=True,
    ),
    Report(
        "storage-age",
        "Storage age",
        "Storage and surplus sitting idle, oldest first",
        lambda desk, q: desk.storage_age(q.site, None, PAGE_LINES, q.cursor),
        shape_storage_age,
        paged=True,
    ),
    Report(
        "recovery",
        "Value",
        "Value recovered by period and site",
        lambda desk, q: desk.recovery(q.period, q.site, q.since, q.until),
        shape_recovery,
        by_period=True,
        by_window=True,
    ),
    Report(
        "diversion",
        "Diversion",
        "Weight kept out of landfill by period and site",
        lambda desk, q: desk.diversion(q.period, q.site, q.since, q.until),
        shape_diversion,
        by_period=True,
        by_window=True,
    ),
    Report(
        "devices",
        "Devices",
        "Each device's sync backlog and last contact",
        lambda desk, q: desk.devices(PAGE_LINES, q.cursor),
        shape_devices,
        by_site=False,
        paged=True,
    ),
    Report(
        "disposition",
        "Outcomes",
        "Disposition outcomes, weights and sanitization",
        lambda desk, q: desk.disposition(q.site, q.since, q.until),
        shape_disposition,
        by_window=True,
    ),
)
BY_KEY = {report.key: report for report in REPORTS}
assert len(BY_KEY) == len(REPORTS), "two reports share a key"
