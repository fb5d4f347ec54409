"""The outbox: every operation recorded on the device, in gapless `device_seq` order.

A row is `pending` until the central store acknowledges it, then `acked` until a pull has
brought its effect back into the cached server state (`settled`); the optimistic view folds
pending and acked rows on top of the cache, so a change never flickers back in between.
A settled row leaves the outbox for the `settled` table (compaction), so the outbox holds only
what is in flight or refused, whatever the device has recorded over the years; the device's
history reads both (`own_operations`). A `rejected` row stays visible with the store's reason.
Counts per status are kept by triggers (migration 4), so reading them never counts rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from assets.operations import Operation, parse_operation
from sync.device import raw
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


_APPEND = (
    "INSERT INTO outbox (device_seq, op_id, kind, target, also, hlc, actor, body, status,"
    " created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)"
)


def append(conn: Connection, op: Operation, now_ms: int) -> OutboxRow:
    body = json.dumps(op.to_dict(), separators=(",", ":"))
    hlc = str(op.hlc)
    also = second_key(op)
    raw.run(
        conn,
        _APPEND,
        (op.device_seq, op.op_id, op.kind, op.target, also, hlc, op.actor, body, now_ms),
    )
    return OutboxRow(
        op.device_seq, op.op_id, op.kind, op.target, op.actor, PENDING, None, None, now_ms
    )


_NEXT = "SELECT device_seq, body FROM {table} WHERE device_seq > ? ORDER BY device_seq LIMIT ?"


def next_batch(conn: Connection, after_seq: int, limit: int) -> list[str]:
    """Up to `limit` operations to push (their stored wire JSON), in order, from `after_seq + 1`:
    a page read from the database, never the whole backlog.

    Normally all of them are in the outbox. When the store asks again for operations already
    settled (it was restored from a backup), they are sent again from `settled`."""
    rows = raw.run(conn, _NEXT.format(table="outbox"), (after_seq, limit)).fetchall()
    if not rows or rows[0][0] != after_seq + 1:
        older = raw.run(conn, _NEXT.format(table="settled"), (after_seq, limit)).fetchall()
        rows = sorted(older + rows)[:limit]
    return [body for _seq, body in rows]


_VERDICT = (
    "UPDATE outbox SET"
    # A `duplicate` keeps the verdict the first answer gave, when the device heard it.
    " verdict = CASE WHEN :duplicate THEN coalesce(verdict, 'duplicate') ELSE :verdict END,"
    " reason = :reason,"
    " status = CASE WHEN :rejected THEN 'rejected' ELSE status END"
    " WHERE device_seq = :seq"
)
_ACKED = (
    "UPDATE outbox SET status = 'acked', acked_ms = ?,"
    " verdict = CASE WHEN verdict IS NULL AND device_seq BETWEEN ? AND ? THEN 'applied'"
    " ELSE verdict END"
    " WHERE status = 'pending' AND device_seq <= ?"
)


def record_verdicts(
    conn: Connection,
    results: Iterable[tuple[int, str, str | None]],
    acked_through: int,
    now_ms: int,
) -> None:
    """Store the store's verdict per op (seq, status, reason) and mark everything up to
    `acked_through` as held by the store (a `duplicate` is an op it already had)."""
    answered = list(results)
    # Most of a batch is plainly `applied`: those take their verdict in the one statement that
    # marks the batch acked; only the others are written row by row.
    rows = [
        {
            "seq": seq,
            "verdict": status,
            "reason": reason,
            "rejected": status == "rejected",
            "duplicate": status == "duplicate",
        }
        for seq, status, reason in answered
        if status != "applied" or reason is not None
    ]
    if rows:
        raw.run_many(conn, _VERDICT, rows)
    applied = [seq for seq, status, reason in answered if status == "applied" and reason is None]
    low, high = (min(applied), max(applied)) if applied else (0, -1)
    raw.run(conn, _ACKED, (now_ms, low, high, acked_through))


_COLUMNS = "device_seq, op_id, kind, target, also, hlc, actor, body, verdict, created_ms, acked_ms"
_SETTLE = (
    f"INSERT INTO settled ({_COLUMNS}) SELECT {_COLUMNS} FROM outbox"
    " WHERE status = 'acked' AND device_seq <= ?"
)
_COMPACT = "DELETE FROM outbox WHERE status = 'acked' AND device_seq <= ?"


def settle(conn: Connection, through_seq: int) -> int:
    """Acked ops up to `through_seq` are now part of the pulled state: stop overlaying them,
    and move them out of the outbox into `settled` (this device's history of its own work)."""
    raw.run(conn, _SETTLE, (through_seq,))
    return int(raw.run(conn, _COMPACT, (through_seq,)).rowcount)


# Two indexed lookups (target, status) and (also, status) rather than one OR, which SQLite
# would answer by walking every in-flight row: a 10,000-op backlog would slow each scan.
_IN_FLIGHT = (
    "SELECT device_seq, body FROM outbox WHERE target = :key AND status IN ('pending', 'acked')"
    " UNION ALL"
    " SELECT device_seq, body FROM outbox WHERE also = :key AND status IN ('pending', 'acked')"
)


def in_flight_for(conn: Connection, key: str) -> list[Operation]:
    """The operations not yet in the pulled state that fold with `key`, in device order."""
    rows = sorted(raw.run(conn, _IN_FLIGHT, {"key": key}))  # a few rows: sorted here
    return [parse_operation(json.loads(body)) for _seq, body in rows]


_IN_FLIGHT_TARGETS = (
    "SELECT DISTINCT target FROM outbox WHERE target >= ? AND target < ?"
    " AND status IN ('pending', 'acked') ORDER BY target"
)


def in_flight_targets(conn: Connection, prefix: str) -> list[str]:
    """The distinct target keys starting with `prefix` that have operations in flight."""
    # A range on the key rather than LIKE (case-insensitive in SQLite, so never indexed).
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1) if prefix else "\U0010ffff"
    rows = raw.run(conn, _IN_FLIGHT_TARGETS, (prefix, upper))
    return [target for (target,) in rows]


def counts(conn: Connection) -> dict[str, int]:
    """Operations per status, as the triggers of migration 4 keep them (never a GROUP BY)."""
    found = dict(raw.run(conn, "SELECT status, n FROM outbox_counts").fetchall())
    return {name: int(found.get(name, 0)) for name in (PENDING, ACKED, SETTLED, REJECTED)}


_OWN = (
    "SELECT device_seq, op_id, kind, body, status, reason FROM ("
    " SELECT device_seq, op_id, kind, body, status, reason FROM outbox WHERE target = :key"
    " UNION ALL"
    " SELECT device_seq, op_id, kind, body, status, reason FROM outbox WHERE also = :key"
    " UNION ALL"
    " SELECT device_seq, op_id, kind, body, 'settled', NULL FROM settled WHERE target = :key"
    " UNION ALL"
    " SELECT device_seq, op_id, kind, body, 'settled', NULL FROM settled"
    " WHERE also = :key AND also IS NOT NULL"
    ") ORDER BY device_seq DESC LIMIT :limit"
)


@dataclass(frozen=True, slots=True)
class OwnOperation:
    """One of this device's operations on a target, wherever it is now (outbox or settled)."""

    device_seq: int
    op_id: str
    kind: str
    body: str  # the wire form (JSON)
    status: str
    reason: str | None


def own_operations(conn: Connection, key: str, limit: int = 500) -> list[OwnOperation]:
    """This device's operations that fold with `key`, any status, newest first: four indexed
    lookups, so the cost follows what the target has, not how much the device recorded."""
    rows = raw.run(conn, _OWN, {"key": key, "limit": limit})
    return [OwnOperation(*row) for row in rows]


def rejected(conn: Connection, limit: int = 100) -> list[OutboxRow]:
    """Operations the store refused, newest first, with its reason."""
    rows = conn.execute(
        select(outbox)
        .where(outbox.c.status == REJECTED)
        .order_by(outbox.c.device_seq.desc())
        .limit(limit)
    ).mappings()
    return [_row(r) for r in rows]


# A person's newest work on this device, among the device's newest operations: a key range on
# each table's integer primary key (device_seq is gapless across both), so the read is bounded
# by the window whatever the device recorded over the years.
_TOP = "SELECT MAX(device_seq) FROM outbox UNION ALL SELECT MAX(device_seq) FROM settled"
_BY_ACTOR = (
    "SELECT device_seq, kind, target, body, created_ms FROM outbox"
    " WHERE device_seq > :floor AND actor = :actor"
    " UNION ALL"
    " SELECT device_seq, kind, target, body, created_ms FROM settled"
    " WHERE device_seq > :floor AND actor = :actor"
    " ORDER BY device_seq DESC LIMIT :limit"
)


@dataclass(frozen=True, slots=True)
class ActorOperation:
    """One operation a person recorded on this device (outbox or settled)."""

    device_seq: int
    kind: str
    target: str
    args: dict[str, Any]
    created_ms: int


def recent_by(
    conn: Connection, actor: str, limit: int = 60, window: int = 2000
) -> list[ActorOperation]:
    """What `actor` recorded here lately, newest first: among the device's newest `window`
    operations (a scan list, not an archive), so the cost is bounded by the window."""
    top = max((seq for (seq,) in raw.run(conn, _TOP) if seq is not None), default=0)
    params = {"actor": actor, "limit": limit, "floor": top - window}
    rows = raw.run(conn, _BY_ACTOR, params)
    found = []
    for seq, kind, target, body, created_ms in rows:
        args = json.loads(body).get("args")
        found.append(
            ActorOperation(seq, kind, target, args if isinstance(args, dict) else {}, created_ms)
        )
    return found
