"""Pull: the change feed, paginated by cursor.

Every projection row (asset, pallet, location, location tag, conflict — decisions are part of a conflict's
row) carries the change-feed position of its latest change. A page is the `limit` rows with the
lowest positions above the cursor, read in one snapshot, so it never loads a whole table.
Positions are handed out under the partition lock and commit in order (see ingest), so a
position above the cursor never becomes visible after a higher one: a pull never skips a
committed change, whatever other devices push meanwhile. An entity changed again later simply
comes back with its newer position: a device keeps the latest.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Table, select

from sync.errors import BadRequest
from sync.protocol import Change, EntityKind, LocationView, PullResponse
from sync.server import tables as t
from sync.server.review import conflict_view


def parse_cursor(cursor: str | None) -> int:
    if cursor is None or cursor == "":
        return 0
    # isascii first: str.isdigit also accepts '²' or Arabic-Indic digits, which int() refuses
    if not (cursor.isascii() and cursor.isdigit()) or len(cursor) > 18:
        raise BadRequest(f"'{cursor[:40]}' is not a pull cursor: send back a next_cursor")
    return int(cursor)


def _page(conn: Connection, table: Table, after: int, limit: int, site: str | None) -> list[Any]:
    query = select(table).where(table.c.position > after)
    if site is not None:
        query = query.where(table.c.site == site)
    return list(conn.execute(query.order_by(table.c.position).limit(limit)))


def pull_page(conn: Connection, cursor: str | None, limit: int, site: str | None) -> PullResponse:
    after = parse_cursor(cursor)
    # limit + 1 per table tells whether anything is left beyond this page.
    streams: list[list[Change]] = [
        [_asset(r) for r in _page(conn, t.assets, after, limit + 1, site)],
        [_pallet(r) for r in _page(conn, t.pallets, after, limit + 1, site)],
        [_location(r) for r in _page(conn, t.locations, after, limit + 1, site)],
        [_location_tag(r) for r in _page(conn, t.location_tags, after, limit + 1, site)],
        [_conflict(r) for r in _page(conn, t.conflicts, after, limit + 1, site)],
    ]
    merged = list(heapq.merge(*streams, key=lambda c: c.position))
    changes = merged[:limit]
    has_more = len(merged) > limit
    next_cursor = str(changes[-1].position) if changes else str(after)
    return PullResponse(changes=changes, next_cursor=next_cursor, has_more=has_more)


def _folded(entity: EntityKind, column: str) -> Callable[[Any], Change]:
    """A projection row whose folded state is stored as JSON in `column`, as a change."""

    def change(row: Any) -> Change:
        data = json.loads(getattr(row, column))
        return Change(position=row.position, entity=entity, key=row.key, site=row.site, data=data)

    return change


_asset = _folded("asset", "state")
_pallet = _folded("pallet", "data")
_location_tag = _folded("location_tag", "state")


def _location(row: Any) -> Change:
    view = LocationView(
        key=row.key, site=row.site, level=row.level, first_position=row.first_position
    )
    return Change(
        position=row.position,
        entity="location",
        key=row.key,
        site=row.site,
        data=view.model_dump(),
    )


def _conflict(row: Any) -> Change:
    return Change(
        position=row.position,
        entity="conflict",
        key=row.id,
        site=row.site,
        data=conflict_view(row).model_dump(),
    )
