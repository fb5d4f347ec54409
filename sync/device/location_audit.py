"""What this device's replica says is at a location, for a location audit.

Expected at a place: the assets whose optimistic location (the store's state with this
device's unsynced moves on top) is that place or a place inside it, and not in a final status.
The cache keeps asset states as JSON, so the candidates come from SQLite's json_extract over
the replicated assets; the few with operations in flight are refolded.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, func, or_, select

from assets.merge import DEFAULT_RULES, MergeRules
from assets.statuses import is_terminal
from sync.device import outbox, view
from sync.device.schema import assets


@dataclass(frozen=True, slots=True)
class AuditLists:
    """The four lists of an audit at one place, and which unexpected ones belong elsewhere."""

    location: str
    expected: tuple[str, ...]
    found: tuple[str, ...]
    missing: tuple[str, ...]
    unexpected: tuple[str, ...]
    elsewhere: tuple[str, ...]  # unexpected, and at another site in this device's view


def _inside(location: str | None, place: str) -> bool:
    return location is not None and (location == place or location.startswith(f"{place}/"))


def expected_at(conn: Connection, place: str, rules: MergeRules = DEFAULT_RULES) -> list[str]:
    """Asset keys this device believes are at `place` (or inside it) now, sorted."""
    where = func.json_extract(assets.c.state, "$.location")
    cached = conn.execute(
        select(assets.c.key).where(or_(where == place, where.startswith(f"{place}/")))
    ).scalars()
    candidates = set(cached) | set(outbox.in_flight_targets(conn, "asset:"))
    found = []
    for key in sorted(candidates):
        state = view.asset_view(conn, key, rules).state
        if _inside(state.location, place) and not is_terminal(state.status):
            found.append(key)
    return found


def audit_lists(
    conn: Connection, place: str, found: list[str], rules: MergeRules = DEFAULT_RULES
) -> AuditLists:
    """Compare what was scanned at `place` with what this device expected there."""
    expected = set(expected_at(conn, place, rules))
    seen = set(found)
    unexpected = sorted(seen - expected)
    site = place.split("/", 1)[0]
    elsewhere = []
    for key in unexpected:
        location = view.asset_view(conn, key, rules).state.location
        if location is not None and location.split("/", 1)[0] != site:
            elsewhere.append(key)
    return AuditLists(
        place,
        tuple(sorted(expected)),
        tuple(sorted(seen)),
        tuple(sorted(expected - seen)),
        tuple(unexpected),
        tuple(elsewhere),
    )
