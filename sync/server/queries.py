"""Read-side queries for the API: assets (one with its history; search), pallets, locations."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, func, or_, select

from sync.errors import NotFound
from sync.protocol import (
    AssetDetail,
    AssetPage,
    AssetView,
    HistoryEntry,
    LocationTagView,
    LocationView,
    PalletView,
)
from sync.server import tables as t
from sync.server.auth import iso
from sync.server.review import conflict_view


def asset_key(tag_or_key: str) -> str:
    return tag_or_key if tag_or_key.startswith("asset:") else f"asset:{tag_or_key}"


def _asset_view(row: Any, pallet_custodians: dict[str, str | None]) -> AssetView:
    custodian = row.custodian
    if row.pallet and pallet_custodians.get(row.pallet):
        custodian = pallet_custodians[row.pallet]  # while loaded, the pallet answers for it
    return AssetView(
        key=row.key,
        site=row.site,
        serial=row.serial,
        status=row.status,
        location=row.location,
        grade=row.grade,
        grade_disputed=row.grade_disputed,
        pallet=row.pallet,
        custodian=custodian,
        version=row.version,
        position=row.position,
        state=json.loads(row.state),
    )


def _pallet_custodians(conn: Connection, rows: list[Any]) -> dict[str, str | None]:
    keys = sorted({r.pallet for r in rows if r.pallet})
    if not keys:
        return {}
    found = conn.execute(
        select(t.pallets.c.key, t.pallets.c.custodian).where(t.pallets.c.key.in_(keys))
    )
    return {r.key: r.custodian for r in found}


def asset_views(conn: Connection, keys: list[str]) -> list[AssetView]:
    """The assets of `keys`, in that order (keys with no asset are left out)."""
    rows = list(conn.execute(select(t.assets).where(t.assets.c.key.in_(keys)))) if keys else []
    custodians = _pallet_custodians(conn, rows)
    by_key = {r.key: _asset_view(r, custodians) for r in rows}
    return [by_key[key] for key in keys if key in by_key]


def prefix_range(column: ColumnElement[str], prefix: str) -> ColumnElement[bool]:
    """`column` starts with `prefix`, as a range an index serves on both databases (the search
    columns compare by code point: COLLATE "C" on PostgreSQL, BINARY on SQLite)."""
    stem = prefix.rstrip(chr(0x10FFFF))
    if not stem:
        return column >= prefix
    return and_(column >= prefix, column < stem[:-1] + chr(ord(stem[-1]) + 1))


def search_assets(
    conn: Connection,
    *,
    q: str | None = None,
    site: str | None = None,
    status: str | None = None,
    location: str | None = None,
    after: str | None = None,
    limit: int = 100,
) -> AssetPage:
    """Assets by tag or serial (prefix, case-insensitive), site, status, location prefix."""
    query = select(t.assets)
    needle = q.strip().upper() if q else ""
    if needle:
        query = query.where(
            or_(
                prefix_range(t.assets.c.tag_upper, needle.removeprefix("ASSET:")),
                prefix_range(t.assets.c.serial, needle),
            )
        )
    if site:
        query = query.where(t.assets.c.site == site.upper())
    if status:
        query = query.where(t.assets.c.status == status)
    place = location.upper().strip("/") if location else ""
    if place:
        query = query.where(prefix_range(t.assets.c.location, place))
    if after:
        query = query.where(t.assets.c.key > after)
    rows = list(conn.execute(query.order_by(t.assets.c.key).limit(limit + 1)))
    page = rows[:limit]
    custodians = _pallet_custodians(conn, page)
    items = [_asset_view(r, custodians) for r in page]
    return AssetPage(items=items, next_cursor=items[-1].key if len(rows) > limit else None)


def asset_detail(conn: Connection, tag: str, history_limit: int = 500) -> AssetDetail:
    key = asset_key(tag)
    row = conn.execute(select(t.assets).where(t.assets.c.key == key)).first()
    if row is None:
        raise NotFound(f"no asset {key}")
    history_rows = conn.execute(
        select(t.oplog.c.position, t.oplog.c.body, t.oplog.c.received_ms)
        .where(or_(t.oplog.c.fold_a == key, t.oplog.c.fold_b == key))
        .order_by(t.oplog.c.hlc, t.oplog.c.device_id, t.oplog.c.device_seq)
        .limit(history_limit)
    )
    history = [
        HistoryEntry(
            position=r.position, op=json.loads(r.body), received_at=iso(r.received_ms) or ""
        )
        for r in history_rows
    ]
    conflicts = [
        conflict_view(r)
        for r in conn.execute(
            select(t.conflicts)
            .where(t.conflicts.c.target == key)
            .order_by(t.conflicts.c.raised_position)
        )
    ]
    return AssetDetail(
        asset=_asset_view(row, _pallet_custodians(conn, [row])),
        history=history,
        conflicts=conflicts,
    )


def _pallet_view(row: Any) -> PalletView:
    return PalletView(
        key=row.key,
        site=row.site,
        state=row.state,
        custodian=row.custodian,
        version=row.version,
        position=row.position,
        data=json.loads(row.data),
    )


def list_pallets(
    conn: Connection, state: str | None = None, after: str | None = None, limit: int = 100
) -> list[PalletView]:
    query = select(t.pallets)
    if state:
        query = query.where(t.pallets.c.state == state)
    if after:
        query = query.where(t.pallets.c.key > after)
    return [_pallet_view(r) for r in conn.execute(query.order_by(t.pallets.c.key).limit(limit))]


def get_pallet(conn: Connection, tag: str) -> PalletView:
    key = tag if tag.startswith("pallet:") else f"pallet:{tag}"
    row = conn.execute(select(t.pallets).where(t.pallets.c.key == key)).first()
    if row is None:
        raise NotFound(f"no pallet {key}")
    return _pallet_view(row)


def list_locations(
    conn: Connection, site: str | None = None, after: str | None = None, limit: int = 500
) -> list[LocationView]:
    query = select(t.locations)
    if site:
        query = query.where(t.locations.c.site == site.upper())
    if after:
        query = query.where(t.locations.c.key > after)
    rows = conn.execute(query.order_by(t.locations.c.key).limit(limit))
    return [
        LocationView(
            key=r.key,
            site=r.site,
            level=r.level,
            first_position=r.first_position,
            asset_count=r.asset_count,
        )
        for r in rows
    ]


def log_entries(conn: Connection) -> int:
    """Entries in the log: each partition's last position (positions are gapless)."""
    total = conn.execute(select(func.sum(t.partitions.c.log_position))).scalar()
    return int(total or 0)


def list_location_tags(
    conn: Connection,
    site: str | None = None,
    path: str | None = None,
    after: str | None = None,
    limit: int = 500,
) -> list[LocationTagView]:
    """Location tags by key, optionally of one site or marking one place."""
    tags = t.location_tags.c
    query = select(t.location_tags)
    if site:
        query = query.where(tags.site == site.upper())
    if path:
        query = query.where(tags.path == path.upper().strip("/"))
    if after:
        query = query.where(tags.key > after)
    rows = conn.execute(query.order_by(tags.key).limit(limit))
    return [
        LocationTagView(
            key=r.key,
            tag=r.tag,
            path=r.path,
            name=r.name,
            site=r.site,
            version=r.version,
            position=r.position,
            data=json.loads(r.state),
        )
        for r in rows
    ]
