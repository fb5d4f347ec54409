"""The disposition report: outcomes, weights, value recovered, recycling by commodity, how the
storage devices of data-bearing assets were sanitized, and landfill diversion.

An asset counts once, through the dispose operation its folded state cites (`disposition_op`;
when a supervisor decided a disputed disposition, the first dispose operation with the decided
outcome). The window is on that operation's HLC wall time.

`disposition_report` reads the aggregates the push path keeps (sync.server.disposals): whole
UTC days inside the window from the per-day sums, the partial days at its edges from the
per-asset rows, so its cost follows the days asked for, not the size of the log.
`recompute_report` walks the log's dispose records instead; tests hold the two equal.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Select, select

from assets.disposition import (
    COMMODITIES,
    DIVERTED_OUTCOMES,
    OUTCOMES,
    SANITIZATION_METHODS,
    landfill_diversion,
)
from assets.merge import AssetState
from assets.operations import DisposeArgs, parse_operation
from sync.errors import BadRequest
from sync.protocol import (
    CommodityTotal,
    DispositionReport,
    MethodTotal,
    MoneyTotal,
    OutcomeTotal,
    SanitizationSummary,
)
from sync.server import tables as t
from sync.server.disposals import DAY_MS, Disposal, Totals, contribution, first_dispose_op

PAGE_SIZE = 500
MAX_FOLLOW_UP_TAGS = 100
GRAM = Decimal("0.001")
FRACTION = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class Window:
    """[since_ms, until_ms) in wall-clock ms; either end may be open."""

    since_ms: int | None = None
    until_ms: int | None = None

    @property
    def since_iso(self) -> str | None:
        return _iso(self.since_ms)

    @property
    def until_iso(self) -> str | None:
        return _iso(self.until_ms)


def _iso(ms: int | None) -> str | None:
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="seconds")


def _instant(text: str, name: str, end_of_day: bool) -> int:
    raw = text.strip()
    try:
        if len(raw) == 10:  # a date alone: its midnight (UTC), or the end of that day
            day = date.fromisoformat(raw)
            if end_of_day:
                day += timedelta(days=1)
            moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
        else:
            moment = datetime.fromisoformat(raw)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
    except ValueError as exc:
        raise BadRequest(
            f"{name} '{raw[:40]}' is not a date (2026-03-31) or a date and time "
            "(2026-03-31T17:00:00Z)"
        ) from exc
    return int(moment.timestamp() * 1000)


def parse_window(since: str | None, until: str | None) -> Window:
    """A date alone in `until` includes that whole day; times without a zone are UTC."""
    window = Window(
        _instant(since, "since", False) if since else None,
        _instant(until, "until", True) if until else None,
    )
    start, end = window.since_ms, window.until_ms
    if start is not None and end is not None and end <= start:
        raise BadRequest("until must be after since")
    return window


def _stamp_bound(ms: int) -> str:
    # Stamps are text with a fixed-width wall time first, so they compare like the times.
    return f"{ms:013d}"


def cited_dispose_op_id(conn: Connection, state: AssetState) -> str | None:
    """The dispose operation that stands for an asset's disposition; None when it has none."""
    if state.disposition is None or state.disposition_op is None:
        return None
    kind = conn.execute(
        select(t.oplog.c.kind).where(t.oplog.c.op_id == state.disposition_op)
    ).scalar()
    if kind == "dispose":
        return state.disposition_op
    # Decided by a supervisor (a resolve operation): cite the record with the decided outcome.
    row = first_dispose_op(conn, state.key, state.disposition)
    return None if row is None else str(row.op_id)


def _outcome_lines(totals: Totals) -> list[OutcomeTotal]:
    lines = []
    for name in OUTCOMES:
        o = totals.outcomes.get(name)
        value = [] if o is None else sorted(o.value.items())
        lines.append(
            OutcomeTotal(
                outcome=name,
                assets=o.assets if o else 0,
                weighed=o.weighed if o else 0,
                weight_kg=(o.weight_kg if o else Decimal(0)).quantize(GRAM),
                value=[MoneyTotal(currency=c, amount=a) for c, (_n, a) in value],
            )
        )
    return lines


def _sanitization(totals: Totals, tags: list[str]) -> SanitizationSummary:
    return SanitizationSummary(
        data_bearing_assets=totals.data_bearing,
        storage_devices=totals.storage_devices,
        by_method=[
            MethodTotal(
                method=m,
                verified=totals.methods.get((m, True), 0),
                unverified=totals.methods.get((m, False), 0),
            )
            for m in SANITIZATION_METHODS
        ],
        devices_without_record=totals.without_record,
        reuse_without_verified_record=totals.unverified_reuse,
        reuse_without_verified_record_tags=tags,
    )


def build_report(
    totals: Totals, tags: list[str], site: str | None, window: Window
) -> DispositionReport:
    """The report's shape from summed totals and the follow-up tags."""
    retired = sum((o.weight_kg for o in totals.outcomes.values()), Decimal(0))
    diverted = sum(
        (o.weight_kg for n, o in totals.outcomes.items() if n in DIVERTED_OUTCOMES), Decimal(0)
    )
    share = landfill_diversion(diverted, retired)
    order = {name: i for i, name in enumerate(COMMODITIES)}
    recycling = [
        CommodityTotal(commodity=c, assets=n, weight_kg=kg.quantize(GRAM))
        for c, (n, kg) in sorted(
            totals.commodities.items(), key=lambda item: order.get(item[0] or "", len(order))
        )
    ]
    return DispositionReport(
        site=site,
        since=window.since_iso,
        until=window.until_iso,
        assets_disposed=totals.assets,
        assets_without_weight=totals.without_weight,
        outcomes=_outcome_lines(totals),
        recycling=recycling,
        sanitization=_sanitization(totals, tags),
        weight_retired_kg=retired.quantize(GRAM),
        weight_diverted_kg=diverted.quantize(GRAM),
        landfill_diversion=None if share is None else share.quantize(FRACTION),
    )


def _whole_days(window: Window) -> tuple[int | None, int | None]:
    """The first and the end (exclusive) of the whole UTC days inside the window."""
    first = None if window.since_ms is None else -(-window.since_ms // DAY_MS)
    end = None if window.until_ms is None else window.until_ms // DAY_MS
    return first, end


def _disposals(site: str | None, since_ms: int | None, until_ms: int | None) -> Select[Any]:
    query = select(t.disposals)
    if site:
        query = query.where(t.disposals.c.site == site)
    if since_ms is not None:
        query = query.where(t.disposals.c.wall_ms >= since_ms)
    if until_ms is not None:
        query = query.where(t.disposals.c.wall_ms < until_ms)
    return query


def _edge_ranges(window: Window) -> list[tuple[int | None, int | None]]:
    """The parts of the window outside its whole days, read from the per-asset rows."""
    first, end = _whole_days(window)
    if first is not None and end is not None and first >= end:
        return [(window.since_ms, window.until_ms)]  # within one day: no whole day at all
    edges: list[tuple[int | None, int | None]] = []
    if first is not None and window.since_ms is not None and window.since_ms < first * DAY_MS:
        edges.append((window.since_ms, first * DAY_MS))
    if end is not None and window.until_ms is not None and window.until_ms > end * DAY_MS:
        edges.append((end * DAY_MS, window.until_ms))
    return edges


def _day_totals(conn: Connection, site: str | None, window: Window) -> Totals:
    totals = Totals()
    first, end = _whole_days(window)
    if first is not None and end is not None and first >= end:
        return totals
    query = select(t.disposal_days.c.totals)
    if site:
        query = query.where(t.disposal_days.c.site == site)
    if first is not None:
        query = query.where(t.disposal_days.c.day >= first)
    if end is not None:
        query = query.where(t.disposal_days.c.day < end)
    for text in conn.execute(query).scalars():
        totals.add(Totals.from_json(text))
    return totals


def totals_by_day(
    conn: Connection, site: str | None, window: Window
) -> dict[tuple[str, int], Totals]:
    """(site, '' for none; UTC day) -> the totals of the assets disposed of then, in `window`:
    the per-day sums for whole days, the per-asset rows for the window's partial edge days."""
    by_day: dict[tuple[str, int], Totals] = {}
    first, end = _whole_days(window)
    if first is None or end is None or first < end:
        query = select(t.disposal_days.c.site, t.disposal_days.c.day, t.disposal_days.c.totals)
        if site:
            query = query.where(t.disposal_days.c.site == site)
        if first is not None:
            query = query.where(t.disposal_days.c.day >= first)
        if end is not None:
            query = query.where(t.disposal_days.c.day < end)
        for row in conn.execute(query):
            by_day[(row.site, row.day)] = Totals.from_json(row.totals)
    for since_ms, until_ms in _edge_ranges(window):
        for row in conn.execute(_disposals(site, since_ms, until_ms)):
            one = Disposal.from_row(row)
            by_day.setdefault(one.day_key, Totals()).add(one.totals)
    return by_day


def _follow_up_tags(conn: Connection, site: str | None, window: Window) -> list[str]:
    query = _disposals(site, window.since_ms, window.until_ms).where(
        t.disposals.c.unverified_reuse.is_(True)
    )
    rows = conn.execute(query.order_by(t.disposals.c.position).limit(MAX_FOLLOW_UP_TAGS))
    return [str(row.key).removeprefix("asset:") for row in rows]


def disposition_report(
    conn: Connection, site: str | None = None, window: Window = Window()
) -> DispositionReport:
    """Totals over the assets disposed of in `window` (optionally of one site)."""
    site = site.strip().upper() if site else None
    totals = _day_totals(conn, site, window)
    for since_ms, until_ms in _edge_ranges(window):
        for row in conn.execute(_disposals(site, since_ms, until_ms)):
            totals.add(Disposal.from_row(row).totals)
    return build_report(totals, _follow_up_tags(conn, site, window), site, window)


def recompute_report(
    conn: Connection,
    site: str | None = None,
    window: Window = Window(),
    page_size: int = PAGE_SIZE,
) -> DispositionReport:
    """The same report from the log's dispose records and the projection, without the
    aggregates: for tests and audits (it reads every dispose record)."""
    site = site.strip().upper() if site else None
    query = (
        select(t.oplog.c.position, t.oplog.c.op_id, t.oplog.c.body, t.assets.c.state)
        .join(t.assets, t.assets.c.key == t.oplog.c.target)
        .where(t.oplog.c.kind == "dispose")
    )
    if window.since_ms is not None:
        query = query.where(t.oplog.c.hlc >= _stamp_bound(window.since_ms))
    if window.until_ms is not None:
        query = query.where(t.oplog.c.hlc < _stamp_bound(window.until_ms))
    if site:
        query = query.where(t.assets.c.site == site)
    totals, tags, after = Totals(), list[str](), 0
    while True:
        page = list(
            conn.execute(
                query.where(t.oplog.c.position > after)
                .order_by(t.oplog.c.position)
                .limit(page_size)
            )
        )
        for row in page:
            state = AssetState.from_dict(json.loads(row.state))
            if state.disposition is None:
                continue
            if row.op_id != state.disposition_op and row.op_id != cited_dispose_op_id(conn, state):
                continue  # a merged duplicate or the losing side of a dispute
            args = parse_operation(json.loads(row.body)).args
            assert isinstance(args, DisposeArgs)
            one = contribution(state, args)
            totals.add(one)
            if one.unverified_reuse and len(tags) < MAX_FOLLOW_UP_TAGS:
                tags.append(state.key.removeprefix("asset:"))
        if len(page) < page_size:
            return build_report(totals, tags, site, window)
        after = page[-1].position


__all__ = [
    "Window",
    "cited_dispose_op_id",
    "disposition_report",
    "first_dispose_op",
    "parse_window",
    "recompute_report",
    "totals_by_day",
]
