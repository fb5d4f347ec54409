"""The cached server state: assets, pallets, locations, location tags and conflicts as last
pulled.

Pulled pages are applied here with upserts, one transaction per page (the caller advances the
cursor in the same transaction), so the cache and the cursor can never disagree after a crash.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, delete, func, select
from sqlalchemy.dialects.sqlite import insert

from assets.conflicts import Conflict, Side
from assets.merge import AssetState, LocationState, PalletState
from sync.device.schema import assets, conflicts, location_tags, locations, pallets
from sync.protocol import Change

_CLOSED = ("decided", "withdrawn")


def _dump(data: Mapping[str, Any]) -> str:
    return json.dumps(data, separators=(",", ":"), sort_keys=True)


def cached_asset(conn: Connection, key: str) -> AssetState | None:
    raw = conn.execute(select(assets.c.state).where(assets.c.key == key)).scalar()
    return AssetState.from_dict(json.loads(raw)) if raw else None


def cached_pallet(conn: Connection, key: str) -> PalletState | None:
    raw = conn.execute(select(pallets.c.state).where(pallets.c.key == key)).scalar()
    return PalletState.from_dict(json.loads(raw)) if raw else None


def cached_location_tag(conn: Connection, key: str) -> LocationState | None:
    raw = conn.execute(select(location_tags.c.state).where(location_tags.c.key == key)).scalar()
    return LocationState.from_dict(json.loads(raw)) if raw else None


def known_location_tags(conn: Connection) -> list[LocationState]:
    """Every location tag pulled from the store, by key."""
    rows = conn.execute(select(location_tags.c.state).order_by(location_tags.c.key)).scalars()
    return [LocationState.from_dict(json.loads(raw)) for raw in rows]


def conflict_from_view(data: Mapping[str, Any]) -> Conflict:
    """A pulled ConflictView as the domain core's Conflict (what a fold resumes from)."""
    sides = tuple(Side(str(s["op_id"]), s.get("value")) for s in data.get("sides") or ())
    decided = data.get("decided_by")
    if decided is None and data.get("status") in _CLOSED:
        decided = data.get("status")  # withdrawn: closed without a decision op
    return Conflict(
        id=str(data["id"]),
        type=str(data["type"]),
        target=str(data["target"]),
        sides=sides,
        detail=dict(data.get("detail") or {}),
        decided_by=decided,
        decision=data.get("decision"),
    )


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


def apply_changes(conn: Connection, changes: Iterable[Change]) -> list[str]:
    """Upsert a page of changes; return the clock stamps they carry (for the device's clock)."""
    rows: dict[str, list[dict[str, Any]]] = {
        "asset": [],
        "pallet": [],
        "location": [],
        "location_tag": [],
        "conflict": [],
    }
    stamps: list[str] = []
    for change in changes:
        data = change.data
        if change.entity == "asset":
            rows["asset"].append({"key": change.key, "site": change.site, "state": _dump(data)})
        elif change.entity == "pallet":
            rows["pallet"].append({"key": change.key, "state": _dump(data)})
        elif change.entity == "location":
            rows["location"].append({"key": change.key, "site": change.site, "data": _dump(data)})
        elif change.entity == "location_tag":
            path = data.get("path")
            rows["location_tag"].append(
                {
                    "key": change.key,
                    "path": path if isinstance(path, str) else None,
                    "site": change.site,
                    "state": _dump(data),
                }
            )
        else:
            rows["conflict"].append(
                {
                    "id": str(data.get("id") or change.key.removeprefix("conflict:")),
                    "target": str(data.get("target", "")),
                    "open": int(data.get("status") == "open"),
                    "data": _dump(data),
                }
            )
        last = data.get("last_hlc")
        if isinstance(last, str):
            stamps.append(last)
    # Later changes of one key in a page win: keep the last of each key (executemany order).
    for table, name, key in (
        (assets, "asset", "key"),
        (pallets, "pallet", "key"),
        (locations, "location", "key"),
        (location_tags, "location_tag", "key"),
        (conflicts, "conflict", "id"),
    ):
        batch = list({row[key]: row for row in rows[name]}.values())
        if batch:
            stmt = insert(table)
            updated = {c: stmt.excluded[c] for c in batch[0] if c != key}
            conn.execute(stmt.on_conflict_do_update(index_elements=[key], set_=updated), batch)
    return stamps


def clear(conn: Connection) -> None:
    """Forget the cached server state (before a fresh snapshot); the outbox is kept."""
    for table in (assets, pallets, locations, location_tags, conflicts):
        conn.execute(delete(table))


def counts(conn: Connection) -> dict[str, int]:
    return {
        table.name: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
        for table in (assets, pallets, locations, location_tags, conflicts)
    }
