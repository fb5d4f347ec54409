"""Ingest: one push batch in one database transaction.

Order of work, and why:
1. Outside the transaction: each operation is parsed by the domain core (the slow part), so the
   write lock is held only for database work and folding.
2. The partition row is locked (`SELECT … FOR UPDATE`; SQLite's BEGIN IMMEDIATE is the same
   lock): log positions, change-feed positions and the hash chain are assigned while it is
   held, so positions commit in the order they were handed out and a pull never skips one.
3. Per operation, in device_seq order: at or below the device's cursor it is a `duplicate` when
   the op_id matches what was stored at that seq, else `rejected` (seq_reused); a new seq whose
   op_id is already in the log is a `duplicate` too. Unknown kinds and newer schemas go to
   quarantine; other faults to rejections — both advance the cursor.
4. Accepted operations are appended to the log (hash-chained), folded into their targets
   (projections.fold_batch), and the new chain head is signed and stored.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import Connection, insert, select, update

from assets.errors import InvalidOperation, UnknownKind, UnsupportedSchema
from assets.locations import site_of
from assets.operations import Operation, RegisterLocationArgs, ResolveArgs, parse_operation
from sync.errors import SequenceGap, TooLarge
from sync.protocol import (
    REJECT_ACTOR,
    REJECT_DECIDED,
    REJECT_INVALID,
    REJECT_QUARANTINED,
    REJECT_ROLE,
    REJECT_SEQ_REUSED,
    REJECT_WRONG_DEVICE,
    OpResult,
    PushResponse,
    SignedHead,
    WireOperation,
)
from sync.server import tables as t
from sync.server.auth import DECIDING_ROLES, device_actors
from sync.server.bulk import insert_rows
from sync.server.chain import canonical_json, entry_hash
from sync.server.db import is_postgres, writing
from sync.server.projections import (
    UNSITED,
    Positions,
    fold_batch,
    load_targets,
    op_verdicts,
    save_targets,
)
from sync.server.signing import write_head_file
from sync.server.store import Store

_RESULTS = TypeAdapter(list[OpResult])

# Pushes worked on at once in one process: one parsing while another writes. More only make
# threads fight over the GIL while the writer holds the partition lock.
_PUSHES = threading.BoundedSemaphore(2)


@dataclass
class Prepared:
    """One operation of a batch, parsed (or not) before the transaction starts."""

    wire: dict[str, object]
    op_id: str
    seq: int
    op: Operation | None
    fault: InvalidOperation | None
    body: str | None = None  # the log row's canonical JSON, made here, outside the write lock


def prepare(ops: Sequence[WireOperation | Mapping[str, Any]]) -> list[Prepared]:
    """Parse each operation once, by the domain core. `ops` are models, or wire dicts whose
    envelope is already checked (sync.server.envelope)."""
    prepared = []
    for item in ops:
        wire = item.to_wire() if isinstance(item, WireOperation) else dict(item)
        body = None
        try:
            op: Operation | None = parse_operation(wire)
            fault: InvalidOperation | None = None
            body = canonical_json(op.to_dict()) if op is not None else None
        except InvalidOperation as exc:
            op, fault = None, exc
        prepared.append(
            Prepared(wire, str(wire["op_id"]), int(wire["device_seq"]), op, fault, body)
        )
    return prepared


def check_batch(prepared: Sequence[Prepared], max_ops: int) -> list[Prepared]:
    """Sort by seq; refuse an oversized batch or one with a hole or a repeat inside it."""
    if len(prepared) > max_ops:
        raise TooLarge(
            f"a batch holds at most {max_ops} operations, this one {len(prepared)}: split it",
            max_ops=max_ops,
        )
    batch = sorted(prepared, key=lambda p: p.seq)
    for before, after in itertools.pairwise(batch):
        if after.seq != before.seq + 1:
            raise SequenceGap(
                f"the batch skips from device_seq {before.seq} to {after.seq}",
                expected_seq=before.seq + 1,
                acked_through=-1,
            )
    return batch


def push(
    store: Store,
    device_id: str,
    ops: Sequence[WireOperation | Mapping[str, Any]],
    pusher: str | None = None,
) -> PushResponse:
    with _PUSHES:
        batch = check_batch(prepare(ops), store.settings.max_batch_ops)
        with writing(store.engine) as conn:
            results, head = ingest(conn, store, device_id, batch)
            acked = _acked(conn, device_id)
    if head is not None:
        write_head_file(store.settings.heads_dir, store.store_id, head)
    return PushResponse(acked_through=acked, results=results, head=head)


def lock_partition(conn: Connection, partition: str) -> tuple[int, str, int]:
    query = select(
        t.partitions.c.log_position, t.partitions.c.log_hash, t.partitions.c.change_position
    ).where(t.partitions.c.name == partition)
    if is_postgres(conn):
        query = query.with_for_update()
    row = conn.execute(query).one()
    return int(row.log_position), str(row.log_hash), int(row.change_position)


def _acked(conn: Connection, device_id: str) -> int:
    value = conn.execute(
        select(t.devices.c.acked_through).where(t.devices.c.device_id == device_id)
    ).scalar()
    return int(value or 0)


def ingest(
    conn: Connection,
    store: Store,
    device_id: str,
    batch: Sequence[Prepared],
    actors: dict[str, str] | None = None,
) -> tuple[list[OpResult], SignedHead | None]:
    """Take a checked, seq-ordered batch inside the caller's write transaction.

    `actors` (username -> role) are the people whose operations the device may carry; by
    default everyone who has signed in on it."""
    settings = store.settings
    log_position, log_hash, change_position = lock_partition(conn, settings.partition)
    if not batch:
        return [], None
    acked = _acked(conn, device_id)
    if batch[0].seq > acked + 1:
        raise SequenceGap(
            f"expected device_seq {acked + 1} next, the batch starts at {batch[0].seq}: "
            f"resend from {acked + 1}",
            expected_seq=acked + 1,
            acked_through=acked,
        )
    now = store.now_ms()
    results: dict[str, OpResult] = {}
    old = [p for p in batch if p.seq <= acked]
    new = [p for p in batch if p.seq > acked]
    for p, verdict in zip(old, _replayed(conn, device_id, old), strict=True):
        results[f"{p.seq}"] = verdict
    in_log = _known_op_ids(conn, [p.op_id for p in new])
    if actors is None:
        actors = device_actors(conn, device_id) if new else {}
    accepted: list[Prepared] = []
    rejections: list[dict[str, object]] = []
    quarantined: list[dict[str, object]] = []
    decided_here: set[str] = set()
    decisions = _decision_states(conn, [p.op for p in new if p.op and p.op.kind == "resolve"])

    def reject(p: Prepared, code: str, reason: str) -> None:
        results[f"{p.seq}"] = OpResult(
            op_id=p.op_id, device_seq=p.seq, status="rejected", code=code, reason=reason
        )
        row = {
            "device_id": device_id,
            "device_seq": p.seq,
            "op_id": p.op_id,
            "reason": reason,
            "body": canonical_json(p.wire),
            "received_ms": now,
        }
        if code == REJECT_QUARANTINED:
            schema = p.wire.get("schema")
            quarantined.append(
                {
                    **row,
                    "kind": str(p.wire.get("kind"))[:40],
                    "schema": schema if isinstance(schema, int) else 0,
                }
            )
        else:
            rejections.append({**row, "code": code})

    for p in new:
        if p.op_id in in_log:
            results[f"{p.seq}"] = OpResult(
                op_id=p.op_id, device_seq=p.seq, status="duplicate", position=in_log[p.op_id]
            )
            continue
        in_log[p.op_id] = -1  # a repeat later in this batch is a duplicate too
        op = p.op
        if op is None:
            assert p.fault is not None
            quarantine = isinstance(p.fault, UnsupportedSchema | UnknownKind)
            reject(p, REJECT_QUARANTINED if quarantine else REJECT_INVALID, str(p.fault))
        elif op.device_id != device_id:
            reject(p, REJECT_WRONG_DEVICE, f"device_id {op.device_id} is not this device")
        elif op.actor not in actors:
            reject(p, REJECT_ACTOR, f"{op.actor} has not signed in on this device")
        elif op.kind == "resolve" and actors[op.actor] not in DECIDING_ROLES:
            reject(p, REJECT_ROLE, f"a {actors[op.actor]} may not decide conflicts")
        elif isinstance(op.args, ResolveArgs) and (
            why := _decision_refused(op.args, decisions, decided_here)
        ):
            code = REJECT_DECIDED if "decided" in why else REJECT_INVALID
            reject(p, code, why)
        else:
            if isinstance(op.args, ResolveArgs):
                decided_here.add(op.args.conflict_id)
            accepted.append(p)

    head = None
    if accepted:
        ops = [p.op for p in accepted if p.op is not None]
        bodies = [p.body for p in accepted if p.op is not None]
        targets = load_targets(conn, {key for op in ops for key in op.touches})
        sites = _sites(ops, targets)
        rows = []
        for op, prepared_body in zip(ops, bodies, strict=True):
            log_position += 1
            body = prepared_body or canonical_json(op.to_dict())
            log_hash = entry_hash(
                log_hash,
                position=log_position,
                partition=settings.partition,
                site=sites[op.op_id],
                received_ms=now,
                body=body,
            )
            touches = op.touches
            rows.append(
                {
                    "position": log_position,
                    "partition": settings.partition,
                    "site": sites[op.op_id],
                    "op_id": op.op_id,
                    "device_id": op.device_id,
                    "device_seq": op.device_seq,
                    "hlc": str(op.hlc),
                    "actor": op.actor,
                    "kind": op.kind,
                    "target": op.target,
                    "fold_a": touches[0],
                    "fold_b": touches[1] if len(touches) > 1 else None,
                    "body": body,
                    "received_ms": now,
                    "hash": log_hash,
                }
            )
            in_log[op.op_id] = log_position
        insert_rows(conn, t.oplog, rows)
        fold_batch(conn, targets, ops, settings.rules)
        positions = Positions(change_position)
        save_targets(conn, targets, ops, positions, sites)
        change_position = positions.last
        verdicts = op_verdicts(ops, targets)
        applied = []
        for op in ops:
            status, note, ids = verdicts[op.op_id]
            applied.append(
                {
                    "op_id": op.op_id,
                    "device_seq": op.device_seq,
                    "status": status,
                    "reason": note,
                    "position": in_log[op.op_id],
                    "conflicts": ids,
                }
            )
        # One validating call for the whole batch: far cheaper than one model per operation.
        for result in _RESULTS.validate_python(applied):
            results[f"{result.device_seq}"] = result
        head = store.signer.sign(settings.partition, log_position, log_hash)
        conn.execute(insert(t.heads).values(**head.model_dump()))
    if rejections:
        conn.execute(insert(t.rejections), rejections)
    if quarantined:
        conn.execute(insert(t.quarantine), quarantined)
    last_seq = batch[-1].seq
    if last_seq > acked:
        conn.execute(
            update(t.devices)
            .where(t.devices.c.device_id == device_id)
            .values(acked_through=last_seq)
        )
    conn.execute(
        update(t.partitions)
        .where(t.partitions.c.name == settings.partition)
        .values(log_position=log_position, log_hash=log_hash, change_position=change_position)
    )
    return [results[f"{p.seq}"] for p in batch], head


def _known_op_ids(conn: Connection, op_ids: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(op_ids), 500):
        chunk = op_ids[start : start + 500]
        rows = conn.execute(
            select(t.oplog.c.op_id, t.oplog.c.position).where(t.oplog.c.op_id.in_(chunk))
        )
        found.update({row.op_id: int(row.position) for row in rows})
    return found


def _replayed(conn: Connection, device_id: str, old: Sequence[Prepared]) -> list[OpResult]:
    """Verdicts for operations at or below the cursor: the same op_id again, or a reused seq."""
    if not old:
        return []
    seqs = [p.seq for p in old]
    stored: dict[int, tuple[str, int | None]] = {}
    for table, has_position in ((t.oplog, True), (t.rejections, False), (t.quarantine, False)):
        columns = [table.c.device_seq, table.c.op_id]
        if has_position:
            columns.append(t.oplog.c.position)
        rows = conn.execute(
            select(*columns).where(table.c.device_id == device_id, table.c.device_seq.in_(seqs))
        )
        for row in rows:
            stored.setdefault(
                int(row.device_seq), (row.op_id, int(row.position) if has_position else None)
            )
    verdicts = []
    for p in old:
        known = stored.get(p.seq)
        if known is not None and known[0] != p.op_id:
            verdicts.append(
                OpResult(
                    op_id=p.op_id,
                    device_seq=p.seq,
                    status="rejected",
                    code=REJECT_SEQ_REUSED,
                    reason=f"device_seq {p.seq} already holds operation {known[0]}: "
                    "this device reused a sequence number",
                )
            )
        else:
            verdicts.append(
                OpResult(
                    op_id=p.op_id,
                    device_seq=p.seq,
                    status="duplicate",
                    position=known[1] if known else None,
                )
            )
    return verdicts


def _decision_states(
    conn: Connection, ops: list[Operation | None]
) -> dict[str, tuple[str, str, str | None, str | None]]:
    """conflict id -> (target, status, decided_by, decided_actor) for the batch's decisions."""
    ids = [op.args.conflict_id for op in ops if op is not None]
    if not ids:
        return {}
    rows = conn.execute(
        select(
            t.conflicts.c.id,
            t.conflicts.c.target,
            t.conflicts.c.status,
            t.conflicts.c.decided_by,
            t.conflicts.c.decided_actor,
        ).where(t.conflicts.c.id.in_(ids))
    )
    return {r.id: (r.target, r.status, r.decided_by, r.decided_actor) for r in rows}


def _decision_refused(
    args: ResolveArgs,
    states: dict[str, tuple[str, str, str | None, str | None]],
    decided_here: set[str],
) -> str | None:
    """Why a decision cannot apply, or None. The first committed decision wins."""
    known = states.get(args.conflict_id)
    if known is None:
        return f"there is no conflict {args.conflict_id}"
    target, status, decided_by, actor = known
    if target != args.on:
        return f"conflict {args.conflict_id} is about {target}, not {args.on}"
    if status == "decided":
        return f"conflict {args.conflict_id} was already decided by {decided_by} ({actor})"
    if status == "withdrawn":
        return f"conflict {args.conflict_id} no longer stands: later operations withdrew it"
    if args.conflict_id in decided_here:
        return f"conflict {args.conflict_id} was already decided earlier in this batch"
    return None


def _sites(ops: Sequence[Operation], targets: Mapping[str, object]) -> dict[str, str]:
    """Each operation's site (the partition key of its log row): where it happened, else the
    site its target was last seen at, else '-' (not yet seen anywhere)."""
    current: dict[str, str] = {}
    for key, target in targets.items():
        site = getattr(target, "site", None)
        if site:
            current[key] = site
    sites: dict[str, str] = {}
    for op in ops:
        location = getattr(op.args, "location", None)
        if op.kind == "observe" and isinstance(location, str):
            current[op.target] = site_of(location)
        elif isinstance(op.args, RegisterLocationArgs) and op.target not in current:
            current[op.target] = site_of(op.args.path)  # where the tag hangs
        sites[op.op_id] = current.get(op.touches[0], UNSITED)
    return sites
