"""Versioned migrations of the device database.

Each version is a frozen list of DDL statements (never edited once released: add a version
instead). `schema_migrations` records what ran; `upgrade` brings any older database to the
latest version inside one transaction per version, so a crash never leaves half a version.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, text

from sync.errors import DeviceDatabaseError


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    summary: str
    statements: tuple[str, ...]
    after: Callable[[Connection], None] | None = None  # data step run after the DDL


def _mint_device(conn: Connection) -> None:
    # A device id per database: a reinstalled app (new database) is a new device.
    conn.execute(
        text(
            "INSERT INTO sync_state (id, device_id, created_ms, last_seq, acked_seq, resnapshot)"
            " VALUES (1, :device, :now, 0, 0, 0)"
        ),
        {"device": f"dev-{uuid.uuid4()}", "now": int(time.time() * 1000)},
    )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "sync state, outbox and the cache of the server's state",
        (
            """CREATE TABLE sync_state (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                device_id TEXT NOT NULL,
                created_ms INTEGER NOT NULL,
                last_seq INTEGER NOT NULL,
                acked_seq INTEGER NOT NULL,
                cursor TEXT,
                hlc_last TEXT,
                token TEXT,
                token_expires TEXT,
                server_url TEXT,
                sites TEXT,
                resnapshot INTEGER NOT NULL)""",
            """CREATE TABLE outbox (
                device_seq INTEGER PRIMARY KEY,
                op_id TEXT NOT NULL UNIQUE,
                kind TEXT NOT NULL,
                target TEXT NOT NULL,
                also TEXT,
                hlc TEXT NOT NULL,
                actor TEXT NOT NULL,
                body TEXT NOT NULL,
                status TEXT NOT NULL,
                verdict TEXT,
                reason TEXT,
                created_ms INTEGER NOT NULL,
                acked_ms INTEGER)""",
            "CREATE INDEX outbox_status ON outbox (status, device_seq)",
            "CREATE INDEX outbox_target ON outbox (target, status)",
            "CREATE INDEX outbox_also ON outbox (also, status)",
            "CREATE TABLE assets (key TEXT PRIMARY KEY, site TEXT, state TEXT NOT NULL)",
            "CREATE INDEX assets_site ON assets (site)",
            "CREATE TABLE pallets (key TEXT PRIMARY KEY, state TEXT NOT NULL)",
            "CREATE TABLE locations (key TEXT PRIMARY KEY, site TEXT, data TEXT NOT NULL)",
            """CREATE TABLE conflicts (
                id TEXT PRIMARY KEY,
                target TEXT NOT NULL,
                open INTEGER NOT NULL,
                data TEXT NOT NULL)""",
            "CREATE INDEX conflicts_target ON conflicts (target)",
        ),
        after=_mint_device,
    ),
    Migration(
        2,
        "people on shared devices and the signed chain heads seen",
        (
            "ALTER TABLE sync_state ADD COLUMN actor TEXT",
            """CREATE TABLE people (
                name TEXT PRIMARY KEY,
                display_name TEXT NOT NULL,
                role TEXT NOT NULL,
                token TEXT,
                token_expires TEXT,
                first_ms INTEGER NOT NULL,
                last_ms INTEGER NOT NULL)""",
            """CREATE TABLE chain_heads (
                partition TEXT NOT NULL,
                position INTEGER NOT NULL,
                hash TEXT NOT NULL,
                signature TEXT NOT NULL,
                data TEXT NOT NULL,
                seen_ms INTEGER NOT NULL,
                PRIMARY KEY (partition, position))""",
        ),
    ),
    Migration(
        3,
        "shared location tags: the place each printed location tag marks",
        (
            """CREATE TABLE location_tags (
                key TEXT PRIMARY KEY,
                path TEXT,
                site TEXT,
                state TEXT NOT NULL)""",
            "CREATE INDEX location_tags_path ON location_tags (path)",
        ),
    ),
)

# Version 4: settled rows leave the outbox for `settled` (history stays readable), and the
# outbox counts are kept by triggers in the same transaction as every change they count.
_COUNT = (
    "INSERT INTO outbox_counts (status, n) VALUES ({status}, {delta})"
    " ON CONFLICT (status) DO UPDATE SET n = n + ({delta})"
)

MIGRATIONS += (
    Migration(
        4,
        "settled operations compacted out of the outbox; counts kept up to date",
        (
            """CREATE TABLE settled (
                device_seq INTEGER PRIMARY KEY,
                op_id TEXT NOT NULL UNIQUE,
                kind TEXT NOT NULL,
                target TEXT NOT NULL,
                also TEXT,
                hlc TEXT NOT NULL,
                actor TEXT NOT NULL,
                body TEXT NOT NULL,
                verdict TEXT,
                created_ms INTEGER NOT NULL,
                acked_ms INTEGER)""",
            "CREATE INDEX settled_target ON settled (target, device_seq)",
            "CREATE INDEX settled_also ON settled (also, device_seq) WHERE also IS NOT NULL",
            # Most rows have no second key: a full index of NULLs made the planner, after
            # ANALYZE, walk the outbox rather than look a second key up.
            "DROP INDEX outbox_also",
            "CREATE INDEX outbox_also ON outbox (also, status) WHERE also IS NOT NULL",
            """INSERT INTO settled (device_seq, op_id, kind, target, also, hlc, actor, body,
                verdict, created_ms, acked_ms)
               SELECT device_seq, op_id, kind, target, also, hlc, actor, body, verdict,
                created_ms, acked_ms FROM outbox WHERE status = 'settled'""",
            "DELETE FROM outbox WHERE status = 'settled'",
            "CREATE TABLE outbox_counts (status TEXT PRIMARY KEY, n INTEGER NOT NULL)",
            """INSERT INTO outbox_counts (status, n)
               SELECT status, COUNT(*) FROM outbox GROUP BY status""",
            _COUNT.format(status="'settled'", delta="(SELECT COUNT(*) FROM settled)"),
            "CREATE TRIGGER outbox_counted AFTER INSERT ON outbox BEGIN "
            + _COUNT.format(status="NEW.status", delta="1")
            + "; END",
            "CREATE TRIGGER outbox_recounted AFTER UPDATE OF status ON outbox"
            " WHEN OLD.status IS NOT NEW.status BEGIN "
            + _COUNT.format(status="OLD.status", delta="-1")
            + "; "
            + _COUNT.format(status="NEW.status", delta="1")
            + "; END",
            "CREATE TRIGGER outbox_uncounted AFTER DELETE ON outbox BEGIN "
            + _COUNT.format(status="OLD.status", delta="-1")
            + "; END",
            "CREATE TRIGGER settled_counted AFTER INSERT ON settled BEGIN "
            + _COUNT.format(status="'settled'", delta="1")
            + "; END",
            "CREATE TRIGGER settled_uncounted AFTER DELETE ON settled BEGIN "
            + _COUNT.format(status="'settled'", delta="-1")
            + "; END",
        ),
    ),
)

# Version 5: the store's settings as last pulled (known offline), and the highest tag
# number of each kind this device printed labels for (the next new tags start above it).
MIGRATIONS += (
    Migration(
        5,
        "the store's settings cached; the tag numbers printed here",
        (
            """CREATE TABLE store_settings (
                name TEXT PRIMARY KEY,
                value TEXT NOT NULL,
                pulled_ms INTEGER NOT NULL)""",
            """CREATE TABLE printed_tags (
                kind TEXT PRIMARY KEY,
                last_number INTEGER NOT NULL,
                printed_ms INTEGER NOT NULL)""",
        ),
    ),
)

# Version 6: the runs of new tags numbered here while the store was out of reach, until the
# store has them (sync reports each), and which of their numbers another device holds too.
MIGRATIONS += (
    Migration(
        6,
        "runs of new tags printed offline, reported at the next sync",
        (
            """CREATE TABLE offline_runs (
                kind TEXT NOT NULL,
                first_number INTEGER NOT NULL,
                last_number INTEGER NOT NULL,
                printed_ms INTEGER NOT NULL,
                reported_ms INTEGER,
                clashes TEXT,
                PRIMARY KEY (kind, first_number))""",
            "CREATE INDEX ix_offline_runs_unreported ON offline_runs (kind, first_number)"
            " WHERE reported_ms IS NULL",
            "CREATE INDEX ix_offline_runs_clashing ON offline_runs (kind, first_number)"
            " WHERE clashes IS NOT NULL",
        ),
    ),
)

LATEST = MIGRATIONS[-1].version


def current_version(conn: Connection) -> int:
    conn.execute(
        text(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "version INTEGER PRIMARY KEY, summary TEXT NOT NULL, applied_ms INTEGER NOT NULL)"
        )
    )
    found = conn.execute(text("SELECT MAX(version) FROM schema_migrations")).scalar()
    return int(found or 0)


def upgrade(conn: Connection, target: int = LATEST) -> list[int]:
    """Apply the migrations above the database's version, up to `target`; return those run.

    Each version runs in its own write transaction.
    """
    if conn.in_transaction():
        conn.commit()
    with conn.begin():
        version = current_version(conn)
    if version > LATEST:
        raise DeviceDatabaseError(
            f"this device database is at version {version}, newer than this app "
            f"({LATEST}): update the app"
        )
    ran: list[int] = []
    for migration in MIGRATIONS:
        if not version < migration.version <= target:
            continue
        with conn.begin():
            # Read again inside the write transaction: another process may have upgraded.
            if current_version(conn) >= migration.version:
                continue
            for statement in migration.statements:
                conn.execute(text(statement))
            if migration.after is not None:
                migration.after(conn)
            conn.execute(
                text("INSERT INTO schema_migrations VALUES (:v, :s, :t)"),
                {"v": migration.version, "s": migration.summary, "t": int(time.time() * 1000)},
            )
        ran.append(migration.version)
    return ran
