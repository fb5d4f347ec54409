"""Step 1 of ingest: say, for each operation of a batch, whether the log takes it.

In device_seq order:
- at or below the device's cursor: a replay. The same op_id (and body) as stored at that seq
  is a `duplicate`; another op_id is `seq_reused`, another body `op_id_reused`.
- a seq repeated inside the batch: the first operation at it is taken; a copy of it is a
  `duplicate`, a different one `seq_reused`.
- an op_id the log already holds (or an earlier op of this batch holds) is `op_id_reused`:
  an op_id names one operation, never a silent duplicate.
- then the operation itself: the domain core's verdict (invalid, or quarantined for unknown
  kinds and newer schemas), the device, the actor (the person pushing or a person with a live
  sign-in on the device), the actor's role (may it record this kind: assets.roles), and for a decision the state of its conflict.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from assets.errors import InvalidOperation, UnknownKind, UnsupportedSchema
from assets.operations import Operation, ResolveArgs
from assets.roles import refusal
from sync.protocol import (
    REJECT_ACTOR,
    REJECT_DECIDED,
    REJECT_INVALID,
    REJECT_NO_CONFLICT,
    REJECT_OP_ID_REUSED,
    REJECT_QUARANTINED,
    REJECT_ROLE,
    REJECT_SEQ_REUSED,
    REJECT_WITHDRAWN,
    REJECT_WRONG_DEVICE,
    OpResult,
)
from sync.server import tables as t
from sync.server.bulk import select_in
from sync.server.verdicts import BatchVerdicts


@dataclass
class Prepared:
    """One operation of a batch, parsed (or not) before the transaction starts."""

    wire: dict[str, object]
    op_id: str  # storable: unstorable characters escaped (sync.protocol.storable)
    seq: int
    op: Operation | None
    fault: InvalidOperation | None
    body: str | None = None  # the log row's canonical JSON, made here, outside the write lock


@dataclass(frozen=True)
class Logged:
    """What the log holds for an op_id or a device seq."""

    op_id: str
    position: int | None
    device_id: str
    device_seq: int
    body: str | None


# conflict id -> (target, status, decided_by, decided_actor)
DecisionStates = dict[str, tuple[str, str, str | None, str | None]]


def classify(
    conn: Connection,
    verdicts: BatchVerdicts,
    batch: Sequence[Prepared],
    acked: int,
    actors: Mapping[str, str],
) -> list[tuple[int, Prepared]]:
    """Answer every refused or replayed operation in `verdicts`; return the ones to append,
    with their index in the batch."""
    old = [(i, p) for i, p in enumerate(batch) if p.seq <= acked]
    _replays(conn, verdicts, old)
    fresh = _first_at_each_seq(verdicts, [(i, p) for i, p in enumerate(batch) if p.seq > acked])
    in_log = _known_op_ids(conn, [p.op_id for _, p in fresh])
    decisions = _decision_states(conn, [p.op for _, p in fresh])
    decided_here: set[str] = set()
    accepted: list[tuple[int, Prepared]] = []
    for index, p in fresh:
        refusal = _reused_op_id(p, in_log) or _refusal(p, verdicts.device_id, actors)
        if refusal is None and p.op is not None and isinstance(p.op.args, ResolveArgs):
            refusal = _decision_refused(p.op.args, decisions, decided_here)
        if refusal is not None:
            code, reason = refusal
            verdicts.reject(index, op_id=p.op_id, seq=p.seq, wire=p.wire, code=code, reason=reason)
            continue
        if p.op is not None and isinstance(p.op.args, ResolveArgs):
            decided_here.add(p.op.args.conflict_id)
        in_log[p.op_id] = Logged(p.op_id, None, verdicts.device_id, p.seq, p.body)
        accepted.append((index, p))
    return accepted


def _first_at_each_seq(
    verdicts: BatchVerdicts, fresh: list[tuple[int, Prepared]]
) -> list[tuple[int, Prepared]]:
    """Keep the first operation at each new seq; answer the repeats."""
    first: dict[int, Prepared] = {}
    kept = []
    for index, p in fresh:
        taken = first.get(p.seq)
        if taken is None:
            first[p.seq] = p
            kept.append((index, p))
        elif taken.op_id == p.op_id and taken.body == p.body:
            verdicts.answer(index, OpResult(op_id=p.op_id, device_seq=p.seq, status="duplicate"))
        else:
            reason = (
                f"device_seq {p.seq} appears twice in this batch, first for operation "
                f"{taken.op_id}: each operation needs a sequence number of its own"
            )
            verdicts.reject(
                index, op_id=p.op_id, seq=p.seq, wire=p.wire, code=REJECT_SEQ_REUSED, reason=reason
            )
    return kept


def _reused_op_id(p: Prepared, in_log: Mapping[str, Logged]) -> tuple[str, str] | None:
    known = in_log.get(p.op_id)
    if known is None:
        return None
    where = "earlier in this batch" if known.position is None else "in the log"
    return (
        REJECT_OP_ID_REUSED,
        f"operation {p.op_id} is already {where} as {known.device_id} #{known.device_seq}: "
        "an op_id names one operation only",
    )


def _refusal(p: Prepared, device_id: str, actors: Mapping[str, str]) -> tuple[str, str] | None:
    """Why the operation itself cannot be taken, or None."""
    op = p.op
    if op is None:
        assert p.fault is not None
        quarantine = isinstance(p.fault, UnsupportedSchema | UnknownKind)
        return (REJECT_QUARANTINED if quarantine else REJECT_INVALID, str(p.fault))
    if op.device_id != device_id:
        return (REJECT_WRONG_DEVICE, f"device_id {op.device_id} is not this device")
    role = actors.get(op.actor)
    if role is None:
        return (
            REJECT_ACTOR,
            f"{op.actor} is not signed in on this device: only the person pushing or someone "
            "signed in on it now may be an operation's actor",
        )
    refused = refusal(role, op.kind)  # the role table, assets.roles
    if refused is not None:
        return (REJECT_ROLE, f"{op.actor}: {refused}")
    return None


def _known_op_ids(conn: Connection, op_ids: list[str]) -> dict[str, Logged]:
    rows = select_in(
        conn, t.oplog, ("op_id", "position", "device_id", "device_seq"), "op_id", op_ids
    )
    return {
        op_id: Logged(op_id, int(position), device_id, int(seq), None)
        for op_id, position, device_id, seq in rows
    }


def _stored_at(conn: Connection, device_id: str, seqs: list[int]) -> dict[int, Logged]:
    """What the store keeps at each of a device's seqs: a log entry, else a refusal."""
    stored: dict[int, Logged] = {}
    log = t.oplog.c
    rows: Any = conn.execute(
        select(log.device_seq, log.op_id, log.position, log.body).where(
            log.device_id == device_id, log.device_seq.in_(seqs)
        )
    )
    for row in rows:
        stored[int(row.device_seq)] = Logged(
            row.op_id, int(row.position), device_id, int(row.device_seq), row.body
        )
    for table in (t.rejections, t.quarantine):
        rows = conn.execute(
            select(table.c.device_seq, table.c.op_id).where(
                table.c.device_id == device_id, table.c.device_seq.in_(seqs)
            )
        )
        for row in rows:
            seq = int(row.device_seq)
            stored.setdefault(seq, Logged(row.op_id, None, device_id, seq, None))
    return stored


def _replays(conn: Connection, verdicts: BatchVerdicts, old: list[tuple[int, Prepared]]) -> None:
    """Answer operations at or below the cursor: the same one again, or a reused seq."""
    if not old:
        return
    stored = _stored_at(conn, verdicts.device_id, sorted({p.seq for _, p in old}))
    for index, p in old:
        known = stored.get(p.seq)
        if known is not None and known.op_id != p.op_id:
            reason = (
                f"device_seq {p.seq} already holds operation {known.op_id}: "
                "this device reused a sequence number"
            )
            verdicts.reject(
                index, op_id=p.op_id, seq=p.seq, wire=p.wire, code=REJECT_SEQ_REUSED, reason=reason
            )
        elif known is not None and known.body is not None and p.body not in (None, known.body):
            reason = (
                f"operation {p.op_id} is already in the log at device_seq {p.seq} with other "
                "content: an op_id names one operation only"
            )
            verdicts.reject(
                index,
                op_id=p.op_id,
                seq=p.seq,
                wire=p.wire,
                code=REJECT_OP_ID_REUSED,
                reason=reason,
            )
        else:
            position = known.position if known else None
            verdicts.answer(
                index,
                OpResult(op_id=p.op_id, device_seq=p.seq, status="duplicate", position=position),
            )


def _decision_states(conn: Connection, ops: list[Operation | None]) -> DecisionStates:
    ids = [op.args.conflict_id for op in ops if op is not None and isinstance(op.args, ResolveArgs)]
    if not ids:
        return {}
    c = t.conflicts.c
    rows = conn.execute(
        select(c.id, c.target, c.status, c.decided_by, c.decided_actor).where(c.id.in_(ids))
    )
    return {r.id: (r.target, r.status, r.decided_by, r.decided_actor) for r in rows}


def _decision_refused(
    args: ResolveArgs, states: DecisionStates, decided_here: set[str]
) -> tuple[str, str] | None:
    """Why a decision cannot apply, or None. The first committed decision wins."""
    known = states.get(args.conflict_id)
    if known is None:
        return (REJECT_NO_CONFLICT, f"there is no conflict {args.conflict_id}")
    target, status, decided_by, actor = known
    if target != args.on:
        return (REJECT_INVALID, f"conflict {args.conflict_id} is about {target}, not {args.on}")
    if status == "decided":
        return (
            REJECT_DECIDED,
            f"conflict {args.conflict_id} was already decided by {actor} (decision {decided_by})",
        )
    if status == "withdrawn":
        return (
            REJECT_WITHDRAWN,
            f"conflict {args.conflict_id} no longer stands: later operations withdrew it",
        )
    if args.conflict_id in decided_here:
        return (
            REJECT_DECIDED,
            f"conflict {args.conflict_id} was already decided earlier in this batch",
        )
    return None
