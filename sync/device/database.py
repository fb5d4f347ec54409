"""The device database: SQLite through SQLAlchemy, in WAL mode with `synchronous=FULL`.

Writers take the write lock up front (`BEGIN IMMEDIATE`), so the UI's service calls and the
sync engine's pages queue for each other instead of failing half-way with "database is locked".
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, select
from sqlalchemy.exc import DBAPIError

from sync.device import schema
from sync.device.migrations import LATEST, upgrade
from sync.device.paths import default_db_path
from sync.errors import DeviceDatabaseError

BUSY_TIMEOUT_MS = 15_000
_BEGIN_OPTION = "tagtrail_begin"


def _make_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite+pysqlite:///{path}", pool_size=4, max_overflow=8)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy's begin event emit BEGIN itself (pysqlite's own is deferred and late).
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(_BEGIN_OPTION, "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


class DeviceDatabase:
    """One device database file. Thread-safe: each `read()`/`write()` takes a pooled connection."""

    def __init__(self, path: Path | str | None = None, *, version: int = LATEST) -> None:
        self.path = Path(path) if path is not None else default_db_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.engine = _make_engine(self.path)
            with self.engine.connect() as conn:
                self.migrated = upgrade(conn, version)
        except DBAPIError as exc:
            raise DeviceDatabaseError(
                f"cannot open the device database {self.path}: {exc.orig}"
            ) from exc
        except OSError as exc:
            raise DeviceDatabaseError(f"cannot create the folder for {self.path}: {exc}") from exc
        with self.read() as conn:
            self.device_id: str = conn.execute(select(schema.sync_state.c.device_id)).scalar_one()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction, committed on exit (rolled back if the block raises)."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction: a consistent snapshot that never blocks writers (WAL)."""
        with self.engine.connect() as conn:
            conn.execution_options(**{_BEGIN_OPTION: "DEFERRED"})
            with conn.begin():
                yield conn

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> DeviceDatabase:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
