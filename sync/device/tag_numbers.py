"""New tags for label sheets: the next numbers no tag this device knows of has used.

"Known" is this device's replica (the store's assets, pallets and location tags as pulled),
its own operations (in flight and settled), and the labels it printed before (kept per kind in
`printed_tags`), so the same device never prints one number twice. Two devices printing
offline at the same time can still pick the same numbers: claim them before printing more.
Each lookup is one step down a primary-key or target index (tags of one kind sort by number).
"""

from __future__ import annotations

import re
import time

from sqlalchemy import Connection, select
from sqlalchemy.dialects.sqlite import insert

from assets.errors import InvalidTag
from assets.tags import DEFAULT_TAG_CONFIG, TagConfig, make_tag
from sync.device import raw
from sync.device.database import DeviceDatabase
from sync.device.schema import printed_tags
from sync.errors import InvalidInput

MAX_NEW_TAGS = 3000  # a hundred sheets: more is a typo
# Where keys of each kind live: (table, key column), each column the head of an index.
_PLACES = (
    ("assets", "key"),
    ("pallets", "key"),
    ("location_tags", "key"),
    ("outbox", "target"),
    ("settled", "target"),
    ("outbox", "also"),  # a load's pallet, before any pull brought the pallet back
    ("settled", "also"),
)
_TOP = "SELECT {column} FROM {table} WHERE {column} >= ? AND {column} < ? ORDER BY {column} DESC LIMIT 5"


def _number(key: str, kind: str, prefix: str, width: int) -> int | None:
    found = re.fullmatch(rf"{kind}:{prefix}-(\d{{{width}}})-[0-9A-Z]", key)
    return int(found.group(1)) if found else None


def highest_known(conn: Connection, kind: str, config: TagConfig = DEFAULT_TAG_CONFIG) -> int:
    """The highest tag number of `kind` this device knows of (0 when none)."""
    prefix = config.prefixes[kind]
    low, high = f"{kind}:{prefix}-", f"{kind}:{prefix}."  # "." sorts right after "-"
    best = 0
    for table, column in _PLACES:
        for (key,) in raw.run(conn, _TOP.format(table=table, column=column), (low, high)):
            number = _number(str(key), kind, prefix, config.number_width)
            if number is not None:
                best = max(best, number)
                break
    printed = conn.execute(
        select(printed_tags.c.last_number).where(printed_tags.c.kind == kind)
    ).scalar()
    return max(best, int(printed or 0))


def _tags(kind: str, first: int, count: int, config: TagConfig) -> list[str]:
    if not 1 <= count <= MAX_NEW_TAGS:
        raise InvalidInput(f"Print from 1 to {MAX_NEW_TAGS} new tags at a time")
    try:
        return [make_tag(kind, number, config) for number in range(first, first + count)]
    except InvalidTag as exc:
        raise InvalidInput(f"No {count} new {kind} tags are left: {exc}", exc) from exc


def peek(
    db: DeviceDatabase, kind: str, count: int, config: TagConfig = DEFAULT_TAG_CONFIG
) -> list[str]:
    """The next `count` unused tags of `kind`, without keeping them."""
    with db.read() as conn:
        first = highest_known(conn, kind, config) + 1
    return _tags(kind, first, count, config)


def take(
    db: DeviceDatabase,
    kind: str,
    count: int,
    config: TagConfig = DEFAULT_TAG_CONFIG,
    now_ms: int | None = None,
) -> list[str]:
    """The next `count` unused tags of `kind`, kept as printed (this device never offers
    them again), in one write transaction."""
    with db.write() as conn:
        first = highest_known(conn, kind, config) + 1
        tags = _tags(kind, first, count, config)
        stmt = insert(printed_tags).values(
            kind=kind,
            last_number=first + count - 1,
            printed_ms=int(time.time() * 1000) if now_ms is None else now_ms,
        )
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["kind"],
                set_={
                    "last_number": stmt.excluded.last_number,
                    "printed_ms": stmt.excluded.printed_ms,
                },
            )
        )
    return tags
