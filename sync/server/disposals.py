"""The disposition report's aggregates, kept in the push transaction.

Each disposed asset contributes a `Totals` (one asset's outcome, weight, value, commodity and
sanitization counts), computed from its folded state and the dispose record it cites. The
contribution is stored per asset (`disposals`) and summed per site and UTC day
(`disposal_days`). When an asset's fold changes — a late operation refolds it, a supervisor
decides its disputed outcome, it moves to another site — its old contribution is subtracted from
its old day and the new one added to its new day, so a report reads a few rows per day whatever
the size of the log.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, delete, insert, select, tuple_, update

from assets.disposition import REUSE_OUTCOMES
from assets.hlc import parse_stamp
from assets.locations import site_of
from assets.merge import AssetFold, AssetState
from assets.operations import DisposeArgs, parse_operation
from sync.server import tables as t

DAY_MS = 86_400_000
_FOLD_ORDER = (t.oplog.c.hlc, t.oplog.c.device_id, t.oplog.c.device_seq)


@dataclass
class OutcomeSums:
    assets: int = 0
    weighed: int = 0
    weight_kg: Decimal = Decimal(0)
    value: dict[str, tuple[int, Decimal]] = field(default_factory=dict)  # currency -> n, sum

    @property
    def is_empty(self) -> bool:
        # A delta (one contribution taken away, another added) may hold 0 assets but not 0 kg.
        return not (self.assets or self.weighed or self.weight_kg or self.value)


def _add_pair(
    into: dict[Any, tuple[int, Decimal]], key: Any, pair: tuple[int, Decimal], sign: int
) -> None:
    count, amount = into.get(key, (0, Decimal(0)))
    count, amount = count + sign * pair[0], amount + sign * pair[1]
    if count or amount:
        into[key] = (count, amount)
    else:
        into.pop(key, None)  # nothing left: as if it had never been added


@dataclass
class Totals:
    """Sums over disposed assets; one asset's contribution is a Totals of one asset."""

    outcomes: dict[str, OutcomeSums] = field(default_factory=dict)
    commodities: dict[str | None, tuple[int, Decimal]] = field(default_factory=dict)  # recycled
    without_weight: int = 0
    data_bearing: int = 0
    storage_devices: int = 0
    methods: dict[tuple[str, bool], int] = field(default_factory=dict)  # storage devices
    without_record: int = 0
    unverified_reuse: int = 0

    @property
    def assets(self) -> int:
        return sum(o.assets for o in self.outcomes.values())

    def add(self, other: Totals, sign: int = 1) -> None:
        """Add (sign 1) or take away (sign -1) another total."""
        for name, theirs in other.outcomes.items():
            mine = self.outcomes.setdefault(name, OutcomeSums())
            mine.assets += sign * theirs.assets
            mine.weighed += sign * theirs.weighed
            mine.weight_kg += sign * theirs.weight_kg
            for currency, pair in theirs.value.items():
                _add_pair(mine.value, currency, pair, sign)
            if mine.is_empty:
                del self.outcomes[name]
        for commodity, pair in other.commodities.items():
            _add_pair(self.commodities, commodity, pair, sign)
        for method, count in other.methods.items():
            self.methods[method] = self.methods.get(method, 0) + sign * count
            if not self.methods[method]:
                del self.methods[method]
        self.without_weight += sign * other.without_weight
        self.data_bearing += sign * other.data_bearing
        self.storage_devices += sign * other.storage_devices
        self.without_record += sign * other.without_record
        self.unverified_reuse += sign * other.unverified_reuse

    def to_json(self) -> str:
        return json.dumps(
            {
                "outcomes": {
                    name: [o.assets, o.weighed, str(o.weight_kg), _pairs(o.value)]
                    for name, o in sorted(self.outcomes.items())
                },
                "commodities": [[c, n, str(kg)] for c, (n, kg) in _sorted(self.commodities)],
                "methods": [[m, v, n] for (m, v), n in sorted(self.methods.items())],
                "counts": [
                    self.without_weight,
                    self.data_bearing,
                    self.storage_devices,
                    self.without_record,
                    self.unverified_reuse,
                ],
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> Totals:
        data = json.loads(text)
        outcomes = {
            name: OutcomeSums(n, weighed, Decimal(kg), {c: (k, Decimal(a)) for c, k, a in value})
            for name, (n, weighed, kg, value) in data["outcomes"].items()
        }
        commodities = {c: (int(n), Decimal(kg)) for c, n, kg in data["commodities"]}
        methods = {(str(m), bool(v)): int(n) for m, v, n in data["methods"]}
        counts = [int(n) for n in data["counts"]]
        return cls(
            outcomes=outcomes,
            commodities=commodities,
            without_weight=counts[0],
            data_bearing=counts[1],
            storage_devices=counts[2],
            methods=methods,
            without_record=counts[3],
            unverified_reuse=counts[4],
        )


def _pairs(value: Mapping[str, tuple[int, Decimal]]) -> list[list[object]]:
    return [[c, n, str(a)] for c, (n, a) in sorted(value.items())]


def _sorted(pairs: Mapping[str | None, tuple[int, Decimal]]) -> list[tuple[Any, Any]]:
    return sorted(pairs.items(), key=lambda item: item[0] or "")


def contribution(state: AssetState, args: DisposeArgs) -> Totals:
    """What one disposed asset adds to the report, given the dispose record it cites."""
    outcome = state.disposition or args.outcome
    sums = OutcomeSums(assets=1)
    totals = Totals(outcomes={outcome: sums})
    kg = args.weight.kg if args.weight is not None else Decimal(0)
    if args.weight is None:
        totals.without_weight = 1
    else:
        sums.weighed, sums.weight_kg = 1, kg
    if args.value is not None:
        amount, currency = args.value
        sums.value[currency] = (1, amount)
    if outcome == "recycle":
        totals.commodities[args.commodity] = (1, kg)
    if state.data_bearing:
        _sanitization(totals, state, outcome)
    return totals


def _sanitization(totals: Totals, state: AssetState, outcome: str) -> None:
    required = AssetFold(state.key, state=state).required_sanitizations()
    totals.data_bearing = 1
    totals.storage_devices = len(required)
    for method, verified, _op in state.sanitized.values():
        totals.methods[(method, verified)] = totals.methods.get((method, verified), 0) + 1
    totals.without_record = sum(1 for s in required if s not in state.sanitized)
    proven = {serial for serial, record in state.sanitized.items() if record[1]}
    if outcome in REUSE_OUTCOMES and any(serial not in proven for serial in required):
        totals.unverified_reuse = 1


@dataclass(frozen=True, slots=True)
class Disposal:
    """One disposed asset's row: where and when it counts, and what it adds."""

    key: str
    site: str | None
    wall_ms: int
    position: int
    totals: Totals

    @property
    def day(self) -> int:
        return self.wall_ms // DAY_MS

    @property
    def day_key(self) -> tuple[str, int]:
        return (self.site or "", self.day)

    def row(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "site": self.site,
            "wall_ms": self.wall_ms,
            "position": self.position,
            "unverified_reuse": bool(self.totals.unverified_reuse),
            "totals": self.totals.to_json(),
        }

    @classmethod
    def from_row(cls, row: Any) -> Disposal:
        return cls(row.key, row.site, row.wall_ms, row.position, Totals.from_json(row.totals))


def first_dispose_op(conn: Connection, key: str, outcome: str | None) -> Any:
    """The first dispose operation of an asset in fold order (with `outcome`, if any does)."""
    rows = conn.execute(
        select(t.oplog.c.op_id, t.oplog.c.position, t.oplog.c.hlc, t.oplog.c.body)
        .where(t.oplog.c.target == key, t.oplog.c.kind == "dispose")
        .order_by(*_FOLD_ORDER)
    )
    first = None
    for row in rows:
        if first is None:
            first = row
        if json.loads(row.body)["args"].get("outcome") == outcome:
            return row
    return first


def _cited_rows(conn: Connection, states: Sequence[AssetState]) -> dict[str, Any]:
    """asset key -> the log row of the dispose record that stands for its disposition."""
    wanted = sorted({s.disposition_op for s in states if s.disposition_op})
    by_op: dict[str, Any] = {}
    for start in range(0, len(wanted), 500):
        rows = conn.execute(
            select(
                t.oplog.c.op_id, t.oplog.c.kind, t.oplog.c.position, t.oplog.c.hlc, t.oplog.c.body
            ).where(t.oplog.c.op_id.in_(wanted[start : start + 500]))
        )
        by_op.update({row.op_id: row for row in rows})
    cited: dict[str, Any] = {}
    for state in states:
        row = by_op.get(state.disposition_op or "")
        if row is not None and row.kind != "dispose":
            # Decided by a supervisor (a resolve): cite the record with the decided outcome.
            row = first_dispose_op(conn, state.key, state.disposition)
        if row is not None:
            cited[state.key] = row
    return cited


def disposals_of(conn: Connection, states: Sequence[AssetState]) -> dict[str, Disposal]:
    """The rows these disposed assets' states make (an asset with no dispose record: none)."""
    disposed = [s for s in states if s.disposition is not None and s.disposition_op]
    cited = _cited_rows(conn, disposed)
    out: dict[str, Disposal] = {}
    for state in disposed:
        row = cited.get(state.key)
        if row is None:
            continue
        args = parse_operation(json.loads(row.body)).args
        assert isinstance(args, DisposeArgs)
        site = site_of(state.location) if state.location else None
        wall_ms = parse_stamp(row.hlc).wall_ms
        out[state.key] = Disposal(
            state.key, site, wall_ms, int(row.position), contribution(state, args)
        )
    return out


def _stored(conn: Connection, keys: Sequence[str]) -> dict[str, Disposal]:
    found: dict[str, Disposal] = {}
    for start in range(0, len(keys), 500):
        rows = conn.execute(
            select(t.disposals).where(t.disposals.c.key.in_(keys[start : start + 500]))
        )
        found.update({row.key: Disposal.from_row(row) for row in rows})
    return found


def maintain(conn: Connection, states: Sequence[AssetState], was_disposed: Iterable[str]) -> None:
    """Bring the aggregates up to date with these assets' new states, inside the push."""
    earlier = set(was_disposed)
    relevant = [s for s in states if s.disposition is not None or s.key in earlier]
    if not relevant:
        return
    old = _stored(conn, sorted({s.key for s in relevant} & earlier))
    new = disposals_of(conn, relevant)
    days: dict[tuple[str, int], Totals] = {}
    gone: list[str] = []
    rows: list[dict[str, Any]] = []
    for state in relevant:
        before, after = old.get(state.key), new.get(state.key)
        if before == after:
            continue
        if before is not None:
            days.setdefault(before.day_key, Totals()).add(before.totals, -1)
            gone.append(state.key)
        if after is not None:
            days.setdefault(after.day_key, Totals()).add(after.totals)
            rows.append(after.row())
    for start in range(0, len(gone), 500):
        conn.execute(delete(t.disposals).where(t.disposals.c.key.in_(gone[start : start + 500])))
    if rows:
        conn.execute(insert(t.disposals), rows)
    _apply_days(conn, days)


def _apply_days(conn: Connection, deltas: dict[tuple[str, int], Totals]) -> None:
    if not deltas:
        return
    col = t.disposal_days.c
    keys = sorted(deltas)
    stored: dict[tuple[str, int], Totals] = {}
    for start in range(0, len(keys), 200):
        rows = conn.execute(
            select(t.disposal_days).where(tuple_(col.site, col.day).in_(keys[start : start + 200]))
        )
        stored.update({(r.site, r.day): Totals.from_json(r.totals) for r in rows})
    for key in keys:
        site, day = key
        where = (col.site == site, col.day == day)
        totals = stored.get(key)
        if totals is None:
            totals = deltas[key]
            conn.execute(
                insert(t.disposal_days).values(
                    site=site, day=day, assets=totals.assets, totals=totals.to_json()
                )
            )
            continue
        totals.add(deltas[key])
        if totals.assets:
            values = {"assets": totals.assets, "totals": totals.to_json()}
            conn.execute(update(t.disposal_days).where(*where).values(**values))
        else:
            conn.execute(delete(t.disposal_days).where(*where))


def rebuild_disposals(conn: Connection, page: int = 500) -> None:
    """Recompute every disposed asset's contribution from the projection (migrations, audits)."""
    conn.execute(delete(t.disposals))
    conn.execute(delete(t.disposal_days))
    after = ""
    while True:
        rows = list(
            conn.execute(
                select(t.assets.c.key, t.assets.c.state)
                .where(t.assets.c.key > after)
                .order_by(t.assets.c.key)
                .limit(page)
            )
        )
        states = [AssetState.from_dict(json.loads(r.state)) for r in rows]
        maintain(conn, states, ())
        if len(rows) < page:
            return
        after = rows[-1].key
