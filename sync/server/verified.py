"""Verified checkpoints: a signed note that a verify walked the log up to a position and found it
intact, so the next verify only walks what came after.

A checkpoint is (partition, position, hash) signed with the store's key under its own message
prefix, so a chain head's signature can never pass for one. Someone who can write the database
but has no key cannot make a checkpoint: deleting checkpoints only makes the next verify walk
the whole log again, and a forged one is reported. What a checkpoint cannot prove is that the
entries before it are still unchanged today: `verify --full` walks them again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, insert, select
from sqlalchemy.exc import IntegrityError

from sync.server import tables as t
from sync.server.signing import HeadSigner, check_message


@dataclass(frozen=True)
class Checkpoint:
    partition: str
    position: int
    hash: str
    signature: str
    key_id: str


def checkpoint_message(partition: str, position: int, hash_hex: str) -> bytes:
    """The exact bytes a verified checkpoint's signature covers."""
    return f"tagtrail-verified/v1\n{partition}\n{position}\n{hash_hex}".encode()


def is_genuine(public_raw: bytes, cp: Checkpoint) -> bool:
    message = checkpoint_message(cp.partition, cp.position, cp.hash)
    return check_message(public_raw, message, cp.signature)


def latest_checkpoints(conn: Connection, partition: str, limit: int = 5) -> list[Checkpoint]:
    """The latest few checkpoints, newest first (one indexed read: the primary key)."""
    rows = conn.execute(
        select(t.verified)
        .where(t.verified.c.partition == partition)
        .order_by(t.verified.c.position.desc())
        .limit(limit)
    )
    return [Checkpoint(r.partition, int(r.position), r.hash, r.signature, r.key_id) for r in rows]


def record_checkpoint(
    conn: Connection, signer: HeadSigner, partition: str, position: int, hash_hex: str
) -> None:
    """Sign and store a checkpoint; a concurrent verify that stored the same one is fine."""
    signature = signer.sign_message(checkpoint_message(partition, position, hash_hex))
    values = {
        "partition": partition,
        "position": position,
        "hash": hash_hex,
        "signature": signature,
        "key_id": signer.key_id,
        "verified_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
    }
    try:
        with conn.begin_nested():
            conn.execute(insert(t.verified).values(**values))
    except IntegrityError:
        pass
