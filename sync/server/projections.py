"""Projections: each target's state and conflicts, kept up to date by the domain core's fold.

For every target a batch touches, the stored state resumes and the batch's operations are
applied in fold order — unless one of them sorts before the last operation already folded
(it arrived late): then the target is refolded from all its operations in the log. Either way
the result equals folding the whole log, which `rebuild` does from scratch (tests compare).

Every entity that changes gets the next change-feed position of the partition; pull pages on it.
Conflicts a refold no longer derives are marked `withdrawn`, never deleted, so every device
hears about them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import Connection, Table, bindparam, insert, or_, select, update

from assets.conflicts import Conflict, Side
from assets.hlc import Stamp, parse_stamp
from assets.locations import Location, parse_location, site_of
from assets.merge import (
    FLAGGED,
    AssetState,
    FoldResult,
    LocationState,
    MergeRules,
    PalletState,
    TargetState,
    ordered,
)
from assets.operations import (
    ObserveArgs,
    Operation,
    RegisterLocationArgs,
    parse_operation,
)
from assets.targets import ASSET, LOCATION_TAG, PALLET, AnyFold, kind_of, new_fold, state_from_dict
from sync.server import disposals, report_aggregates
from sync.server import tables as t
from sync.server.asset_fields import save_fields
from sync.server.bulk import insert_rows, select_in, update_rows
from sync.server.chain import canonical_json
from sync.server.report_aggregates import Counted, counted

SortKey = tuple[Stamp, str, int]
UNSITED = "-"


def sort_text(key: SortKey) -> str:
    return f"{key[0]}|{key[2]}|{key[1]}"


def parse_sort(text: str) -> SortKey:
    hlc, seq, device = text.split("|", 2)
    return (parse_stamp(hlc), device, int(seq))


def state_json(data: dict[str, object]) -> str:
    """A projection row's state as JSON (sorted keys). Not hashed, so orjson's speed is free to
    take; the log's bodies keep chain.canonical_json, whose exact bytes the hash chain covers."""
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS).decode()


def site_of_location(location: str | None) -> str | None:
    return site_of(location) if location else None


@dataclass
class Target:
    """One asset, pallet or location tag as loaded from the projection, and what happens to it
    in a batch."""

    key: str
    state: TargetState | None
    last_sort: SortKey | None
    site: str | None
    conflicts: dict[str, Conflict] = field(default_factory=dict)
    conflict_status: dict[str, str] = field(default_factory=dict)  # id -> stored status
    result: FoldResult | None = None
    refolded: bool = False
    existed: bool = False
    was_disposed: bool = False  # as loaded: the report counted it
    was_at: str | None = None  # as loaded: the location it counted at
    was_counted: Counted | None = None  # as loaded: the (site, status) it counted under
    stored: dict[str, Any] = field(default_factory=dict)  # as loaded: its indexed columns


class Positions:
    """Hands out change-feed positions of one partition inside the ingest transaction."""

    def __init__(self, last: int) -> None:
        self.last = last

    def next(self) -> int:
        self.last += 1
        return self.last


# Each kind of target's projection table and the column holding its folded state.
PROJECTIONS: dict[str, tuple[Table, str]] = {
    ASSET.name: (t.assets, "state"),
    PALLET.name: (t.pallets, "data"),
    LOCATION_TAG.name: (t.location_tags, "state"),
}


def projection_of(key: str) -> tuple[Table, str]:
    """The projection table holding a target key's folded state, and its state column."""
    return PROJECTIONS[kind_of(key).name]


# An asset's indexed columns besides its key and position: an UPDATE sets them only when they
# change (SQLite rewrites an index entry for every column it sets, changed or not; an observe
# changes only its location), so they are read back with the state.
ASSET_INDEXED = ("site", "tag_upper", "serial", "status", "location")


def load_targets(conn: Connection, keys: Iterable[str]) -> dict[str, Target]:
    keys = sorted(set(keys))
    targets = {k: Target(k, None, None, None) for k in keys}
    for name, (table, column) in PROJECTIONS.items():
        wanted = [k for k in keys if kind_of(k).name == name]
        asset = table is t.assets
        extra = ASSET_INDEXED[1:] if asset else ()
        for key, data, last_sort, site, *indexed in select_in(
            conn, table, ("key", column, "last_sort", "site", *extra), "key", wanted
        ):
            state = state_from_dict(key, orjson.loads(data))
            targets[key] = target = Target(key, state, parse_sort(last_sort), site, existed=True)
            if isinstance(state, AssetState):
                target.was_disposed = state.disposition is not None
                target.was_at = state.location
                target.was_counted = counted(site, state.status)
                target.stored = dict(zip(ASSET_INDEXED, (site, *indexed), strict=True))
    for key, cid, status, body in select_in(
        conn, t.conflicts, ("target", "id", "status", "body"), "target", keys
    ):
        target = targets[key]
        target.conflict_status[cid] = status
        if status != "withdrawn":
            target.conflicts[cid] = Conflict.from_dict(json.loads(body))
    return targets


def _chunks(items: Sequence[str], size: int = 500) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def log_ops_for(conn: Connection, key: str) -> list[Operation]:
    rows = conn.execute(
        select(t.oplog.c.body).where(or_(t.oplog.c.fold_a == key, t.oplog.c.fold_b == key))
    )
    return [parse_operation(json.loads(row.body)) for row in rows]


def _new_fold(target: Target, rules: MergeRules, resume: bool) -> AnyFold:
    if resume:
        return new_fold(target.key, rules, target.state, target.conflicts)
    return new_fold(target.key, rules)


def fold_batch(
    conn: Connection, targets: dict[str, Target], ops: Sequence[Operation], rules: MergeRules
) -> None:
    """Fold the batch's operations into each target (their log rows are already written)."""
    by_key: dict[str, list[Operation]] = {}
    for op in ops:
        for key in op.touches:
            by_key.setdefault(key, []).append(op)
    for key, key_ops in by_key.items():
        target = targets[key]
        batch = ordered(key_ops)
        resume = target.last_sort is None or batch[0].sort_key > target.last_sort
        if resume:
            fold = _new_fold(target, rules, resume=target.state is not None)
            for op in batch:
                fold.apply(op)
        else:
            # A late operation: refold the whole target from the log, in fold order.
            fold = _new_fold(target, rules, resume=False)
            for op in ordered(log_ops_for(conn, key)):
                fold.apply(op)
            target.refolded = True
        target.result = fold.result
        target.state = fold.result.state
        last = batch[-1].sort_key
        target.last_sort = last if target.last_sort is None else max(last, target.last_sort)


def op_verdicts(
    ops: Sequence[Operation], targets: dict[str, Target]
) -> dict[str, tuple[str, str | None, list[str]]]:
    """op_id -> (applied|flagged, note, conflict ids) across the targets each op touched."""
    # Which conflicts name each operation (as a side or as the decision), per target, once.
    named: dict[str, dict[str, set[str]]] = {}
    for key, target in targets.items():
        if target.result is None or not target.result.conflicts:
            continue
        index: dict[str, set[str]] = {}
        for conflict in target.result.conflicts.values():
            for op_id in (*conflict.op_ids, conflict.decided_by):
                if op_id:
                    index.setdefault(op_id, set()).add(conflict.id)
        named[key] = index
    verdicts = {}
    for op in ops:
        status, note, ids = "applied", None, set[str]()
        for key in op.touches:
            result = targets[key].result
            if result is None:
                continue
            if result.effects.get(op.op_id) == FLAGGED:
                status = "flagged"
            note = note or result.notes.get(op.op_id)
            if key in named:
                ids.update(named[key].get(op.op_id, ()))
        verdicts[op.op_id] = (status, note, sorted(ids))
    return verdicts


@dataclass
class OpContext:
    """What a conflict side shows about its operation: who, when, where, which device."""

    kind: str
    actor: str
    device_id: str
    hlc: str
    location: str | None
    args: dict[str, Any]


def _context_of(op: Operation) -> OpContext:
    location = None
    if isinstance(op.args, ObserveArgs):
        location = op.args.location
    elif isinstance(op.args, RegisterLocationArgs):
        location = op.args.path  # a location tag's claim: the place it says the tag marks
    return OpContext(op.kind, op.actor, op.device_id, str(op.hlc), location, dict(op.wire_args))


def stamp_iso(hlc: str) -> str | None:
    try:
        ms = parse_stamp(hlc).wall_ms
    except ValueError:
        return None
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="seconds")


def _asset_row(key: str, state: AssetState, target: Target) -> dict[str, Any]:
    assert target.last_sort is not None
    return {
        "b_key": key,
        "tag_upper": key.removeprefix("asset:").upper(),
        "site": site_of_location(state.location),
        "serial": state.serial.upper() if state.serial else None,
        "status": state.status,
        "location": state.location,
        "grade": state.grade,
        "grade_disputed": state.grade_disputed,
        "pallet": state.pallet,
        "custodian": state.custodian,
        "version": state.version,
        "last_sort": sort_text(target.last_sort),
        "state": state_json(state.to_dict()),
    }


def _tag_row(key: str, state: LocationState, target: Target) -> dict[str, Any]:
    assert target.last_sort is not None
    return {
        "b_key": key,
        "tag": key.removeprefix("location:"),
        "path": state.path,
        "name": state.name,
        "site": site_of_location(state.path) or target.site,
        "version": state.version,
        "last_sort": sort_text(target.last_sort),
        "state": state_json(state.to_dict()),
    }


def _pallet_row(key: str, state: PalletState, target: Target, site: str | None) -> dict[str, Any]:
    assert target.last_sort is not None
    return {
        "b_key": key,
        "site": target.site or site,
        "state": state.state,
        "custodian": state.custodian,
        "version": state.version,
        "last_sort": sort_text(target.last_sort),
        "data": state_json(state.to_dict()),
    }


def _row_of(
    target: Target, batch_ops: Sequence[Operation], op_sites: dict[str, str]
) -> tuple[Table, dict[str, Any]]:
    """The projection table a folded target is written to, and its row."""
    assert target.result is not None
    state = target.result.state
    if isinstance(state, AssetState):
        return t.assets, _asset_row(target.key, state, target)
    if isinstance(state, LocationState):
        return t.location_tags, _tag_row(target.key, state, target)
    assert isinstance(state, PalletState)
    first_site = next((op_sites[op.op_id] for op in batch_ops if target.key in op.touches), None)
    return t.pallets, _pallet_row(target.key, state, target, first_site)


def _conflict_changes(
    target: Target, site: str | None
) -> list[tuple[Conflict, str, str | None, bool]]:
    """The conflicts of a folded target whose stored row must change: (conflict, status, site,
    stored before)."""
    assert target.result is not None
    derived = target.result.conflicts
    changes = []
    for cid, conflict in derived.items():
        stored = target.conflict_status.get(cid)
        status = "open" if conflict.is_open else "decided"
        before = target.conflicts.get(cid)
        if stored == status and before is not None and before.decided_by == conflict.decided_by:
            continue
        changes.append((conflict, status, site, stored is not None))
    if target.refolded:
        for cid, stored in target.conflict_status.items():
            if cid not in derived and stored != "withdrawn":
                changes.append((target.conflicts[cid], "withdrawn", site, True))
    return changes


def save_targets(
    conn: Connection,
    targets: dict[str, Target],
    batch_ops: Sequence[Operation],
    positions: Positions,
    op_sites: dict[str, str],
) -> None:
    """Write every changed target, its conflicts, the locations the batch observed, the
    location counts and the report's aggregates."""
    writes: dict[Table, tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {
        table: ([], []) for table in (t.assets, t.pallets, t.location_tags)
    }
    conflict_rows: list[tuple[Conflict, str, str | None, bool]] = []
    for _key, target in sorted(targets.items()):
        if target.result is None:
            continue
        table, row = _row_of(target, batch_ops, op_sites)
        row["position"] = positions.next()
        target.site = row["site"]
        conflict_rows += _conflict_changes(target, row["site"])
        if target.existed and target.stored:
            row = _changed_only(row, target.stored)
        writes[table][1 if target.existed else 0].append(row)
    for table, (inserts, updates) in writes.items():
        _write(conn, table, inserts, updates)
    states = {key: target.state for key, target in targets.items()}
    save_fields(conn, states, batch_ops, {key for key, tg in targets.items() if tg.existed})
    if conflict_rows:
        _save_conflicts(conn, conflict_rows, batch_ops, targets, positions)
    _save_locations(conn, batch_ops, positions)
    changed = {
        key: target.result.state
        for key, target in targets.items()
        if target.result is not None and isinstance(target.result.state, AssetState)
    }
    _count_locations(conn, [targets[key] for key in changed])
    was_disposed = [key for key in changed if targets[key].was_disposed]
    disposals.maintain(conn, list(changed.values()), was_disposed)
    _maintain_report_aggregates(conn, [targets[key] for key in changed])


def _maintain_report_aggregates(conn: Connection, changed: Sequence[Target]) -> None:
    """The stock reports' counts and idle assets (sync.server.report_aggregates)."""
    rows = []
    for target in changed:
        assert target.result is not None and isinstance(target.result.state, AssetState)
        rows.append((target.result.state, target.site, target.was_counted))
    report_aggregates.maintain(conn, rows)


def _count_locations(conn: Connection, changed: Sequence[Target]) -> None:
    """Move each changed asset's count from the place it was at to the place it is at."""
    deltas: dict[str, int] = {}
    for target in changed:
        assert target.result is not None
        now = getattr(target.result.state, "location", None)
        if now == target.was_at:
            continue
        if target.was_at:
            deltas[target.was_at] = deltas.get(target.was_at, 0) - 1
        if now:
            deltas[now] = deltas.get(now, 0) + 1
    params = [{"b_key": k, "delta": d} for k, d in sorted(deltas.items()) if d]
    if params:
        conn.execute(
            update(t.locations)
            .where(t.locations.c.key == bindparam("b_key"))
            .values(asset_count=t.locations.c.asset_count + bindparam("delta")),
            params,
        )


def _changed_only(row: dict[str, Any], stored: dict[str, Any]) -> dict[str, Any]:
    """An update's row without the indexed columns whose stored value it already has."""
    return {name: value for name, value in row.items() if stored.get(name, row) != value}


def _write(
    conn: Connection, table: Any, inserts: list[dict[str, Any]], updates: list[dict[str, Any]]
) -> None:
    insert_rows(conn, table, [_unbind(r) for r in inserts])
    # One statement per set of columns: most of a batch shares one (an observe's location).
    alike: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in updates:
        alike.setdefault(tuple(row), []).append(row)
    for rows in alike.values():
        update_rows(conn, table, rows)


def _unbind(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    out["key"] = out.pop("b_key")
    return out


def _save_conflicts(
    conn: Connection,
    rows: list[tuple[Conflict, str, str | None, bool]],
    batch_ops: Sequence[Operation],
    targets: dict[str, Target],
    positions: Positions,
) -> None:
    wanted = {op_id for c, _, _, _ in rows for op_id in (*c.op_ids, c.decided_by) if op_id}
    # Context only for the operations a conflict shows: most of a batch raises none.
    contexts = {op.op_id: _context_of(op) for op in batch_ops if op.op_id in wanted}
    missing = sorted(wanted - set(contexts))
    for chunk in _chunks(missing):
        for row in conn.execute(select(t.oplog.c.body).where(t.oplog.c.op_id.in_(chunk))):
            contexts[_op_id(row.body)] = _context_of(parse_operation(json.loads(row.body)))
    for conflict, status, site, known in rows:
        position = positions.next()
        state = targets[conflict.target].result
        where_now = getattr(state.state, "location", None) if state else None
        sides = [_side_view(side, contexts.get(side.op_id), where_now) for side in conflict.sides]
        decision = contexts.get(conflict.decided_by or "")
        values: dict[str, Any] = {
            "type": conflict.type,
            "target": conflict.target,
            "site": site,
            "status": status,
            "body": canonical_json(conflict.to_dict()),
            "sides": canonical_json({"sides": sides}),
            "decided_by": conflict.decided_by if status == "decided" else None,
            "decision_value": (
                canonical_json(decision.args.get("value") or {}) if decision else None
            ),
            "decision_note": decision.args.get("note") if decision else None,
            "decided_actor": decision.actor if decision else None,
            "position": position,
        }
        if known:
            conn.execute(update(t.conflicts).where(t.conflicts.c.id == conflict.id).values(values))
        else:
            conn.execute(
                insert(t.conflicts).values(id=conflict.id, raised_position=position, **values)
            )


def _op_id(body: str) -> str:
    return str(json.loads(body)["op_id"])


def _side_view(side: Side, ctx: OpContext | None, where_now: str | None) -> dict[str, Any]:
    if ctx is None:
        return {"op_id": side.op_id, "value": side.value}
    return {
        "op_id": side.op_id,
        "value": side.value,
        "kind": ctx.kind,
        "actor": ctx.actor,
        "device_id": ctx.device_id,
        "hlc": ctx.hlc,
        "at": stamp_iso(ctx.hlc),
        "where": ctx.location or where_now,
    }


def _save_locations(conn: Connection, ops: Sequence[Operation], positions: Positions) -> None:
    seen: dict[str, int] = {}
    observed = {op.args.location for op in ops if isinstance(op.args, ObserveArgs)}
    # A place a location tag is said to mark is a known place too.
    observed |= {op.args.path for op in ops if isinstance(op.args, RegisterLocationArgs)}
    for path in sorted(observed - set(seen)):
        place: Location | None = parse_location(path)
        while place is not None:
            seen.setdefault(place.key, 0)
            place = place.parent()
    if not seen:
        return
    known = {key for (key,) in select_in(conn, t.locations, ("key",), "key", sorted(seen))}
    rows = []
    for key in sorted(set(seen) - known):
        location = parse_location(key)
        position = positions.next()
        rows.append(
            {
                "key": key,
                "site": location.site,
                "level": location.level,
                "first_position": position,
                "position": position,
            }
        )
    insert_rows(conn, t.locations, rows)


def rebuild(
    conn: Connection, rules: MergeRules, on_progress: Callable[[int], None] | None = None
) -> dict[str, dict[str, Any]]:
    """Fold every target from the log alone: {key: {"state": ..., "conflicts": {id: ...}}}.

    For tests and audits: compares with the live projection. Streams the log target by target.
    """
    keys: set[str] = set()
    for row in conn.execute(select(t.oplog.c.fold_a, t.oplog.c.fold_b)):
        keys.add(row.fold_a)
        if row.fold_b:
            keys.add(row.fold_b)
    out: dict[str, dict[str, Any]] = {}
    for count, key in enumerate(sorted(keys)):
        if key.startswith("conflict:"):
            continue
        target = Target(key, None, None, None)
        fold = _new_fold(target, rules, resume=False)
        for op in ordered(log_ops_for(conn, key)):
            fold.apply(op)
        out[key] = {
            "state": fold.result.state.to_dict(),
            "conflicts": {cid: c.to_dict() for cid, c in fold.result.conflicts.items()},
        }
        if on_progress:
            on_progress(count)
    return out


def live(conn: Connection) -> dict[str, dict[str, Any]]:
    """The live projection in the same shape as `rebuild` (withdrawn conflicts left out)."""
    out: dict[str, dict[str, Any]] = {}
    for row in conn.execute(select(t.assets.c.key, t.assets.c.state)):
        out[row.key] = {"state": json.loads(row.state), "conflicts": {}}
    for pallet in conn.execute(select(t.pallets.c.key, t.pallets.c.data)):
        out[pallet.key] = {"state": json.loads(pallet.data), "conflicts": {}}
    for tag in conn.execute(select(t.location_tags.c.key, t.location_tags.c.state)):
        out[tag.key] = {"state": json.loads(tag.state), "conflicts": {}}
    for conflict in conn.execute(
        select(t.conflicts.c.target, t.conflicts.c.id, t.conflicts.c.body).where(
            t.conflicts.c.status != "withdrawn"
        )
    ):
        out[conflict.target]["conflicts"][conflict.id] = json.loads(conflict.body)
    return out
