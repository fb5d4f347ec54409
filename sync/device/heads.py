"""The signed chain heads this device has seen: evidence against a rewritten server log."""

from __future__ import annotations

from sqlalchemy import Connection, select
from sqlalchemy.dialects.sqlite import insert

from sync.device.schema import chain_heads
from sync.protocol import SignedHead


def remember(conn: Connection, head: SignedHead, now_ms: int) -> None:
    conn.execute(
        insert(chain_heads)
        .values(
            partition=head.partition,
            position=head.position,
            hash=head.hash,
            signature=head.signature,
            data=head.model_dump_json(),
            seen_ms=now_ms,
        )
        .on_conflict_do_nothing()
    )


def seen(conn: Connection, limit: int = 1000) -> list[SignedHead]:
    """The heads seen, latest first (to send to the store's verify endpoint)."""
    rows = conn.execute(
        select(chain_heads.c.data).order_by(chain_heads.c.position.desc()).limit(limit)
    ).scalars()
    return [SignedHead.model_validate_json(raw) for raw in rows]
