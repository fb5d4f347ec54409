"""Many rows through one statement, with as little work per row as the driver allows.

On SQLite, SQLAlchemy's executemany turns every row dict into the driver's parameters anew
(compiled-parameter bookkeeping, type processing) — at 500 rows a batch that is a real share of
ingest. Here each statement is compiled once per table, column set and dialect, and the rows go
to the driver as plain tuples, through the type's own bind processor where it has one. On
PostgreSQL, inserts whose columns need no bind processing go through COPY (psycopg); the rest
keep SQLAlchemy's path (multi-row INSERTs).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, Any, cast

import orjson
from sqlalchemy import Boolean, Connection, Table, bindparam, insert, update

if TYPE_CHECKING:
    import psycopg

Row = dict[str, Any]
_Processor = Callable[[Any], Any] | None
_Compiled = tuple[str, tuple[str, ...], tuple[_Processor, ...]]

_CACHE: dict[tuple[str, str, str, tuple[str, ...]], _Compiled] = {}
_CACHE_LOCK = threading.Lock()


def insert_rows(conn: Connection, table: Table, rows: Sequence[Row]) -> None:
    """INSERT every row (all rows carry the same keys: the table's column names)."""
    if not rows:
        return
    columns = tuple(rows[0])
    if conn.dialect.name == "postgresql" and _copyable(conn, table, columns):
        _copy(conn, table, rows, columns)
        return
    if conn.dialect.name != "sqlite":
        conn.execute(insert(table), list(rows))
        return
    _run(conn, ("insert", table.name, columns), lambda: insert(table), rows, columns)


_COPYABLE: dict[tuple[str, tuple[str, ...]], bool] = {}


def _copyable(conn: Connection, table: Table, columns: tuple[str, ...]) -> bool:
    """Whether every column takes its Python value as is (no bind processor; a boolean's only
    checks the value is one, and PostgreSQL reads COPY's t/f itself): then psycopg's COPY
    writes exactly what INSERT would have."""
    found = _COPYABLE.get((table.name, columns))
    if found is None:
        found = all(
            name in table.c
            and (
                isinstance(table.c[name].type, Boolean)
                or table.c[name].type.bind_processor(conn.dialect) is None
            )
            for name in columns
        )
        with _CACHE_LOCK:
            _COPYABLE[(table.name, columns)] = found
    return found


def _copy(conn: Connection, table: Table, rows: Sequence[Row], columns: tuple[str, ...]) -> None:
    # COPY ... FROM STDIN inside the caller's transaction: one round trip for the whole batch
    # instead of SQLAlchemy's multi-row INSERT pages, with no per-row parameter bookkeeping.
    quote = conn.dialect.identifier_preparer
    names = ", ".join(quote.quote(name) for name in columns)
    sql = f"COPY {quote.format_table(table)} ({names}) FROM STDIN"
    pick = itemgetter(*columns)
    raw = cast("psycopg.Connection[Any]", conn.connection.dbapi_connection)
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        if len(columns) > 1:
            for row in rows:
                copy.write_row(pick(row))
        else:
            for row in rows:
                copy.write_row((row[columns[0]],))


_SELECTS: dict[tuple[str, str, tuple[str, ...], str], str] = {}


def select_in(
    conn: Connection, table: Table, columns: Sequence[str], key: str, values: Sequence[Any]
) -> list[tuple[Any, ...]]:
    """The `columns` of every row whose `key` column is one of `values`, as plain tuples.

    One statement whose values travel as a single parameter — a JSON array joined through
    `json_each` on SQLite, an array compared with `= ANY` on PostgreSQL — so the statement's
    text is the same for every batch (made once) and no per-value bind parameter is expanded.
    Both databases look each value up in the key's index (tests/sync/server/test_query_plans).
    Only for columns read back as the driver returns them (text, whole numbers). A value
    given twice may give its row twice."""
    if not values:
        return []
    cache_key = (conn.dialect.name, table.name, tuple(columns), key)
    sql = _SELECTS.get(cache_key)
    if sql is None:
        sql = _select_sql(conn, table, columns, key)
        with _CACHE_LOCK:
            _SELECTS[cache_key] = sql
    if conn.dialect.name == "postgresql":
        return list(conn.exec_driver_sql(sql, (list(values),)))
    return list(conn.exec_driver_sql(sql, (orjson.dumps(list(values)).decode(),)))


def _select_sql(conn: Connection, table: Table, columns: Sequence[str], key: str) -> str:
    for name in (*columns, key):
        if table.c[name].type.result_processor(conn.dialect, None) is not None:
            raise RuntimeError(f"{table.name}.{name} needs processing when read back")
    quote = conn.dialect.identifier_preparer
    name = quote.format_table(table)
    names = ", ".join(f"{name}.{quote.quote(column)}" for column in columns)
    where = f"{name}.{quote.quote(key)}"
    if conn.dialect.name == "postgresql":
        return f"SELECT {names} FROM {name} WHERE {where} = ANY(%s)"
    if conn.dialect.name == "sqlite":
        # CROSS JOIN keeps the values as the outer loop: SQLite then probes the key's index
        # once per value, where `IN (SELECT ...)` let its planner scan a small table instead.
        return f"SELECT {names} FROM json_each(?) AS wanted CROSS JOIN {name} ON {where} = wanted.value"
    raise RuntimeError(f"no array parameters on {conn.dialect.name}")


def update_rows(conn: Connection, table: Table, rows: Sequence[Row], key: str = "b_key") -> None:
    """UPDATE the row whose `key` column equals row[key] with the row's other values.

    `key` is the parameter holding the primary key (named apart from the column it matches)."""
    if not rows:
        return
    names = tuple(name for name in rows[0] if name != key)

    def statement() -> Any:
        return (
            update(table)
            .where(table.c.key == bindparam(key))
            .values({name: bindparam(name) for name in names})
        )

    if conn.dialect.name != "sqlite":
        conn.execute(statement(), list(rows))
        return
    _run(conn, ("update", table.name, (key, *names)), statement, rows, (key, *names))


def _run(
    conn: Connection,
    what: tuple[str, str, tuple[str, ...]],
    statement: Callable[[], Any],
    rows: Sequence[Row],
    columns: tuple[str, ...],
) -> None:
    cache_key = (conn.dialect.name, *what[:2], what[2])
    compiled = _CACHE.get(cache_key)
    if compiled is None:
        compiled = _compile(conn, statement(), columns)
        with _CACHE_LOCK:
            _CACHE[cache_key] = compiled
    sql, order, processors = compiled
    pick = itemgetter(*order)  # C-level: no Python loop per column per row
    params: list[Any] = (
        [pick(row) for row in rows] if len(order) > 1 else [(row[order[0]],) for row in rows]
    )
    # Only the few columns with a bind processor (a boolean) are touched one by one.
    processed = [(i, p) for i, p in enumerate(processors) if p is not None]
    if processed:
        params = [_processed(values, processed) for values in params]
    conn.exec_driver_sql(sql, params)


def _processed(values: tuple[Any, ...], processed: list[tuple[int, Any]]) -> tuple[Any, ...]:
    out = list(values)
    for i, process in processed:
        out[i] = process(out[i])
    return tuple(out)


def _compile(conn: Connection, statement: Any, columns: tuple[str, ...]) -> _Compiled:
    compiled = statement.compile(dialect=conn.dialect, column_keys=list(columns))
    order = tuple(compiled.positiontup or ())
    if not order or set(order) - set(columns):
        raise RuntimeError(f"cannot run {compiled.string!r} with plain positional rows")
    processors = tuple(compiled.binds[name].type.bind_processor(conn.dialect) for name in order)
    return compiled.string, order, processors
