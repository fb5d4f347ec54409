"""What an attacker with write access to the store's database, but not its signing key, does
after editing the log: recompute every hash so the chain looks whole again."""

from __future__ import annotations

from sqlalchemy import Engine, select, update

from sync.server import tables as t
from sync.server.chain import GENESIS_HASH, entry_hash
from sync.server.db import writing


def recompute_chain(engine: Engine) -> None:
    with writing(engine) as conn:
        prev = GENESIS_HASH
        for row in conn.execute(select(t.oplog).order_by(t.oplog.c.position)).all():
            prev = entry_hash(
                prev,
                position=row.position,
                partition=row.partition,
                site=row.site,
                received_ms=row.received_ms,
                body=row.body,
            )
            conn.execute(
                update(t.oplog).where(t.oplog.c.position == row.position).values(hash=prev)
            )
        conn.execute(update(t.partitions).values(log_hash=prev))
