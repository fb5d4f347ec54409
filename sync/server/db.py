"""Engines for the store's database: a SQLite file (default) or PostgreSQL (psycopg 3).

SQLite: WAL, synchronous=FULL (every commit is on disk before a push is acknowledged: the signed
chain heads handed to devices and written beside the key must never run ahead of the log after
a power cut), checkpoints on a thread of their own (sync.server.checkpoint), and SQLAlchemy
emits BEGIN itself so a read transaction sees one snapshot and a write transaction takes the
write lock up front (`BEGIN IMMEDIATE`).
PostgreSQL: READ COMMITTED for writes (ingest serialises itself on its partition row) and
REPEATABLE READ for reads that must see one snapshot across several statements (pull).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from sync.errors import ConfigError
from sync.server.checkpoint import BACKSTOP_PAGES, checkpointer_for
from sync.server.file_lock import FileLock

_BEGIN = "tagtrail_begin"
BUSY_TIMEOUT_MS = 60_000


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"'{url}' is not a database URL: {exc}") from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(url, parsed.database)
    if backend == "postgresql":
        if parsed.drivername != "postgresql+psycopg":
            raise ConfigError("use the psycopg 3 driver: postgresql+psycopg://user@host/db")
        return create_engine(url, pool_size=10, max_overflow=30, pool_pre_ping=True)
    raise ConfigError(f"unsupported database '{backend}': use sqlite:/// or postgresql+psycopg://")


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if not database or database == ":memory:":
        raise ConfigError("the store needs a SQLite file, e.g. sqlite:///store.db")
    try:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create the folder for the database {database}: {exc}") from exc
    engine = create_engine(
        url, connect_args={"check_same_thread": False}, pool_size=8, max_overflow=32
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy's begin event issues BEGIN
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # Checkpoints run on their own thread (sync.server.checkpoint); this is the backstop.
        cursor.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql(f"BEGIN {conn.get_execution_options().get(_BEGIN, 'DEFERRED')}")

    return engine


def is_postgres(conn: Connection | Engine) -> bool:
    return conn.dialect.name == "postgresql"


# Writers of one SQLite file take turns (a waiting writer wakes the moment the lock frees
# instead of sleeping in SQLite's busy handler).
def _writer_lock(engine: Engine) -> FileLock | None:
    if engine.dialect.name != "sqlite" or not engine.url.database:
        return None
    return FileLock.at(f"{engine.url.database}-writer.lock")


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction (SQLite: BEGIN IMMEDIATE; after it commits, the WAL checkpointer is
    woken instead of the commit copying pages back itself)."""
    lock = _writer_lock(engine)
    with lock if lock is not None else nullcontext(), engine.connect() as plain:
        conn = plain.execution_options(**{_BEGIN: "IMMEDIATE"})
        with conn.begin():
            yield conn
    if lock is not None and engine.url.database:
        checkpointer_for(engine.url.database).nudge()


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A read transaction that sees one snapshot throughout."""
    with engine.connect() as plain:
        conn = plain
        if is_postgres(plain):
            conn = plain.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn
