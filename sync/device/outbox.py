"""The outbox: every operation recorded on the device, in gapless `device_seq` order.

A row is `pending` until the central store acknowledges it, then `acked` until a pull has
brought its effect back into the cached server state (`settled`); the optimistic view folds
pending and acked rows on top of the cache, so a change never flickers back in between.
A `rejected` row stays visible with the store's reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Connection,
    and_,
    bindparam,
    case,
    func,
    insert,
    select,
    union_all,
    update,
)

from assets.operations import Operation, parse_operation
from sync.device.schema import outbox

PENDING, ACKED, SETTLED, REJECTED = "pending", "acked", "settled", "rejected"
IN_FLIGHT = (PENDING, ACKED)


@dataclass(frozen=True, slots=True)
class OutboxRow:
    device_seq: int
    op_id: str
    kind: str
    target: str
    actor: str
    status: str
    verdict: str | None
    reason: str | None
    created_ms: int


def _row(mapping: Any) -> OutboxRow:
    return OutboxRow(
        device_seq=mapping["device_seq"],
        op_id=mapping["op_id"],
        kind=mapping["kind"],
        target=mapping["target"],
        actor=mapping["actor"],
        status=mapping["status"],
        verdict=mapping["verdict"],
        reason=mapping["reason"],
        created_ms=mapping["created_ms"],
    )


def second_key(op: Operation) -> str | None:
    """The other target an operation folds with, if any (a load's pallet, a decision's target)."""
    others = [key for key in op.touches if key != op.target]
    return others[0] if others else None


def append(conn: Connection, op: Operation, now_ms: int) -> OutboxRow:
    values = {
        "device_seq": op.device_seq,
        "op_id": op.op_id,
        "kind": op.kind,
        "target": op.target,
        "also": second_key(op),
        "hlc": str(op.hlc),
        "actor": op.actor,
        "body": json.dumps(op.to_dict(), separators=(",", ":")),
        "status": PENDING,
        "created_ms": now_ms,
    }
    conn.execute(insert(outbox).values(**values))
    return _row(values | {"verdict": None, "reason": None})


def next_batch(conn: Connection, after_seq: int, limit: int) -> list[str]:
    """Up to `limit` operations to push (their stored wire JSON), in order, from `after_seq + 1`:
    a page read from the database, never the whole backlog."""
    rows = conn.execute(
        select(outbox.c.body)
        .where(outbox.c.device_seq > after_seq)
        .order_by(outbox.c.device_seq)
        .limit(limit)
    ).scalars()
    return list(rows)


def record_verdicts(
    conn: Connection,
    results: Iterable[tuple[int, str, str | None]],
    acked_through: int,
    now_ms: int,
) -> None:
    """Store the store's verdict per op (seq, status, reason) and mark everything up to
    `acked_through` as held by the store (a `duplicate` is an op it already had)."""
    rows = [
        {
            "seq": seq,
            "verdict": status,
            "reason": reason,
            "rejected": status == "rejected",
            "duplicate": status == "duplicate",
        }
        for seq, status, reason in results
    ]
    if rows:
        # One executemany for the whole batch: a 10,000-op backlog must not cost 10,000 trips.
        # A `duplicate` keeps the verdict the first answer gave, when the device heard it.
        conn.execute(
            update(outbox)
            .where(outbox.c.device_seq == bindparam("seq"))
            .values(
                verdict=case(
                    (bindparam("duplicate"), func.coalesce(outbox.c.verdict, "duplicate")),
                    else_=bindparam("verdict"),
                ),
                reason=bindparam("reason"),
                status=case((bindparam("rejected"), REJECTED), else_=outbox.c.status),
            ),
            rows,
        )
    conn.execute(
        update(outbox)
        .where(and_(outbox.c.device_seq <= acked_through, outbox.c.status == PENDING))
        .values(status=ACKED, acked_ms=now_ms)
    )


def settle(conn: Connection, through_seq: int) -> int:
    """Acked ops up to `through_seq` are now part of the pulled state: stop overlaying them."""
    result = conn.execute(
        update(outbox)
        .where(and_(outbox.c.device_seq <= through_seq, outbox.c.status == ACKED))
        .values(status=SETTLED)
    )
    return int(result.rowcount)


def in_flight_for(conn: Connection, key: str) -> list[Operation]:
    """The operations not yet in the pulled state that fold with `key`, in device order."""
    # Two indexed lookups (target, status) and (also, status) rather than one OR, which SQLite
    # would answer by walking every in-flight row: a 10,000-op backlog would slow each scan.
    columns = (outbox.c.device_seq, outbox.c.body)
    by_target = select(*columns).where(outbox.c.target == key, outbox.c.status.in_(IN_FLIGHT))
    by_also = select(*columns).where(outbox.c.also == key, outbox.c.status.in_(IN_FLIGHT))
    rows = conn.execute(union_all(by_target, by_also).order_by("device_seq"))
    return [parse_operation(json.loads(body)) for _seq, body in rows]


def in_flight_targets(conn: Connection, prefix: str) -> list[str]:
    """The distinct target keys starting with `prefix` that have operations in flight."""
    rows = conn.execute(
        select(outbox.c.target)
        .where(outbox.c.target.startswith(prefix), outbox.c.status.in_(IN_FLIGHT))
        .distinct()
        .order_by(outbox.c.target)
    )
    return list(rows.scalars())


def counts(conn: Connection) -> dict[str, int]:
    rows = conn.execute(select(outbox.c.status, func.count()).group_by(outbox.c.status)).all()
    found = {str(status): int(n) for status, n in rows}
    return {name: found.get(name, 0) for name in (PENDING, ACKED, SETTLED, REJECTED)}


def rejected(conn: Connection, limit: int = 100) -> list[OutboxRow]:
    """Operations the store refused, newest first, with its reason."""
    rows = conn.execute(
        select(outbox)
        .where(outbox.c.status == REJECTED)
        .order_by(outbox.c.device_seq.desc())
        .limit(limit)
    ).mappings()
    return [_row(r) for r in rows]
