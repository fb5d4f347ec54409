"""Runs the Alembic migrations shipped in sync/server/migrations, programmatically.

`upgrade(engine)` brings any database to the latest revision and seeds the rows every store
needs (its id, the partition counters). Safe to run at every start.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, insert, select

from sync.server import tables as t
from sync.server.chain import GENESIS_HASH

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def _config(conn: Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = conn
    return cfg


def head_revision() -> str:
    """The latest revision shipped with this code."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, partition: str = "main") -> str:
    """Migrate to the latest revision; return the store's id."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            # Several server processes may start at once: migrate one at a time.
            with conn.begin():
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7261001)")
                command.upgrade(_config(conn), "head")
        else:
            with conn.begin():
                command.upgrade(_config(conn), "head")
    with engine.connect() as conn, conn.begin():
        store_id = conn.execute(select(t.meta.c.value).where(t.meta.c.name == "store_id")).scalar()
        if store_id is None:
            store_id = str(uuid.uuid4())
            conn.execute(insert(t.meta).values(name="store_id", value=store_id))
        known = conn.execute(
            select(t.partitions.c.name).where(t.partitions.c.name == partition)
        ).scalar()
        if known is None:
            conn.execute(
                insert(t.partitions).values(
                    name=partition, log_position=0, log_hash=GENESIS_HASH, change_position=0
                )
            )
    return str(store_id)
