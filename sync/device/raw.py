"""Fixed SQL straight to the SQLite driver, inside the caller's SQLAlchemy transaction.

The scan path runs a handful of small statements per scan. Building, caching and binding each
through SQLAlchemy cost more than the durable commit itself, so the hot statements of the
outbox and the sync state are plain SQL text run on the connection's own sqlite3 handle —
which is the very connection (and transaction) SQLAlchemy began.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection

Params = Sequence[Any] | Mapping[str, Any]


def _driver(conn: Connection) -> sqlite3.Connection:
    if not conn.in_transaction():
        raise RuntimeError("raw statements run only inside a read() or write() transaction")
    driver = conn.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    return driver


def run(conn: Connection, sql: str, params: Params = ()) -> sqlite3.Cursor:
    return _driver(conn).execute(sql, params)


def run_many(conn: Connection, sql: str, rows: Iterable[Params]) -> sqlite3.Cursor:
    return _driver(conn).executemany(sql, rows)
