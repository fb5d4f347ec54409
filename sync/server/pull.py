"""Pull: the change feed, paginated by cursor.

Every projection row (asset, pallet, location, location tag, conflict — decisions are part of a conflict's
row) carries the change-feed position of its latest change. A page is the `limit` rows with the
lowest positions above the cursor, read in one snapshot, so it never loads a whole table.
Positions are handed out under the partition lock and commit in order (see ingest), so a
position above the cursor never becomes visible after a higher one: a pull never skips a
committed change, whatever other devices push meanwhile. An entity changed again later simply
comes back with its newer position: a device keeps the latest.

The route answers with `page_json`: a folded state is stored as JSON already, so it goes into
the answer as it is (an orjson fragment) instead of being decoded and encoded again. The
answer is the JSON of the PullResponse `pull_page` makes (tests/sync/server/test_pull.py).
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Callable
from typing import Any, NamedTuple

import orjson
from sqlalchemy import Connection, Table, select

from sync.errors import BadRequest
from sync.protocol import Change, EntityKind, LocationView, PullResponse, SignedHead
from sync.server import tables as t
from sync.server.review import conflict_view


def parse_cursor(cursor: str | None) -> int:
    if cursor is None or cursor == "":
        return 0
    # isascii first: str.isdigit also accepts '²' or Arabic-Indic digits, which int() refuses
    if not (cursor.isascii() and cursor.isdigit()) or len(cursor) > 18:
        raise BadRequest(f"'{cursor[:40]}' is not a pull cursor: send back a next_cursor")
    return int(cursor)


class Entry(NamedTuple):
    """One change of a page; `data` is a dict, or a folded state's stored JSON text."""

    position: int
    entity: EntityKind
    key: str
    site: str | None
    data: dict[str, Any] | str


class Page(NamedTuple):
    entries: list[Entry]
    next_cursor: str
    has_more: bool


def _page(conn: Connection, table: Table, after: int, limit: int, site: str | None) -> list[Any]:
    query = select(table).where(table.c.position > after)
    if site is not None:
        query = query.where(table.c.site == site)
    return list(conn.execute(query.order_by(table.c.position).limit(limit)))


def read_page(conn: Connection, cursor: str | None, limit: int, site: str | None) -> Page:
    after = parse_cursor(cursor)
    # limit + 1 per table tells whether anything is left beyond this page.
    streams: list[list[Entry]] = [
        [_asset(r) for r in _page(conn, t.assets, after, limit + 1, site)],
        [_pallet(r) for r in _page(conn, t.pallets, after, limit + 1, site)],
        [_location(r) for r in _page(conn, t.locations, after, limit + 1, site)],
        [_location_tag(r) for r in _page(conn, t.location_tags, after, limit + 1, site)],
        [_conflict(r) for r in _page(conn, t.conflicts, after, limit + 1, site)],
    ]
    merged = list(heapq.merge(*streams, key=lambda e: e.position))
    entries = merged[:limit]
    next_cursor = str(entries[-1].position) if entries else str(after)
    return Page(entries, next_cursor, len(merged) > limit)


def pull_page(conn: Connection, cursor: str | None, limit: int, site: str | None) -> PullResponse:
    page = read_page(conn, cursor, limit, site)
    changes = [
        Change(
            position=e.position,
            entity=e.entity,
            key=e.key,
            site=e.site,
            data=json.loads(e.data) if isinstance(e.data, str) else e.data,
        )
        for e in page.entries
    ]
    return PullResponse(changes=changes, next_cursor=page.next_cursor, has_more=page.has_more)


def page_json(page: Page, head: SignedHead | None) -> bytes:
    """The PullResponse of `page` as JSON, each stored state written out as it is stored."""
    changes = [
        {
            "position": e.position,
            "entity": e.entity,
            "key": e.key,
            "site": e.site,
            "data": orjson.Fragment(e.data) if isinstance(e.data, str) else e.data,
        }
        for e in page.entries
    ]
    return orjson.dumps(
        {
            "changes": changes,
            "next_cursor": page.next_cursor,
            "has_more": page.has_more,
            "head": None if head is None else head.model_dump(mode="json"),
        }
    )


def _folded(entity: EntityKind, column: str) -> Callable[[Any], Entry]:
    """A projection row whose folded state is stored as JSON in `column`, as a change."""

    def entry(row: Any) -> Entry:
        return Entry(row.position, entity, row.key, row.site, getattr(row, column))

    return entry


_asset = _folded("asset", "state")
_pallet = _folded("pallet", "data")
_location_tag = _folded("location_tag", "state")


def _location(row: Any) -> Entry:
    view = LocationView(
        key=row.key, site=row.site, level=row.level, first_position=row.first_position
    )
    return Entry(row.position, "location", row.key, row.site, view.model_dump(mode="json"))


def _conflict(row: Any) -> Entry:
    return Entry(
        row.position, "conflict", row.id, row.site, conflict_view(row).model_dump(mode="json")
    )
