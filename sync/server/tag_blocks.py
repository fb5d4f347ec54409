"""Runs of new tag numbers, handed out once each, so two devices never print the same tags.

A run starts after the highest number of its kind the store knows: the last run handed out
(`tag_numbers`, one row per kind, locked while a run is cut, so runs asked for at once never
overlap) or a tag already in the store in TagTrail's format (registered, imported, or printed
before runs existed). Each run is kept with the device and person who took it (`tag_blocks`).

A device that cannot reach the store numbers a run itself and reports it at its next sync
(`offline_runs`): the count moves past it, so no later run repeats it, and the store answers
which of its numbers another device was given too. A reported run must start near the
highest number the store knows: one far above would spend the kind's numbers at once. Every
lookup is one step down a primary key, or a range of it no longer than a run.
"""

from __future__ import annotations

from sqlalchemy import Connection, Table, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from assets.errors import InvalidTag
from assets.new_tags import (
    MAX_NEW_TAGS,
    highest_of,
    key_range,
    offline_start_problem,
    run_after,
)
from assets.tags import DEFAULT_TAG_CONFIG, TagConfig
from sync.errors import RunOutOfReach, TagsUsedUp
from sync.protocol import TagClash, TagKind, TagRun, TagRunReceipt
from sync.server import tables as t
from sync.server.db import is_postgres

# Where the store keeps tags of each kind, by key (the key's primary index).
_HOLDERS: dict[str, Table] = {"asset": t.assets, "pallet": t.pallets, "location": t.location_tags}


def reserve(
    conn: Connection,
    kind: TagKind,
    count: int,
    *,
    device_id: str,
    actor: str,
    now_ms: int,
    config: TagConfig = DEFAULT_TAG_CONFIG,
) -> TagRun:
    """Cut the next run of `count` tags of `kind`, inside the caller's write transaction."""
    highest = max(_last_handed_out(conn, kind), _highest_stored(conn, kind, config))
    try:
        tags = run_after(kind, highest, count, config)
    except InvalidTag as exc:
        raise TagsUsedUp(f"{exc}: ask an admin about the tag numbering") from exc
    first, last = highest + 1, highest + count
    conn.execute(update(t.tag_numbers).where(t.tag_numbers.c.kind == kind).values(last_number=last))
    conn.execute(
        insert(t.tag_blocks).values(
            kind=kind,
            first_number=first,
            last_number=last,
            device_id=device_id,
            actor=actor,
            reserved_ms=now_ms,
        )
    )
    return TagRun(kind=kind, first=first, last=last, tags=tags)


def _last_handed_out(conn: Connection, kind: str) -> int:
    """The kind's counter, locked until the transaction ends (made at 0 the first time)."""
    query = select(t.tag_numbers.c.last_number).where(t.tag_numbers.c.kind == kind)
    if is_postgres(conn):
        query = query.with_for_update()
    found = conn.execute(query).scalar()
    if found is None:
        # SQLite's write transaction already holds the lock; on PostgreSQL a second asker
        # waits on this row's key until the first commits, then reads its number.
        _insert_new(conn, t.tag_numbers, kind=kind, last_number=0)
        found = conn.execute(query).scalar()
    return int(found or 0)


def _insert_new(conn: Connection, table: Table, **values: object) -> None:
    """INSERT the row unless its key is there already (then nothing changes)."""
    make = postgresql.insert if is_postgres(conn) else sqlite.insert
    conn.execute(make(table).values(**values).on_conflict_do_nothing())


def _highest_stored(conn: Connection, kind: str, config: TagConfig) -> int:
    """The highest number of a tag of `kind` in TagTrail's format the store holds (0: none)."""
    low, high = key_range(kind, config)
    table = _HOLDERS[kind]
    keys = conn.execute(
        select(table.c.key)
        .where(table.c.key >= low, table.c.key < high)
        .order_by(table.c.key.desc())
        .limit(5)
    ).scalars()
    return highest_of((str(key) for key in keys), kind, config)


def report_printed(
    conn: Connection,
    kind: TagKind,
    first: int,
    last: int,
    *,
    device_id: str,
    actor: str,
    now_ms: int,
    config: TagConfig = DEFAULT_TAG_CONFIG,
) -> TagRunReceipt:
    """Keep a run a device numbered offline (once: a report sent again changes nothing), move
    the count past it, and say which of its numbers other devices hold. A run starting where
    no device could have counted to is refused (RunOutOfReach) and changes nothing."""
    handed_out = _last_handed_out(conn, kind)  # locked: no run is cut meanwhile
    known = max(handed_out, _highest_stored(conn, kind, config))
    problem = offline_start_problem(kind, first, known)
    if problem is not None:
        raise RunOutOfReach(problem)
    if last > handed_out:
        conn.execute(
            update(t.tag_numbers).where(t.tag_numbers.c.kind == kind).values(last_number=last)
        )
    _insert_new(
        conn,
        t.offline_runs,
        kind=kind,
        first_number=first,
        last_number=last,
        device_id=device_id,
        actor=actor,
        reported_ms=now_ms,
    )
    clashes = [c for c in _overlapping(conn, kind, first, last) if c.device_id != device_id]
    return TagRunReceipt(kind=kind, first=first, last=last, clashes=clashes)


def _overlapping(conn: Connection, kind: str, first: int, last: int) -> list[TagClash]:
    """The parts of every kept run (handed out or reported) that fall within first..last. A
    run holds at most MAX_NEW_TAGS numbers, so one starting before first - MAX_NEW_TAGS
    cannot reach it: each table is read over a bounded range of its key."""
    found: list[TagClash] = []
    for table in (t.tag_blocks, t.offline_runs):
        rows = conn.execute(
            select(table.c.first_number, table.c.last_number, table.c.device_id)
            .where(
                table.c.kind == kind,
                table.c.first_number > first - MAX_NEW_TAGS,
                table.c.first_number <= last,
                table.c.last_number >= first,
            )
            .order_by(table.c.first_number)
        )
        found += [
            TagClash(
                first=max(first, int(row.first_number)),
                last=min(last, int(row.last_number)),
                device_id=str(row.device_id),
            )
            for row in rows
        ]
    return sorted(found, key=lambda c: (c.first, c.device_id))
