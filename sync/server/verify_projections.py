"""`verify --projections`: rebuild every projection from the log and compare every column.

The log is replayed into a scratch SQLite database through the very code ingest runs
(projections.load_targets / fold_batch / save_targets), batch by batch as it was pushed — a
batch ends at each signed head, which ingest writes once per batch — so the rebuilt rows are
what the store should hold, change-feed positions included. Then each projection table is
compared with the store's, row by row and column by column: an edited `assets.location`, a
conflict's status or a pallet's custodian is found even where the state JSON was left alone.
Costs a full pass over the log; it is an audit, not a request.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Row, Table, create_engine, select

from assets.merge import MergeRules
from assets.operations import parse_operation
from sync.server import tables as t
from sync.server.bulk import insert_rows
from sync.server.projections import Positions, fold_batch, load_targets, save_targets

MAX_PROBLEMS = 50
PROJECTIONS: tuple[Table, ...] = (
    t.assets,
    t.pallets,
    t.location_tags,
    t.locations,
    t.conflicts,
    t.disposals,
    t.disposal_days,
    t.asset_fields,
    t.asset_counts,
)
# Kept by the push too, but its arrival times follow how operations were batched into pushes,
# which a replay does not repeat: made in the scratch store, not compared.
WRITTEN_ALONG = (t.idle_assets,)


def check_projections(
    conn: Connection,
    partition: str,
    rules: MergeRules,
    on_progress: Callable[[int], None] | None = None,
) -> list[str]:
    """Problems found comparing the store's projections with a rebuild from its log."""
    with tempfile.TemporaryDirectory(prefix="tagtrail-rebuild-") as folder:
        scratch = create_engine(f"sqlite:///{Path(folder) / 'rebuild.db'}")
        try:
            t.metadata.create_all(scratch, tables=[t.oplog, *PROJECTIONS, *WRITTEN_ALONG])
            with scratch.begin() as out:
                _replay(conn, out, partition, rules, on_progress)
            with scratch.connect() as rebuilt:
                return _compare_all(conn, rebuilt)
        finally:
            scratch.dispose()


def _replay(
    conn: Connection,
    out: Connection,
    partition: str,
    rules: MergeRules,
    on_progress: Callable[[int], None] | None,
) -> None:
    ends = set(
        conn.execute(select(t.heads.c.position).where(t.heads.c.partition == partition)).scalars()
    )
    change = 0
    for batch in _batches(conn, partition, ends):
        ops = [parse_operation(json.loads(row.body)) for row in batch]
        insert_rows(out, t.oplog, [dict(row._mapping) for row in batch])
        targets = load_targets(out, {key for op in ops for key in op.touches})
        fold_batch(out, targets, ops, rules)
        positions = Positions(change)
        save_targets(out, targets, ops, positions, {row.op_id: row.site for row in batch})
        change = positions.last
        if on_progress:
            on_progress(int(batch[-1].position))


def _batches(conn: Connection, partition: str, ends: set[int]) -> Iterator[list[Row[Any]]]:
    """The log in position order, cut where ingest's batches ended (a signed head), or where
    the pushing device or the receipt time changes (a head that was removed)."""
    query = (
        select(t.oplog)
        .where(t.oplog.c.partition == partition)
        .order_by(t.oplog.c.position)
        .execution_options(stream_results=True, yield_per=2000)
    )
    batch: list[Row[Any]] = []
    for row in conn.execute(query):
        if batch and (
            row.device_id != batch[-1].device_id or row.received_ms != batch[-1].received_ms
        ):
            yield batch
            batch = []
        batch.append(row)
        if row.position in ends:
            yield batch
            batch = []
    if batch:
        yield batch


def _compare_all(live: Connection, rebuilt: Connection) -> list[str]:
    problems: list[str] = []
    for table in PROJECTIONS:
        problems += compare_table(live, rebuilt, table, MAX_PROBLEMS - len(problems))
        if len(problems) >= MAX_PROBLEMS:
            break
    return problems


def compare_table(live: Connection, rebuilt: Connection, table: Table, room: int) -> list[str]:
    """Every row and column of `table` in the store against the rebuild (at most `room`)."""
    expected = {_key_of(table, row): row for row in rebuilt.execute(select(table)).mappings()}
    problems: list[str] = []
    names = [c.name for c in table.columns]
    for row in live.execute(select(table)).mappings():
        key = _key_of(table, row)
        want = expected.pop(key, None)
        if want is None:
            problems.append(f"{table.name} {key}: in the store, but not in a rebuild")
        else:
            problems += _row_differences(table.name, key, names, row, want)
        if len(problems) >= room:
            return problems[:room]
    for missing in sorted(expected)[: max(room - len(problems), 0)]:
        problems.append(f"{table.name} {missing}: a rebuild has it, the store does not")
    return problems[:room]


def _row_differences(table: str, key: str, names: Sequence[str], row: Any, want: Any) -> list[str]:
    return [
        f"{table} {key}: {name} is {row[name]!r} in the store, {want[name]!r} rebuilt from the log"
        for name in names
        if row[name] != want[name]
    ]


def _key_of(table: Table, row: Any) -> str:
    """The row's primary key as one text (`site/day` where the key has several columns)."""
    return "/".join(str(row[column.name]) for column in table.primary_key.columns)
