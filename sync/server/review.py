"""Conflict review: list with filters, detail with both sides in context, and decisions.

A decision is a `resolve` operation recorded by the store on its own device row (`store:<part>`)
with the supervisor as actor, through the same ingest as a push — the same checks and refusals —
so it is in the hash-chained log and reaches every device by pull. The conflict row is locked
with the partition; the first committed decision closes it and a later one is refused (409)
naming the winner.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from assets.conflicts import CONFLICT_TYPES
from assets.errors import InvalidOperation
from assets.hlc import HybridClock, Stamp, parse_stamp
from assets.operations import Operation, build_operation
from sync.errors import AlreadyDecided, BadRequest, NotFound
from sync.protocol import (
    REJECT_DECIDED,
    REJECT_NO_CONFLICT,
    ConflictPage,
    ConflictView,
    DecisionRequest,
    DecisionResponse,
    SideView,
)
from sync.server import tables as t
from sync.server.auth import STORE_DEVICE_PREFIX
from sync.server.chain import canonical_json
from sync.server.db import writing
from sync.server.ingest import Prepared, ingest, lock_partition
from sync.server.projections import projection_of
from sync.server.signing import write_head_file
from sync.server.store import Store


def conflict_view(row: Row[Any]) -> ConflictView:
    body = json.loads(row.body)
    choice = CONFLICT_TYPES.get(row.type)
    sides = json.loads(row.sides)["sides"]
    return ConflictView(
        id=row.id,
        type=row.type,
        label=choice.label if choice else row.type,
        colour=choice.colour if choice else "#616161",
        description=choice.description if choice else "",
        target=row.target,
        site=row.site,
        status=row.status,
        sides=[SideView(**side) for side in sides],
        detail=body.get("detail") or {},
        decided_by=row.decided_by,
        decision=body.get("decision") if row.decided_by else None,
        decision_value=json.loads(row.decision_value) if row.decision_value else None,
        decision_note=row.decision_note,
        decided_actor=row.decided_actor,
        raised_position=row.raised_position,
        position=row.position,
    )


def list_conflicts(
    conn: Connection,
    *,
    status: str | None = None,
    type_: str | None = None,
    site: str | None = None,
    target: str | None = None,
    after: int = 0,
    limit: int = 100,
) -> ConflictPage:
    """Conflicts in the order they were raised, filtered; `after` pages on raised_position."""
    query = select(t.conflicts).where(t.conflicts.c.raised_position > after)
    if status:
        query = query.where(t.conflicts.c.status == status)
    if type_:
        query = query.where(t.conflicts.c.type == type_)
    if site:
        query = query.where(t.conflicts.c.site == site)
    if target:
        query = query.where(t.conflicts.c.target == target)
    rows = list(conn.execute(query.order_by(t.conflicts.c.raised_position).limit(limit + 1)))
    items = [conflict_view(r) for r in rows[:limit]]
    more = len(rows) > limit
    return ConflictPage(items=items, next_cursor=str(items[-1].raised_position) if more else None)


def get_conflict(conn: Connection, conflict_id: str) -> ConflictView:
    row = conn.execute(select(t.conflicts).where(t.conflicts.c.id == conflict_id)).first()
    if row is None:
        raise NotFound(f"there is no conflict {conflict_id}")
    return conflict_view(row)


def store_device(partition: str) -> str:
    return f"{STORE_DEVICE_PREFIX}{partition}"


def decide(
    store: Store, conflict_id: str, actor: str, role: str, request: DecisionRequest
) -> DecisionResponse:
    """Record a supervisor's decision as a `resolve` through ingest, the very path a pushed
    decision takes: the same checks, the same refusals (each mapped to its HTTP answer)."""
    device_id = store_device(store.settings.partition)
    with writing(store.engine) as conn:
        lock_partition(conn, store.settings.partition)  # decisions queue with pushes
        row = conn.execute(select(t.conflicts).where(t.conflicts.c.id == conflict_id)).first()
        if row is None:
            raise NotFound(f"there is no conflict {conflict_id}")
        seq, clock = _store_clock(conn, device_id, store)
        target_sort = _target_last_hlc(conn, row.target)
        if target_sort is not None:
            clock.observe(target_sort)
        op = _decision(device_id, seq, clock, actor, conflict_id, row.target, request)
        results, head = ingest(
            conn,
            store,
            device_id,
            [Prepared(op.to_dict(), op.op_id, seq, op, None, canonical_json(op.to_dict()))],
            actors={actor: role},
        )
        result = results[0]
        if result.status == "rejected":
            _refused(conn, conflict_id, result.code, result.reason)
        conn.execute(
            update(t.devices)
            .where(t.devices.c.device_id == device_id)
            .values(last_hlc=str(clock.last))
        )
        view = get_conflict(conn, conflict_id)
    if head is not None:
        write_head_file(store.settings.heads_dir, store.store_id, head)
    return DecisionResponse(conflict=view, op_id=op.op_id, position=result.position or 0)


def _decision(  # noqa: PLR0917 - the decision's parts, each named
    device_id: str,
    seq: int,
    clock: HybridClock,
    actor: str,
    conflict_id: str,
    target: str,
    request: DecisionRequest,
) -> Operation:
    args: dict[str, object] = {"conflict_id": conflict_id, "on": target, "choice": request.choice}
    if request.value is not None:
        args["value"] = request.value
    if request.note:
        args["note"] = request.note
    try:
        return build_operation(
            op_id=str(uuid.uuid4()),
            device_id=device_id,
            device_seq=seq,
            hlc=clock.tick(),
            actor=actor,
            kind="resolve",
            target=f"conflict:{conflict_id}",
            args=args,
        )
    except InvalidOperation as exc:
        raise BadRequest(str(exc)) from exc


def _refused(conn: Connection, conflict_id: str, code: str | None, reason: str | None) -> None:
    """Raise the HTTP answer for a decision ingest refused (the transaction rolls back)."""
    why = reason or "the decision was refused"
    if code == REJECT_DECIDED:
        row = conn.execute(select(t.conflicts).where(t.conflicts.c.id == conflict_id)).one()
        raise AlreadyDecided(
            f"conflict {conflict_id} was already decided by {row.decided_actor} "
            f"(decision {row.decided_by}); the first decision stands",
            conflict_id=conflict_id,
            decided_by=row.decided_by,
            decided_actor=row.decided_actor,
        )
    if code == REJECT_NO_CONFLICT:
        raise NotFound(why)
    raise BadRequest(why, error=code or "refused")


def _store_clock(conn: Connection, device_id: str, store: Store) -> tuple[int, HybridClock]:
    row = conn.execute(
        select(t.devices.c.acked_through, t.devices.c.last_hlc).where(
            t.devices.c.device_id == device_id
        )
    ).first()
    if row is None:
        conn.execute(
            insert(t.devices).values(
                device_id=device_id,
                name="the central store (decisions)",
                token_hash=None,
                enrolled_ms=store.now_ms(),
                expires_ms=store.now_ms(),
                acked_through=0,
            )
        )
        acked, last = 0, None
    else:
        acked, last = int(row.acked_through), row.last_hlc
    last_stamp = parse_stamp(last) if last else None
    return acked + 1, HybridClock(device_id, store.now_ms, last_stamp)


def _target_last_hlc(conn: Connection, target: str) -> Stamp | None:
    table, _column = projection_of(target)
    text = conn.execute(select(table.c.last_sort).where(table.c.key == target)).scalar()
    return parse_stamp(str(text).split("|", 1)[0]) if text else None
