"""The facts a certificate of sanitization and disposition states, for one asset, a batch of
assets or every asset a pallet carried (laid out as a PDF by sync.server.certificate_pdf).

The facts come from the asset's folded state and the log entries it cites (register, each
storage device's sanitize record, the dispose record, the custody handoffs of the asset and of
the pallets that carried it). Each cited entry is printed with its log partition, position and
hash, so anyone can hold the certificate against `tagtrail server verify` / GET /v1/verify.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, or_, select

from assets.merge import AssetFold, AssetState, PalletState
from assets.operations import Operation, PalletArgs, parse_operation
from sync.errors import NotFound, StoreError
from sync.server import tables as t
from sync.server.queries import asset_key
from sync.server.reports import cited_dispose_op_id


class NotDisposed(StoreError):
    """A certificate was asked for an asset whose disposition is not recorded yet."""

    status, code = 409, "not_disposed"


@dataclass(frozen=True, slots=True)
class Entry:
    """A log entry the certificate cites."""

    partition: str
    position: int
    hash: str
    op: Operation


@dataclass(frozen=True, slots=True)
class Handoff:
    entry: Entry
    via: str | None  # the pallet whose handoff moved the asset, None for the asset's own


@dataclass
class CertificateFacts:
    state: AssetState
    register: Entry | None
    sanitized: dict[str, Entry]  # storage serial -> the record the fold kept
    unsanitized: list[str]  # storage serials that need a record and have none
    dispose: Entry | None
    handoffs: list[Handoff] = field(default_factory=list)

    @property
    def cited(self) -> list[Entry]:
        entries = [self.register, *self.sanitized.values(), self.dispose]
        entries += [h.entry for h in self.handoffs]
        unique = {e.position: e for e in entries if e is not None}
        return [unique[p] for p in sorted(unique)]


def _entry(row: Any) -> Entry:
    return Entry(row.partition, int(row.position), row.hash, parse_operation(json.loads(row.body)))


_COLUMNS = (t.oplog.c.partition, t.oplog.c.position, t.oplog.c.hash, t.oplog.c.body)
_FOLD_ORDER = (t.oplog.c.hlc, t.oplog.c.device_id, t.oplog.c.device_seq)


def _pallet_handoffs(conn: Connection, pallet: str, start: str, end: str | None) -> list[Entry]:
    query = select(*_COLUMNS).where(
        t.oplog.c.kind == "handoff", t.oplog.c.target == pallet, t.oplog.c.hlc >= start
    )
    if end is not None:
        query = query.where(t.oplog.c.hlc < end)
    return [_entry(r) for r in conn.execute(query.order_by(*_FOLD_ORDER))]


def gather(conn: Connection, tag: str) -> CertificateFacts:
    """The facts a certificate states; NotFound / NotDisposed when there is nothing to certify."""
    key = asset_key(tag)
    row = conn.execute(select(t.assets.c.state).where(t.assets.c.key == key)).first()
    if row is None:
        raise NotFound(f"no asset {key}")
    state = AssetState.from_dict(json.loads(row.state))
    if state.disposition is None:
        raise NotDisposed(
            f"{key} has no disposition recorded yet (status {state.status}): a certificate "
            "can be issued once it has been disposed of"
        )
    wanted = {op for op in (state.register_op, cited_dispose_op_id(conn, state)) if op}
    wanted |= {record[2] for record in state.sanitized.values()}
    by_id: dict[str, Entry] = {}
    handoffs: list[Handoff] = []
    on_pallet: dict[str, str] = {}  # pallet -> hlc it was loaded at
    carried: list[tuple[str, str, str | None]] = []  # pallet, from hlc, to hlc
    rows = conn.execute(
        select(*_COLUMNS)
        .where(or_(t.oplog.c.fold_a == key, t.oplog.c.fold_b == key))
        .order_by(*_FOLD_ORDER)
    )
    for r in rows:  # one asset's history: streamed, only the cited entries kept
        entry = _entry(r)
        op = entry.op
        if op.op_id in wanted:
            by_id[op.op_id] = entry
        if op.kind == "handoff" and op.target == key:
            handoffs.append(Handoff(entry, None))
        elif op.kind == "load" and isinstance(op.args, PalletArgs):
            on_pallet[op.args.pallet] = str(op.hlc)
        elif op.kind == "unload" and isinstance(op.args, PalletArgs):
            start = on_pallet.pop(op.args.pallet, None)
            if start is not None:
                carried.append((op.args.pallet, start, str(op.hlc)))
    carried += [(pallet, start, None) for pallet, start in on_pallet.items()]
    for pallet, start, end in carried:
        handoffs += [Handoff(e, pallet) for e in _pallet_handoffs(conn, pallet, start, end)]
    handoffs.sort(key=lambda h: h.entry.op.sort_key)
    required = AssetFold(key, state=state).required_sanitizations()
    dispose_id = cited_dispose_op_id(conn, state)
    return CertificateFacts(
        state=state,
        register=by_id.get(state.register_op or ""),
        sanitized={s: by_id[rec[2]] for s, rec in sorted(state.sanitized.items())},
        unsanitized=[s for s in required if s not in state.sanitized],
        dispose=by_id.get(dispose_id or ""),
        handoffs=handoffs,
    )


def gather_many(conn: Connection, tags: Sequence[str]) -> list[CertificateFacts]:
    """Each asset's facts, in the order given (a tag given twice once); all or nothing:
    NotFound / NotDisposed name the first asset that cannot be certified."""
    seen: set[str] = set()
    out: list[CertificateFacts] = []
    for tag in tags:
        key = asset_key(tag.strip())
        if key not in seen:
            seen.add(key)
            out.append(gather(conn, key))
    return out


@dataclass
class PalletFacts:
    state: PalletState
    certified: list[CertificateFacts]  # the disposed assets it carried
    pending: list[str]  # the keys of those not disposed of yet


def _carried(conn: Connection, key: str) -> list[str]:
    """Every asset ever loaded on the pallet, in the order they were first loaded."""
    rows = conn.execute(
        select(t.oplog.c.fold_a, t.oplog.c.position)
        .where(t.oplog.c.fold_b == key, t.oplog.c.kind == "load")
        .order_by(t.oplog.c.position)
    )
    return list(dict.fromkeys(row.fold_a for row in rows))


def gather_pallet(conn: Connection, tag: str) -> PalletFacts:
    """The facts of every asset the pallet carried; NotDisposed when none is disposed of yet."""
    key = tag if tag.startswith("pallet:") else f"pallet:{tag}"
    row = conn.execute(select(t.pallets.c.data).where(t.pallets.c.key == key)).first()
    if row is None:
        raise NotFound(f"no pallet {key}")
    state = PalletState.from_dict(json.loads(row.data))
    carried = list(dict.fromkeys([*_carried(conn, key), *state.manifest]))
    certified: list[CertificateFacts] = []
    pending: list[str] = []
    for asset in carried:
        try:
            certified.append(gather(conn, asset))
        except NotDisposed:
            pending.append(asset)
        except NotFound:
            pending.append(asset)  # loaded, never registered: nothing to certify
    if not certified:
        raise NotDisposed(
            f"none of the {len(carried)} assets {key} carried has a disposition recorded yet"
        )
    return PalletFacts(state, certified, pending)
