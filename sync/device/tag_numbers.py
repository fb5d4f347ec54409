"""New tags for label sheets when the store cannot hand them out: the next numbers no tag this
device knows of has used.

Online, the Labels tool asks the central store for a run (`POST /v1/tags/reserve`), so two
devices never print the same numbers, and keeps the run here (`keep`). Offline, `take` counts
on from what this device knows: its replica (the store's assets, pallets and location tags as
pulled), its own operations (in flight and settled), and the runs it printed before (kept per
kind in `printed_tags`), so the same device never prints one number twice; another device
printing offline at the same time could still pick the same numbers, and the tool says so.
Such a run is kept in `offline_runs` until a sync reports it to the store, so that no later
run repeats it; the store's answer names any numbers another device holds too (labels to
reprint), which the tool shows. Each lookup is one step down a primary-key or target index
(tags of one kind sort by number), or a partial index of the runs waiting or clashing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, func, select, update
from sqlalchemy.dialects.sqlite import insert

from assets.errors import InvalidTag
from assets.new_tags import highest_of, key_range, run_after
from assets.tags import DEFAULT_TAG_CONFIG, TagConfig
from sync.device import raw
from sync.device.database import DeviceDatabase
from sync.device.schema import offline_runs, printed_tags
from sync.errors import InvalidInput

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


def highest_known(conn: Connection, kind: str, config: TagConfig = DEFAULT_TAG_CONFIG) -> int:
    """The highest tag number of `kind` this device knows of (0 when none)."""
    low, high = key_range(kind, config)
    best = 0
    for table, column in _PLACES:
        keys = raw.run(conn, _TOP.format(table=table, column=column), (low, high))
        best = max(best, highest_of((str(key) for (key,) in keys), kind, config))
    printed = conn.execute(
        select(printed_tags.c.last_number).where(printed_tags.c.kind == kind)
    ).scalar()
    return max(best, int(printed or 0))


def _run(kind: str, highest: int, count: int, config: TagConfig) -> list[str]:
    try:
        return run_after(kind, highest, count, config)
    except InvalidTag as exc:
        text = str(exc)
        raise InvalidInput(f"{text[:1].upper()}{text[1:]}", exc) from exc


def peek(
    db: DeviceDatabase, kind: str, count: int, config: TagConfig = DEFAULT_TAG_CONFIG
) -> list[str]:
    """The next `count` unused tags of `kind` as this device knows, without keeping them."""
    with db.read() as conn:
        highest = highest_known(conn, kind, config)
    return _run(kind, highest, count, config)


def take(
    db: DeviceDatabase,
    kind: str,
    count: int,
    config: TagConfig = DEFAULT_TAG_CONFIG,
    now_ms: int | None = None,
) -> list[str]:
    """The next `count` unused tags of `kind` as this device knows, kept as printed (this
    device never offers them again) and as a run for the next sync to report, in one write
    transaction."""
    when = _now(now_ms)
    with db.write() as conn:
        highest = highest_known(conn, kind, config)
        tags = _run(kind, highest, count, config)
        _printed(conn, kind, highest + count, when)
        conn.execute(
            insert(offline_runs).values(
                kind=kind, first_number=highest + 1, last_number=highest + count, printed_ms=when
            )
        )
    return tags


def keep(db: DeviceDatabase, kind: str, last_number: int, now_ms: int | None = None) -> None:
    """Keep a run the store handed out as printed: this device's own count goes on after it."""
    with db.write() as conn:
        _printed(conn, kind, last_number, _now(now_ms))


def _now(now_ms: int | None) -> int:
    return int(time.time() * 1000) if now_ms is None else now_ms


def _printed(conn: Connection, kind: str, last_number: int, now_ms: int) -> None:
    stmt = insert(printed_tags).values(kind=kind, last_number=last_number, printed_ms=now_ms)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["kind"],
            set_={
                "last_number": func.max(printed_tags.c.last_number, stmt.excluded.last_number),
                "printed_ms": stmt.excluded.printed_ms,
            },
        )
    )


# ---- runs printed offline, for the store --------------------------------------------------


@dataclass(frozen=True, slots=True)
class OfflineRun:
    kind: str
    first: int
    last: int


def unreported(db: DeviceDatabase) -> list[OfflineRun]:
    """The runs printed offline that the store does not have yet, oldest numbers first."""
    with db.read() as conn:
        rows = conn.execute(
            select(offline_runs.c.kind, offline_runs.c.first_number, offline_runs.c.last_number)
            .where(offline_runs.c.reported_ms.is_(None))
            .order_by(offline_runs.c.kind, offline_runs.c.first_number)
        )
        return [OfflineRun(r.kind, int(r.first_number), int(r.last_number)) for r in rows]


def reported(
    db: DeviceDatabase, run: OfflineRun, clashes: Sequence[tuple[int, int]], now_ms: int
) -> None:
    """The store has the run; `clashes` are its numbers another device holds too."""
    with db.write() as conn:
        conn.execute(
            update(offline_runs)
            .where(offline_runs.c.kind == run.kind, offline_runs.c.first_number == run.first)
            .values(
                reported_ms=now_ms,
                clashes=json.dumps([list(pair) for pair in clashes]) if clashes else None,
            )
        )


def clashing(db: DeviceDatabase) -> list[tuple[str, int, int]]:
    """(kind, first, last) of every number printed here offline that another device was given
    too, as the store answered: labels to reprint."""
    with db.read() as conn:
        rows = conn.execute(
            select(offline_runs.c.kind, offline_runs.c.clashes)
            .where(offline_runs.c.clashes.is_not(None))
            .order_by(offline_runs.c.kind, offline_runs.c.first_number)
        )
        return [
            (str(row.kind), int(first), int(last))
            for row in rows
            for first, last in json.loads(row.clashes)
        ]
