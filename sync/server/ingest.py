"""Ingest: one push batch in one database transaction, in named steps.

1. `prepare` (outside the transaction): each operation is parsed by the domain core (the slow
   part), so the write lock is held only for database work and folding. Text the store cannot
   keep (NUL, lone surrogates) makes the operation invalid here, on both databases.
2. `check_batch`: sort by seq; a batch larger than allowed is 413, a hole in it 409.
3. The partition row is locked (`SELECT … FOR UPDATE`; SQLite's BEGIN IMMEDIATE is the same
   lock): log positions, change-feed positions and the hash chain are assigned while it is
   held, so positions commit in the order they were handed out and a pull never skips one.
4. `classify` (sync.server.classify): replays, repeats, reused op_ids, invalid operations,
   actors, roles and decisions are answered; the rest is accepted.
5. `take`: accepted operations are appended to the log (hash-chained) and folded into their
   targets; a decision the fold cannot apply (e.g. its clock sorts before the operations that
   raised its conflict) is taken back out and rejected, so no decision is `applied` without
   effect. Then the projections are saved and the new chain head is signed.
6. `advance`: refusals are written, the device's cursor and the partition counters move on.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import orjson
from pydantic import TypeAdapter
from sqlalchemy import Connection, insert, select, update

from assets.errors import InvalidOperation
from assets.locations import site_of
from assets.merge import NO_EFFECT
from assets.operations import Operation, RegisterLocationArgs, ResolveArgs, parse_operation
from sync.errors import SequenceGap, TooLarge
from sync.protocol import (
    REJECT_NO_EFFECT,
    OpResult,
    PushResponse,
    SignedHead,
    UserView,
    WireOperation,
    first_text_fault,
    storable,
    text_fault,
)
from sync.server import store_settings
from sync.server import tables as t
from sync.server.auth import device_actors
from sync.server.bulk import insert_rows
from sync.server.chain import canonical_json, entry_hash
from sync.server.classify import Prepared, classify
from sync.server.db import is_postgres, writing
from sync.server.projections import (
    UNSITED,
    Positions,
    Target,
    fold_batch,
    load_targets,
    op_verdicts,
    save_targets,
)
from sync.server.signing import write_head_file
from sync.server.store import Store
from sync.server.verdicts import BatchVerdicts

__all__ = ["Prepared", "check_batch", "ingest", "lock_partition", "prepare", "push"]

_RESULTS = TypeAdapter(list[OpResult])

# Pushes worked on at once in one process: one parsing while another writes. More only make
# threads fight over the GIL while the writer holds the partition lock.
_PUSHES = threading.BoundedSemaphore(2)


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
            body = _body_of(op) if op is not None else None
            if body is not None and _unstorable(body):
                op, fault, body = None, _text_fault_of(wire), None
        except InvalidOperation as exc:
            op, fault = None, exc
        op_id = wire["op_id"]
        prepared.append(
            Prepared(wire, storable(str(op_id)), int(wire["device_seq"]), op, fault, body)
        )
    return prepared


def _body_of(op: Operation) -> str:
    """The log row's canonical JSON (chain.canonical_json). Every envelope field of a parsed
    operation is text or a whole number, so when its args hold only texts no float can be in
    it and orjson writes the canonical text at once, without walking it for floats."""
    data = op.to_dict()
    if all(type(value) is str for value in op.wire_args.values()):
        try:
            return orjson.dumps(data, option=orjson.OPT_SORT_KEYS).decode()
        except TypeError:
            pass  # a lone surrogate, or a number beyond 64 bits: the standard encoder writes it
    return canonical_json(data)


def _unstorable(body: str) -> bool:
    """Whether a parsed operation's JSON carries a NUL (escaped) or a lone surrogate; the
    domain core refuses them in every field it reads, this catches whatever it keeps unread."""
    return "\\u0000" in body or text_fault(body) is not None


def _text_fault_of(wire: Mapping[str, object]) -> InvalidOperation:
    found = first_text_fault(dict(wire))
    where, why = found if found else ("operation", "holds text the store cannot keep")
    return InvalidOperation(where, f"{why}: rescan or retype it")


def check_batch(prepared: Sequence[Prepared], max_ops: int) -> list[Prepared]:
    """Sort by seq; refuse an oversized batch or one with a hole inside it. A seq repeated in
    the batch is answered per operation (sync.server.classify)."""
    if len(prepared) > max_ops:
        raise TooLarge(
            f"a batch holds at most {max_ops} operations, this one {len(prepared)}: split it",
            max_ops=max_ops,
        )
    batch = sorted(prepared, key=lambda p: p.seq)
    for before, after in itertools.pairwise(batch):
        if after.seq > before.seq + 1:
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
    pusher: UserView | None = None,
    also: Callable[[Connection], None] | None = None,
) -> PushResponse:
    """Take a device's batch. `pusher` is the person whose token came with it: a valid actor
    besides everyone with a live sign-in on the device. `also` writes in the same transaction,
    after the batch (the device's last contact), so a push costs one commit."""
    with _PUSHES:
        batch = check_batch(prepare(ops), store.settings.max_batch_ops)
        with writing(store.engine) as conn:
            actors = device_actors(conn, device_id, store.now_ms())
            if pusher is not None and pusher.active:
                actors[pusher.username] = pusher.role
            results, head = ingest(conn, store, device_id, batch, actors)
            acked = _acked(conn, device_id)
            if also is not None:
                also(conn)
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


@dataclass(frozen=True)
class Chain:
    """The partition's counters while a batch is taken: last log position and hash, last
    change-feed position."""

    log_position: int
    log_hash: str
    change_position: int


@dataclass(frozen=True)
class Appended:
    """A batch written to the log and folded: its targets, each operation's site, the chain."""

    targets: dict[str, Target]
    sites: dict[str, str]
    chain: Chain


def ingest(
    conn: Connection,
    store: Store,
    device_id: str,
    batch: Sequence[Prepared],
    actors: Mapping[str, str],
) -> tuple[list[OpResult], SignedHead | None]:
    """Take a checked, seq-ordered batch inside the caller's write transaction.

    `actors` (username -> role) are the people whose operations the device may carry."""
    chain = Chain(*lock_partition(conn, store.settings.partition))
    if not batch:
        return [], None
    acked = _acked(conn, device_id)
    _check_start(batch, acked)
    verdicts = BatchVerdicts(device_id, store.now_ms(), len(batch))
    accepted = classify(conn, verdicts, batch, acked, actors)
    head = None
    if accepted:
        chain, head = take(conn, store, verdicts, accepted, chain)
    advance(conn, store, verdicts, device_id, batch[-1].seq, acked, chain)
    return verdicts.in_order(), head


def _check_start(batch: Sequence[Prepared], acked: int) -> None:
    if batch[0].seq > acked + 1:
        raise SequenceGap(
            f"expected device_seq {acked + 1} next, the batch starts at {batch[0].seq}: "
            f"resend from {acked + 1}",
            expected_seq=acked + 1,
            acked_through=acked,
        )


def take(
    conn: Connection,
    store: Store,
    verdicts: BatchVerdicts,
    accepted: list[tuple[int, Prepared]],
    chain: Chain,
) -> tuple[Chain, SignedHead | None]:
    """Append the accepted operations, fold them and save the projections; sign the head.

    A batch holding decisions is folded inside a savepoint first: a decision the fold cannot
    apply is rolled back out of it and rejected with the fold's reason, then the rest again."""
    while any(p.op is not None and isinstance(p.op.args, ResolveArgs) for _, p in accepted):
        savepoint = conn.begin_nested()
        appended = append(conn, store, accepted, chain, verdicts.now_ms)
        unapplied = _unapplied_decisions(accepted, appended.targets)
        if not unapplied:
            savepoint.commit()
            return project(conn, store, verdicts, accepted, appended)
        savepoint.rollback()
        for index, p, why in unapplied:
            verdicts.reject(
                index, op_id=p.op_id, seq=p.seq, wire=p.wire, code=REJECT_NO_EFFECT, reason=why
            )
        dropped = {index for index, _, _ in unapplied}
        accepted = [(i, p) for i, p in accepted if i not in dropped]
    if not accepted:
        return chain, None
    appended = append(conn, store, accepted, chain, verdicts.now_ms)
    return project(conn, store, verdicts, accepted, appended)


def append(
    conn: Connection,
    store: Store,
    accepted: list[tuple[int, Prepared]],
    chain: Chain,
    now_ms: int,
) -> Appended:
    """Write the accepted operations to the log (hash-chained) and fold them into their
    targets, as loaded from the projections."""
    settings = store.settings
    ops = [p.op for _, p in accepted if p.op is not None]
    bodies = [p.body for _, p in accepted if p.op is not None]
    targets = load_targets(conn, {key for op in ops for key in op.touches})
    sites = _sites(ops, targets)
    position, log_hash = chain.log_position, chain.log_hash
    rows = []
    for op, prepared_body in zip(ops, bodies, strict=True):
        position += 1
        body = prepared_body or canonical_json(op.to_dict())
        log_hash = entry_hash(
            log_hash,
            position=position,
            partition=settings.partition,
            site=sites[op.op_id],
            received_ms=now_ms,
            body=body,
        )
        rows.append(
            _log_row(op, position, settings.partition, sites[op.op_id], body, now_ms, log_hash)
        )
    insert_rows(conn, t.oplog, rows)
    fold_batch(conn, targets, ops, store_settings.merge_rules(conn, settings.rules))
    return Appended(targets, sites, replace(chain, log_position=position, log_hash=log_hash))


def _log_row(  # noqa: PLR0917 - one log row is all of these
    op: Operation, position: int, partition: str, site: str, body: str, now_ms: int, log_hash: str
) -> dict[str, object]:
    touches = op.touches
    return {
        "position": position,
        "partition": partition,
        "site": site,
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
        "received_ms": now_ms,
        "hash": log_hash,
    }


def _unapplied_decisions(
    accepted: list[tuple[int, Prepared]], targets: Mapping[str, Target]
) -> list[tuple[int, Prepared, str]]:
    """Decisions the fold left without effect, with a sentence saying why."""
    unapplied = []
    for index, p in accepted:
        op = p.op
        if op is None or not isinstance(op.args, ResolveArgs):
            continue
        result = targets[op.args.on].result
        if result is None or result.effects.get(op.op_id) != NO_EFFECT:
            continue
        note = result.notes.get(op.op_id) or "it changes nothing"
        unapplied.append(
            (
                index,
                p,
                f"this decision cannot take effect ({note}): its clock stamp {op.hlc} sorts "
                f"before the operations that raised conflict {op.args.conflict_id}; decide again",
            )
        )
    return unapplied


def project(
    conn: Connection,
    store: Store,
    verdicts: BatchVerdicts,
    accepted: list[tuple[int, Prepared]],
    appended: Appended,
) -> tuple[Chain, SignedHead]:
    """Save the folded targets, answer the accepted operations and sign the new head."""
    settings = store.settings
    ops = [p.op for _, p in accepted if p.op is not None]
    targets, chain = appended.targets, appended.chain
    positions = Positions(chain.change_position)
    save_targets(conn, targets, ops, positions, appended.sites)
    first = chain.log_position - len(ops) + 1
    verdict_of = op_verdicts(ops, targets)
    applied = []
    for offset, op in enumerate(ops):
        status, note, ids = verdict_of[op.op_id]
        applied.append(
            {
                "op_id": op.op_id,
                "device_seq": op.device_seq,
                "status": status,
                "reason": note,
                "position": first + offset,
                "conflicts": ids,
            }
        )
    # One validating call for the whole batch: far cheaper than one model per operation.
    for (index, _), result in zip(accepted, _RESULTS.validate_python(applied), strict=True):
        verdicts.answer(index, result)
    head = store.signer.sign(settings.partition, chain.log_position, chain.log_hash)
    conn.execute(insert(t.heads).values(**head.model_dump()))
    return replace(chain, change_position=positions.last), head


def advance(  # noqa: PLR0917 - the step's inputs, each named
    conn: Connection,
    store: Store,
    verdicts: BatchVerdicts,
    device_id: str,
    last_seq: int,
    acked: int,
    chain: Chain,
) -> None:
    """Write the refusals, move the device's cursor past the batch, store the counters."""
    verdicts.write_refusals(conn)
    if last_seq > acked:
        conn.execute(
            update(t.devices)
            .where(t.devices.c.device_id == device_id)
            .values(acked_through=last_seq)
        )
    conn.execute(
        update(t.partitions)
        .where(t.partitions.c.name == store.settings.partition)
        .values(
            log_position=chain.log_position,
            log_hash=chain.log_hash,
            change_position=chain.change_position,
        )
    )


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
