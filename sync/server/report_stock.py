"""Where the stock stands: assets by status and site, by place, and the assets idling in
storage or surplus, the longest idle first. All read the aggregates the push keeps
(sync.server.report_aggregates, locations.asset_count) through their indexes."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Connection, select, tuple_

from assets.merge import AssetState
from assets.statuses import IDLE_STATUSES, STATUSES
from sync.errors import BadRequest
from sync.protocol import (
    AssetsByLocationReport,
    AssetsByStatusReport,
    IdleAsset,
    LocationCount,
    SiteStatusCount,
    StatusCount,
    StorageAgeReport,
)
from sync.server import tables as t
from sync.server.auth import iso
from sync.server.disposals import DAY_MS


def _site(text: str | None) -> str | None:
    return text.strip().upper() if text and text.strip() else None


def assets_by_status(conn: Connection, site: str | None = None) -> AssetsByStatusReport:
    site = _site(site)
    query = select(t.asset_counts).order_by(t.asset_counts.c.site, t.asset_counts.c.status)
    if site:
        query = query.where(t.asset_counts.c.site == site)
    rows = [r for r in conn.execute(query) if r.assets]
    order = {status: i for i, status in enumerate(STATUSES)}
    rows.sort(key=lambda r: (r.site, order.get(r.status, len(order)), r.status))
    totals: dict[str, int] = {}
    for r in rows:
        totals[r.status] = totals.get(r.status, 0) + r.assets
    by_status = [
        StatusCount(status=s, label=c.label, colour=c.colour, assets=totals.get(s, 0))
        for s, c in STATUSES.items()
    ]
    by_status += [  # a status no longer in the vocabulary still counts, and shows
        StatusCount(status=s, label=s, colour="#757575", assets=n)
        for s, n in sorted(totals.items())
        if s not in STATUSES
    ]
    return AssetsByStatusReport(
        site=site,
        total=sum(totals.values()),
        by_status=by_status,
        by_site=[
            SiteStatusCount(site=r.site or None, status=r.status, assets=r.assets) for r in rows
        ],
    )


def assets_by_location(
    conn: Connection, site: str | None = None, cursor: str | None = None, limit: int = 100
) -> AssetsByLocationReport:
    """Places holding assets in path order, `limit` a page, after the place `cursor`."""
    site = _site(site)
    col = t.locations.c
    query = select(col.key, col.site, col.asset_count).where(col.asset_count > 0)
    if site:
        query = query.where(col.site == site)
    if cursor:
        query = query.where(col.key > cursor)
    rows = list(conn.execute(query.order_by(col.key).limit(limit + 1)))
    items = [LocationCount(location=r.key, site=r.site, assets=r.asset_count) for r in rows]
    more = len(items) > limit
    return AssetsByLocationReport(
        site=site, items=items[:limit], next_cursor=items[limit - 1].location if more else None
    )


def _statuses(status: str | None) -> tuple[str, ...]:
    if not status:
        return IDLE_STATUSES
    if status not in IDLE_STATUSES:
        raise BadRequest(f"status must be one of {', '.join(IDLE_STATUSES)} (or left out)")
    return (status,)


def _after(cursor: str) -> tuple[int, str]:
    since, _, key = cursor.partition(":")
    if not since.isdigit() or len(since) > 19 or not key:
        raise BadRequest("cursor is not one this report gave: start again without it")
    return int(since), key


def storage_age(
    conn: Connection,
    now_ms: int,
    *,
    site: str | None = None,
    status: str | None = None,
    cursor: str | None = None,
    limit: int = 100,
) -> StorageAgeReport:
    """Assets in storage or surplus, the longest idle first (`limit` a page)."""
    site, statuses = _site(site), _statuses(status)
    idle = t.idle_assets.c
    query = select(idle.key, idle.status, idle.site, idle.location, idle.since_ms)
    if site:
        query = query.where(idle.site == site)
    if len(statuses) == 1:
        query = query.where(idle.status == statuses[0])
    if cursor:
        query = query.where(tuple_(idle.since_ms, idle.key) > tuple_(*_after(cursor)))
    rows = list(conn.execute(query.order_by(idle.since_ms, idle.key).limit(limit + 1)))
    # The page's details by primary key, apart: joined, a planner may walk `assets` instead.
    keys = [row.key for row in rows[:limit]]
    states: dict[str, AssetState] = {}
    if keys:
        found = select(t.assets.c.key, t.assets.c.state).where(t.assets.c.key.in_(keys))
        states = {r.key: AssetState.from_dict(orjson.loads(r.state)) for r in conn.execute(found)}
    items = [_idle(row, states[row.key], now_ms) for row in rows[:limit]]
    last = rows[limit - 1] if len(rows) > limit else None
    return StorageAgeReport(
        as_of=iso(now_ms) or "",
        site=site,
        statuses=list(statuses),
        items=items,
        next_cursor=f"{last.since_ms}:{last.key}" if last is not None else None,
    )


def _idle(row: Any, state: AssetState, now_ms: int) -> IdleAsset:
    return IdleAsset(
        tag=row.key.removeprefix("asset:"),
        status=row.status,
        site=row.site,
        location=row.location,
        serial=state.serial,
        make=state.make,
        model=state.model,
        category=state.category,
        since=iso(row.since_ms) or "",
        days=max(0, (now_ms - row.since_ms) // DAY_MS),
    )
