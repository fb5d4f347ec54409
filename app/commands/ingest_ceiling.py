"""The fastest one device's ingest could go under the sync contract, measured in the same run.

A push parses every operation by the domain core and, in the push's own transaction, writes its
log rows and the projections the operations changed (DESIGN.md, the sync protocol). One device
pushes one batch at a time, so neither step overlaps the other, and one device's ingest rate
cannot exceed

    1 / (seconds to parse an operation + seconds to write the rows a push leaves per operation)

Both terms are measured on their own here, each leaving out work a real push also does, so the
ceiling errs high: the parse (the envelope's JSON read and check, then the domain core) runs
with the garbage collector paused, and leaves out HTTP, classifying, folding and hashing;
the write is plain inserts of the log and asset rows the push left in its store (no lookups,
no updates, no locations, counts, heads or cursor), through the store's own bulk path
(sync.server.bulk: plain tuples on SQLite, COPY on PostgreSQL) into bare copies of their tables
(same columns, keys and indexes), one transaction per batch.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import MetaData, Table, insert, select
from sqlalchemy.sql.elements import quoted_name

from sync.collector import collector_paused
from sync.server import tables as t
from sync.server.bulk import insert_rows
from sync.server.db import make_engine, reading, writing
from sync.server.envelope import parse_push_body
from sync.server.ingest import prepare, push
from sync.server.settings import Settings
from sync.server.store import Store

Row = dict[str, Any]
# One transaction's rows: (table, rows) pairs, written in this order.
Batch = Sequence[tuple[Table, Sequence[Row]]]


def write_seconds(db_url: str, batches: Sequence[Batch], *, bulk: bool = True) -> float:
    """Seconds to write every batch, one transaction each, into bare copies of its tables made
    for the measurement and dropped after. `bulk` takes the store's own path; otherwise
    SQLAlchemy Core's generic executemany."""
    engine = make_engine(db_url)
    md = MetaData()
    tables = {table.name: table for batch in batches for table, _ in batch}
    bare = {name: _bare_copy(table, md) for name, table in tables.items()}
    md.drop_all(engine)
    md.create_all(engine)
    try:
        started = time.perf_counter()
        for batch in batches:
            with writing(engine) as conn:
                for table, rows in batch:
                    if bulk:
                        insert_rows(conn, bare[table.name], rows)
                    elif rows:
                        conn.execute(insert(bare[table.name]), list(rows))
        return time.perf_counter() - started
    finally:
        md.drop_all(engine)
        engine.dispose()


def _bare_copy(table: Table, md: MetaData) -> Table:
    # PostgreSQL names indexes and constraints per schema: the copy's must not clash.
    bare = table.to_metadata(md, name=f"bench_raw_{table.name}")
    for index in bare.indexes:
        index.name = quoted_name(f"bench_raw_{index.name}", None)
    for constraint in bare.constraints:
        if isinstance(constraint.name, str):
            constraint.name = quoted_name(f"bench_raw_{constraint.name}", None)
    return bare


def parse_seconds(bodies: Sequence[bytes]) -> float:
    """Seconds a push's first steps take for these push bodies, garbage collector paused: the
    envelope (sync.server.envelope: the JSON read and checked) and ingest's parse
    (sync.server.ingest.prepare: the domain core, the log body, the text checks)."""
    with collector_paused():  # a run times the code, not the collector
        started = time.perf_counter()
        for body in bodies:
            _device, ops = parse_push_body(body)
            prepare(ops)
        return time.perf_counter() - started


def push_seconds(settings: Settings, bodies: Sequence[bytes]) -> float:
    """Seconds the store takes for these push bodies pushed in process, one after the other
    as one device sends them (the envelope, then `ingest.push`), garbage collector paused.
    `settings` name a store whose device took none of them yet."""
    store = Store.open(settings)
    try:
        with collector_paused():  # a run times the code, not the collector
            started = time.perf_counter()
            for body in bodies:
                device_id, ops = parse_push_body(body)
                push(store, device_id, ops)
            return time.perf_counter() - started
    finally:
        store.close()


def pushed_batches(db_url: str, log_rows: Sequence[Row], batch: int) -> list[Batch]:
    """`log_rows` cut into pushes of `batch`, each with the asset rows the store now holds for
    the assets whose first operation is in it (as ingest inserted them)."""
    first_push: dict[str, int] = {}
    for index, row in enumerate(log_rows):
        first_push.setdefault(str(row["target"]), index // batch)
    engine = make_engine(db_url)
    try:
        with reading(engine) as conn:
            found = conn.execute(select(t.assets).where(t.assets.c.key.in_(list(first_push))))
            assets = [dict(row._mapping) for row in found]
    finally:
        engine.dispose()
    per_push: list[list[Row]] = [[] for _ in range(0, len(log_rows), batch)]
    for row in assets:
        per_push[first_push[row["key"]]].append(row)
    return [
        [(t.oplog, log_rows[i : i + batch]), (t.assets, per_push[i // batch])]
        for i in range(0, len(log_rows), batch)
    ]


@dataclass(frozen=True)
class Ceiling:
    """Rates per second over the same operations: parsing alone, writing the push's rows
    alone, and whole pushes in process; with them, the most one device's ingest can reach and
    the time a push spends in its write transaction."""

    parse: float
    write: float
    push: float

    @property
    def rate(self) -> float:
        return 1 / (1 / self.parse + 1 / self.write)

    @property
    def transaction_s(self) -> float:
        """Seconds per operation of a push past its envelope and parse: its write transaction."""
        return max(0.0, 1 / self.push - 1 / self.parse)


def one_device_ceiling(
    db_url: str,
    fresh: Settings,
    bodies: Sequence[bytes],
    log_rows: Sequence[Row],
    *,
    batch: int,
    repeat: int = 3,
) -> Ceiling:
    """The ceiling for these operations, on the database at `db_url` (whose store holds what
    pushing them wrote); `fresh` names a store ready to take them in process. Parse and write
    are each the best of `repeat` runs: a busy machine only slows a run down, so the fastest
    is the nearest to what the code and the database can do."""
    count = len(log_rows)
    kept = _bodies_of(bodies, count)
    pushes = pushed_batches(db_url, log_rows, batch)
    parse_s = min(parse_seconds(kept) for _ in range(repeat))
    write_s = min(write_seconds(db_url, pushes) for _ in range(repeat))
    return Ceiling(
        parse=count / parse_s, write=count / write_s, push=count / push_seconds(fresh, kept)
    )


def _bodies_of(bodies: Sequence[bytes], count: int) -> list[bytes]:
    """The push bodies holding exactly the first `count` operations (the bench cuts the log
    rows at a body's edge)."""
    kept: list[bytes] = []
    seen = 0
    for body in bodies:
        if seen >= count:
            break
        kept.append(body)
        seen += len(orjson.loads(body)["ops"])
    if seen != count:
        raise ValueError(f"{count} operations do not end at a push's edge")
    return kept
