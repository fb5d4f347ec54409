"""The signed chain heads the store keeps: a stored row as a `SignedHead`, and a partition's
newest one (what pull serves and verify checks)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from sync.protocol import SignedHead
from sync.server import tables as t


def head_of(row: Any) -> SignedHead:
    return SignedHead(
        partition=row.partition,
        position=row.position,
        hash=row.hash,
        signature=row.signature,
        key_id=row.key_id,
        signed_at=row.signed_at,
    )


def latest_head(conn: Connection, partition: str) -> SignedHead | None:
    row = conn.execute(
        select(t.heads)
        .where(t.heads.c.partition == partition)
        .order_by(t.heads.c.position.desc())
        .limit(1)
    ).first()
    return head_of(row) if row is not None else None
