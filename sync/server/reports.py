"""The disposition report: outcomes, weights, value recovered, recycling by commodity, how the
storage devices of data-bearing assets were sanitized, and landfill diversion.

An asset counts once, through the dispose operation its folded state cites (`disposition_op`;
when a supervisor decided a disputed disposition, the first dispose operation with the decided
outcome). The window is on that operation's HLC wall time. The log is read in pages of dispose
operations joined with their asset's projection, so memory stays flat however large the log.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select

from assets.disposition import (
    COMMODITIES,
    DIVERTED_OUTCOMES,
    OUTCOMES,
    REUSE_OUTCOMES,
    SANITIZATION_METHODS,
    landfill_diversion,
)
from assets.merge import AssetFold, AssetState
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


def first_dispose_op(conn: Connection, key: str, outcome: str | None) -> Any:
    """The first dispose operation of an asset in fold order (with `outcome`, if any does)."""
    rows = conn.execute(
        select(t.oplog.c.op_id, t.oplog.c.body)
        .where(t.oplog.c.kind == "dispose", t.oplog.c.target == key)
        .order_by(t.oplog.c.hlc, t.oplog.c.device_id, t.oplog.c.device_seq)
    )
    first = None
    for row in rows:
        if first is None:
            first = row
        if json.loads(row.body)["args"].get("outcome") == outcome:
            return row
    return first


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


@dataclass
class _Outcome:
    assets: int = 0
    weighed: int = 0
    weight_kg: Decimal = Decimal(0)
    value: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))


@dataclass
class _Tally:
    """Running totals; nothing per asset is kept except the capped follow-up list."""

    outcomes: dict[str, _Outcome] = field(default_factory=lambda: {o: _Outcome() for o in OUTCOMES})
    commodities: dict[str | None, tuple[int, Decimal]] = field(default_factory=dict)
    without_weight: int = 0
    data_bearing: int = 0
    storage_devices: int = 0
    methods: dict[tuple[str, bool], int] = field(default_factory=lambda: defaultdict(int))
    without_record: int = 0
    unverified_reuse: int = 0
    unverified_reuse_tags: list[str] = field(default_factory=list)

    def add(self, state: AssetState, args: DisposeArgs) -> None:
        outcome = state.disposition or args.outcome
        totals = self.outcomes[outcome]
        totals.assets += 1
        if args.weight is None:
            self.without_weight += 1
        else:
            totals.weighed += 1
            totals.weight_kg += args.weight.kg
        if args.value is not None:
            amount, currency = args.value
            totals.value[currency] += amount
        if outcome == "recycle":
            count, kg = self.commodities.get(args.commodity, (0, Decimal(0)))
            weight = args.weight.kg if args.weight is not None else Decimal(0)
            self.commodities[args.commodity] = (count + 1, kg + weight)
        if state.data_bearing:
            self._sanitization(state, outcome)

    def _sanitization(self, state: AssetState, outcome: str) -> None:
        self.data_bearing += 1
        required = AssetFold(state.key, state=state).required_sanitizations()
        self.storage_devices += len(required)
        for method, verified, _op in state.sanitized.values():
            self.methods[(method, verified)] += 1
        self.without_record += sum(1 for s in required if s not in state.sanitized)
        unverified = [s for s in required if not (s in state.sanitized and state.sanitized[s][1])]
        if outcome in REUSE_OUTCOMES and unverified:
            self.unverified_reuse += 1
            if len(self.unverified_reuse_tags) < MAX_FOLLOW_UP_TAGS:
                self.unverified_reuse_tags.append(state.key.removeprefix("asset:"))

    def report(self, site: str | None, window: Window) -> DispositionReport:
        outcomes = [
            OutcomeTotal(
                outcome=name,
                assets=o.assets,
                weighed=o.weighed,
                weight_kg=o.weight_kg.quantize(GRAM),
                value=[MoneyTotal(currency=c, amount=a) for c, a in sorted(o.value.items())],
            )
            for name, o in self.outcomes.items()
        ]
        retired = sum((o.weight_kg for o in self.outcomes.values()), Decimal(0))
        diverted = sum(
            (o.weight_kg for n, o in self.outcomes.items() if n in DIVERTED_OUTCOMES), Decimal(0)
        )
        share = landfill_diversion(diverted, retired)
        order = {name: i for i, name in enumerate(COMMODITIES)}
        recycling = [
            CommodityTotal(commodity=c, assets=n, weight_kg=kg.quantize(GRAM))
            for c, (n, kg) in sorted(
                self.commodities.items(), key=lambda item: order.get(item[0] or "", len(order))
            )
        ]
        methods = [
            MethodTotal(
                method=m, verified=self.methods[(m, True)], unverified=self.methods[(m, False)]
            )
            for m in SANITIZATION_METHODS
        ]
        return DispositionReport(
            site=site,
            since=window.since_iso,
            until=window.until_iso,
            assets_disposed=sum(o.assets for o in self.outcomes.values()),
            assets_without_weight=self.without_weight,
            outcomes=outcomes,
            recycling=recycling,
            sanitization=SanitizationSummary(
                data_bearing_assets=self.data_bearing,
                storage_devices=self.storage_devices,
                by_method=methods,
                devices_without_record=self.without_record,
                reuse_without_verified_record=self.unverified_reuse,
                reuse_without_verified_record_tags=self.unverified_reuse_tags,
            ),
            weight_retired_kg=retired.quantize(GRAM),
            weight_diverted_kg=diverted.quantize(GRAM),
            landfill_diversion=None if share is None else share.quantize(FRACTION),
        )


def disposition_report(
    conn: Connection,
    site: str | None = None,
    window: Window = Window(),
    page_size: int = PAGE_SIZE,
) -> DispositionReport:
    """Totals over the assets disposed of in `window` (optionally of one site)."""
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
    tally = _Tally()
    after = 0
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
            tally.add(state, args)
        if len(page) < page_size:
            return tally.report(site, window)
        after = page[-1].position


__all__ = [
    "Window",
    "cited_dispose_op_id",
    "disposition_report",
    "first_dispose_op",
    "parse_window",
]
