"""CSV import: a file becomes operations in the log, written by the store's import device
(`import.<partition>`) through the same ingest a device's push goes through, so every device
pulls the imported assets and each one's chain of custody starts at the import.

The whole file or nothing: every row is read and checked, and the operations that would make
the store match it are worked out, before anything is written; one transaction writes them
all. A row that already matches the store adds nothing, so importing a file again adds nothing.
"""

from __future__ import annotations

import contextlib
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import orjson
from sqlalchemy import Connection, Select, insert, select, update

from assets.errors import ClockDriftError, InvalidOperation
from assets.hlc import HybridClock, Stamp, parse_stamp
from assets.imports import (
    FORMATS,
    AssetRow,
    Columns,
    RowProblem,
    RowRefused,
    Step,
    detect_format,
    map_columns,
    read_row,
    steps_for,
)
from assets.merge import AssetState
from sync.errors import BadRequest
from sync.protocol import ImportReport, MappingRow, ProblemView, SignedHead
from sync.server import tables as t
from sync.server.chain import canonical_json
from sync.server.csvfile import FileRefused, open_csv, rows
from sync.server.db import reading, writing
from sync.server.ingest import Prepared, ingest
from sync.server.signing import write_head_file
from sync.server.store import Store

Progress = Callable[[str, int, int], None]  # (stage, done, total)
CHUNK_OPS = 5000  # operations per ingest call inside the one import transaction
MAX_PROBLEMS = 1000
MAX_MAPPING = 200  # rows of each column's mapping table in a report
IMPORT_CACHE_KB = 256 * 1024
LOOKUP = 500  # keys per lookup of the store's assets


class BadRows(BadRequest):
    """A file with bad rows imports nothing; the report lists each row."""

    code = "bad_rows"


@dataclass
class _Plan:
    report: ImportReport
    columns: Columns
    assets: list[AssetRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def device_of(partition: str) -> str:
    return f"import.{partition}"


def import_csv(
    store: Store,
    data: bytes,
    actor: str,
    role: str,
    *,
    fmt: str = "auto",
    site: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a file; BadRows (nothing written) when any row is bad."""
    plan = read_file(data, fmt, site, progress)
    if plan.problems:
        raise _refusal(plan)
    if dry_run:
        with reading(store.engine) as conn:
            work = _work_out(conn, plan, progress)
        if plan.problems:
            raise _refusal(plan)
        return _finish(plan, work, None)
    device_id = device_of(store.settings.partition)
    with writing(store.engine) as conn, _roomy_cache(conn):
        work = _work_out(conn, plan, progress)
        if plan.problems:
            raise _refusal(plan)
        written = _write(conn, store, device_id, work, actor, role, progress)
    if written.head is not None:
        write_head_file(store.settings.heads_dir, store.store_id, written.head)
    if written.operations:
        refresh_statistics(store)
    return _finish(plan, work, written)


# The tables an import grows by a row or more per asset.
FILLED = (t.oplog, t.assets, t.asset_fields, t.locations, t.idle_assets)


def refresh_statistics(store: Store) -> None:
    """PostgreSQL: ANALYZE the tables an import filled, once it has committed. psycopg
    prepares a statement on its fifth run and the server then keeps one plan for it on that
    pooled connection: the lookup of 500 keys, planned while the store was empty, stayed a
    sequential scan, and importing 100,000 rows again took minutes. ANALYZE gives the
    planner the tables' new sizes and makes every session plan those statements anew.
    SQLite keeps no such plans (and picks the primary key for a key lookup without stats)."""
    if store.engine.dialect.name != "postgresql":
        return
    with store.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE " + ", ".join(table.name for table in FILLED))


@contextlib.contextmanager
def _roomy_cache(conn: Connection) -> Iterator[None]:
    """SQLite: a page cache big enough for a whole import's transaction while it runs. With
    the default 2 MB the cache spills to the WAL over and over, and a 100,000-row import
    takes twice as long."""
    if conn.dialect.name != "sqlite":
        yield
        return
    conn.exec_driver_sql(f"PRAGMA cache_size=-{IMPORT_CACHE_KB}")
    try:
        yield
    finally:
        conn.exec_driver_sql("PRAGMA cache_size=-2000")  # SQLite's default, for the pool


def read_file(data: bytes, fmt: str, site: str | None, progress: Progress | None) -> _Plan:
    source = open_csv(data)
    lines = rows(source)
    first = next(lines, None)
    if first is None:
        raise FileRefused("the file is empty: it needs a header row and at least one asset")
    _, header = first
    chosen = detect_format(header) if fmt == "auto" else fmt
    if chosen not in FORMATS:
        raise FileRefused(
            "the header has no 'Asset Tag' column (Snipe-IT) and no 'tag' column (TagTrail's "
            f"template): {', '.join(cell[:30] for cell in header[:12])}"
        )
    columns = map_columns(header, chosen)
    if "tag" not in columns.roles:
        wanted = "Asset Tag" if chosen == "snipe-it" else "tag"
        raise FileRefused(f"a {chosen} file needs a '{wanted}' column in its header")
    report = ImportReport(
        format=chosen,
        encoding=source.encoding,
        delimiter=source.delimiter,
        rows=0,
        new=0,
        updated=0,
        unchanged=0,
        operations=0,
        dry_run=False,
        imported=False,
        fields=[columns.headers[i] for i in sorted(columns.fields)],
    )
    plan = _Plan(report, columns)
    seen: dict[str, int] = {}
    for number, cells in lines:
        report.rows += 1
        if progress and report.rows % 5000 == 0:
            progress("reading", report.rows, 0)
        _read_one(plan, number, cells, site, seen)
    if not report.rows:
        raise FileRefused("the file has a header but no asset rows")
    return plan


def _read_one(
    plan: _Plan, number: int, cells: list[str], site: str | None, seen: dict[str, int]
) -> None:
    width = len(plan.columns.headers)
    if len(cells) != width:
        # A short last row is what a file cut off between quotes looks like.
        plan.problems.append(
            RowProblem(
                number,
                f"column {min(len(cells), width) + 1}",
                f"the row has {len(cells)} cells, the header {width}: a cut or edited file?",
            )
        )
        return
    try:
        row = read_row(number, cells, plan.columns, site)
    except InvalidOperation as exc:
        plan.problems.append(RowProblem(number, exc.field, exc.message))
        return
    if row.key in seen:
        plan.problems.append(
            RowProblem(
                number,
                plan.columns.header("tag"),
                f"{row.key.removeprefix('asset:')} is on row {seen[row.key]} already",
            )
        )
        return
    seen[row.key] = number
    plan.assets.append(row)


@dataclass
class _Work:
    """What the import will write: per row its steps; the newest clock stamp it must follow."""

    steps: list[tuple[AssetRow, list[Step]]]
    newest: Stamp | None
    new: int = 0
    updated: int = 0


def _work_out(conn: Connection, plan: _Plan, progress: Progress | None) -> _Work:
    states, newest = _current(conn, [row.key for row in plan.assets])
    work = _Work([], newest)
    for count, row in enumerate(plan.assets, 1):
        current = states.get(row.key)
        try:
            steps = steps_for(row, current)
        except RowRefused as exc:
            column = (
                plan.columns.header(exc.field) if exc.field in plan.columns.roles else exc.field
            )
            plan.problems.append(RowProblem(row.row, column, exc.message))
            continue
        if steps:
            work.steps.append((row, steps))
            if current is None or not current.registered:
                work.new += 1
            else:
                work.updated += 1
        if progress and count % 5000 == 0:
            progress("comparing", count, len(plan.assets))
    return work


def current_query(keys: Sequence[str]) -> Select[tuple[str, str, str]]:
    """The assets the file names, as the store has them: LOOKUP keys at a time."""
    a = t.assets.c
    return select(a.key, a.state, a.last_sort).where(a.key.in_(keys))


def _current(conn: Connection, keys: Sequence[str]) -> tuple[dict[str, AssetState], Stamp | None]:
    states: dict[str, AssetState] = {}
    newest: str | None = None
    for start in range(0, len(keys), LOOKUP):
        found = conn.execute(current_query(keys[start : start + LOOKUP]))
        for row in found:
            states[row.key] = AssetState.from_dict(orjson.loads(row.state))
            stamp = str(row.last_sort).split("|", 1)[0]
            newest = stamp if newest is None or stamp > newest else newest
    return states, parse_stamp(newest) if newest else None


@dataclass
class _Written:
    operations: int
    first: int | None
    last: int | None
    head: SignedHead | None = None


def _write(  # noqa: PLR0917 - one caller
    conn: Connection,
    store: Store,
    device_id: str,
    work: _Work,
    actor: str,
    role: str,
    progress: Progress | None,
) -> _Written:
    seq, clock = _import_clock(conn, device_id, store)
    if work.newest is not None:
        # So an update sorts after what the store has (a device clock far ahead: it still
        # applies, in that order).
        with contextlib.suppress(ClockDriftError):
            clock.observe(work.newest)
    batch: list[Prepared] = []
    written = _Written(sum(len(steps) for _, steps in work.steps), None, None)
    done = 0
    for row, steps in work.steps:
        for step in steps:
            op = step.operation(str(uuid.uuid4()), device_id, seq, clock.tick(), actor, row.key)
            wire = op.to_dict()
            batch.append(Prepared(wire, op.op_id, seq, op, None, canonical_json(wire)))
            seq += 1
        if len(batch) >= CHUNK_OPS:
            _ingest_chunk(conn, store, device_id, batch, {actor: role}, written)
            done += len(batch)
            batch = []
            if progress:
                progress("writing", done, written.operations)
    if batch:
        _ingest_chunk(conn, store, device_id, batch, {actor: role}, written)
        if progress:
            progress("writing", written.operations, written.operations)
    conn.execute(
        update(t.devices).where(t.devices.c.device_id == device_id).values(last_hlc=str(clock.last))
    )
    return written


def _ingest_chunk(  # noqa: PLR0917 - one caller
    conn: Connection,
    store: Store,
    device_id: str,
    batch: list[Prepared],
    actors: dict[str, str],
    written: _Written,
) -> None:
    results, head = ingest(conn, store, device_id, batch, actors=actors)
    for result in results:
        if result.status == "rejected" or result.position is None:
            # Checked before writing, so this is a bug or a race: roll the whole file back.
            raise BadRequest(
                f"the store refused an imported operation ({result.code}): {result.reason}; "
                "nothing was imported",
                error="import_refused",
            )
        written.first = result.position if written.first is None else written.first
        written.last = result.position
    if head is not None:
        written.head = head


def _import_clock(conn: Connection, device_id: str, store: Store) -> tuple[int, HybridClock]:
    row = conn.execute(
        select(t.devices.c.acked_through, t.devices.c.last_hlc).where(
            t.devices.c.device_id == device_id
        )
    ).first()
    if row is None:
        now = store.now_ms()
        conn.execute(
            insert(t.devices).values(
                device_id=device_id,
                name="the central store (CSV imports)",
                token_hash=None,
                enrolled_ms=now,
                expires_ms=now,
                acked_through=0,
            )
        )
        acked, last = 0, None
    else:
        acked, last = int(row.acked_through), row.last_hlc
    return acked + 1, HybridClock(device_id, store.now_ms, parse_stamp(last) if last else None)


def _refusal(plan: _Plan) -> BadRows:
    report = plan.report
    report.problems = [
        ProblemView(row=p.row, column=p.column, message=p.message)
        for p in plan.problems[:MAX_PROBLEMS]
    ]
    more = len(plan.problems) - len(report.problems)
    report.message = f"{len(plan.problems)} bad row(s): nothing was imported" + (
        f" ({more} more not listed)" if more > 0 else ""
    )
    return BadRows(report.message, report=report.model_dump())


def _finish(plan: _Plan, work: _Work, written: _Written | None) -> ImportReport:
    report = plan.report
    report.new, report.updated = work.new, work.updated
    report.unchanged = len(plan.assets) - work.new - work.updated
    report.operations = sum(len(steps) for _, steps in work.steps)
    report.dry_run = written is None
    report.mapping = _mapping(plan)
    if written is not None:
        report.imported = written.operations > 0
        report.first_position, report.last_position = written.first, written.last
    if report.operations == 0:
        report.message = f"nothing to import: all {report.rows} rows already match the store"
    elif written is None:
        report.message = (
            f"dry run: would add {report.new} and update {report.updated} assets "
            f"with {report.operations} operations; nothing was written"
        )
    else:
        report.message = (
            f"imported: {report.new} new, {report.updated} updated, {report.unchanged} "
            f"unchanged; {report.operations} operations at log positions "
            f"{written.first}-{written.last}"
        )
    return report


def _mapping(plan: _Plan) -> list[MappingRow]:
    """How the file's locations, statuses and categories were read: the table the output
    shows so a person can check the mapping before trusting it."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for row in plan.assets:
        if row.location is not None:
            counts["location", row.sources.get("location", ""), row.location] += 1
        if row.status is not None:
            counts["status", row.sources.get("status", ""), row.status] += 1
        if row.sources.get("category"):
            counts["category", row.sources["category"], str(row.details["category"])] += 1
    shown: list[MappingRow] = []
    for wanted in ("location", "status", "category"):
        # The most common first, at most MAX_MAPPING of each: a table a person can read.
        entries = sorted(
            ((n, key) for key, n in counts.items() if key[0] == wanted),
            key=lambda item: (-item[0], item[1]),
        )[:MAX_MAPPING]
        shown += [
            MappingRow(column=column, source=source, value=value, rows=n)
            for n, (column, source, value) in entries
        ]
    return shown
