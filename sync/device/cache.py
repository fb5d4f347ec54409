"""The cached server state: assets, pallets, locations, location tags and conflicts as last
pulled.

Pulled pages are applied here with upserts, one transaction per page (the caller advances the
cursor in the same transaction), so the cache and the cursor can never disagree after a crash.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import Connection, Table, func, select

from assets.conflicts import Conflict
from assets.merge import AssetState, LocationState, TargetState
from assets.targets import ASSET, LOCATION_TAG, PALLET, kind_of, state_from_dict
from sync.device import raw
from sync.device.schema import assets, conflicts, location_tags, locations, pallets
from sync.protocol import Change

_CLOSED = ("decided", "withdrawn")


def _dump(data: Mapping[str, Any]) -> str:
    try:
        return orjson.dumps(data, option=orjson.OPT_SORT_KEYS).decode()
    except TypeError:  # a number beyond 64 bits or a lone surrogate: the standard encoder can
        return json.dumps(data, separators=(",", ":"), sort_keys=True)


# The cache table of each kind of folded target (assets.targets), by its change-feed name.
FOLDED: dict[str, Table] = {
    ASSET.name: assets,
    PALLET.name: pallets,
    LOCATION_TAG.name: location_tags,
}


def cached_state(conn: Connection, key: str) -> TargetState | None:
    """The pulled folded state of any target key, None when nothing was pulled for it."""
    table = FOLDED[kind_of(key).name]
    raw = conn.execute(select(table.c.state).where(table.c.key == key)).scalar()
    return state_from_dict(key, json.loads(raw)) if raw else None


def cached_asset(conn: Connection, key: str) -> AssetState | None:
    state = cached_state(conn, key)
    return state if isinstance(state, AssetState) else None


def known_location_tags(conn: Connection) -> list[LocationState]:
    """Every location tag pulled from the store, by key."""
    rows = conn.execute(select(location_tags.c.state).order_by(location_tags.c.key)).scalars()
    return [LocationState.from_dict(json.loads(raw)) for raw in rows]


def conflict_from_view(data: Mapping[str, Any]) -> Conflict:
    """A pulled ConflictView as the domain core's Conflict (what a fold resumes from)."""
    decided = data.get("decided_by")
    if decided is None and data.get("status") in _CLOSED:
        decided = data.get("status")  # withdrawn: closed without a decision op
    return Conflict.from_dict({**data, "decided_by": decided})


def cached_conflicts(conn: Connection, target: str) -> dict[str, Conflict]:
    rows = conn.execute(select(conflicts.c.data).where(conflicts.c.target == target)).scalars()
    found = (conflict_from_view(json.loads(raw)) for raw in rows)
    return {c.id: c for c in found}


def cached_conflict(conn: Connection, conflict_id: str) -> dict[str, Any] | None:
    raw = conn.execute(select(conflicts.c.data).where(conflicts.c.id == conflict_id)).scalar()
    return dict(json.loads(raw)) if raw else None


def open_conflicts(conn: Connection, limit: int = 200) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(conflicts.c.data).where(conflicts.c.open == 1).limit(limit)
    ).scalars()
    return [dict(json.loads(raw)) for raw in rows]


def known_locations(conn: Connection, site: str | None = None) -> list[str]:
    """Location keys pulled from the store (optionally of one site), sorted."""
    query = select(locations.c.key).order_by(locations.c.key)
    if site is not None:
        query = query.where(locations.c.site == site)
    return list(conn.execute(query).scalars())


def _folded_row(change: Change) -> dict[str, Any]:
    """A pulled asset, pallet or location tag as its cache row (only the table's columns)."""
    table = FOLDED[change.entity]
    row: dict[str, Any] = {"key": change.key, "state": _dump(change.data)}
    if "site" in table.c:
        row["site"] = change.site
    if "path" in table.c:
        path = change.data.get("path")
        row["path"] = path if isinstance(path, str) else None
    return row


def _location_row(change: Change) -> dict[str, Any]:
    return {"key": change.key, "site": change.site, "data": _dump(change.data)}


def _conflict_row(change: Change) -> dict[str, Any]:
    data = change.data
    return {
        "id": str(data.get("id") or change.key.removeprefix("conflict:")),
        "target": str(data.get("target", "")),
        "open": int(data.get("status") == "open"),
        "data": _dump(data),
    }


# Every entity of the change feed: its cache table, its key column and how a change becomes a row.
_ENTITIES: dict[str, tuple[Table, str, Callable[[Change], dict[str, Any]]]] = {
    **{name: (table, "key", _folded_row) for name, table in FOLDED.items()},
    "location": (locations, "key", _location_row),
    "conflict": (conflicts, "id", _conflict_row),
}


def apply_changes(conn: Connection, changes: Iterable[Change]) -> list[str]:
    """Upsert a page of changes; return the clock stamps they carry (for the device's clock)."""
    rows: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in _ENTITIES}
    stamps: list[str] = []
    for change in changes:
        _table, key, make_row = _ENTITIES[change.entity]
        row = make_row(change)
        # Later changes of one key in a page win: keep the last of each key.
        rows[change.entity].pop(row[key], None)
        rows[change.entity][row[key]] = row
        last = change.data.get("last_hlc")
        if isinstance(last, str):
            stamps.append(last)
    for name, (table, key, _make) in _ENTITIES.items():
        batch = list(rows[name].values())
        if batch:
            columns = tuple(batch[0])
            pick = itemgetter(*columns)
            raw.run_many(conn, _upsert_sql(table.name, key, columns), [pick(r) for r in batch])
    return stamps


@lru_cache(maxsize=32)
def _upsert_sql(table: str, key: str, columns: tuple[str, ...]) -> str:
    """INSERT … ON CONFLICT DO UPDATE of every column but the key, as plain SQLite text (run
    straight on the driver: a page is thousands of rows, SQLAlchemy's per-row binding cost more
    than the upsert itself). Names come from the schema, never from the store."""
    updated = ", ".join(f"{c} = excluded.{c}" for c in columns if c != key)
    marks = ", ".join("?" for _ in columns)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        f" ON CONFLICT ({key}) DO UPDATE SET {updated}"
    )


def counts(conn: Connection) -> dict[str, int]:
    return {
        table.name: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
        for table in (assets, pallets, locations, location_tags, conflicts)
    }
