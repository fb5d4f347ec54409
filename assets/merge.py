"""The merge rules: a target's state is the fold of its operations in (hlc, device, seq) order.

The same code runs on the central store (the authoritative fold over the log) and on a device
(its optimistic view: the server's state with pending operations applied on top), so the two
never disagree about what an operation means. Folds are incremental: `AssetFold.apply` takes one
operation at a time, and `fold_asset` sorts and de-duplicates a set first, which makes the result
a function of the set of operations whatever order they arrived in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from dataclasses import fields as dataclass_fields
from decimal import Decimal
from typing import Any, Generic, TypeVar

from assets import itad
from assets.conflicts import Conflict, Side, make_conflict
from assets.disposition import OUTCOME_STATUS
from assets.grades import Grade, parse_grade
from assets.locations import parse_location
from assets.operations import (
    AssessArgs,
    AuditArgs,
    ConfirmArgs,
    DisposeArgs,
    HandoffArgs,
    ObserveArgs,
    Operation,
    PalletArgs,
    ReceiveArgs,
    RegisterArgs,
    RegisterLocationArgs,
    ResolveArgs,
    SanitizeArgs,
    SealArgs,
    TransitionArgs,
)
from assets.pallets import DEFAULT_WEIGHT_TOLERANCE_PCT
from assets.statuses import INITIAL_STATUS, STATUSES, is_terminal
from assets.weights import Weight, within_tolerance


@dataclass(frozen=True, slots=True)
class MergeRules:
    """The knobs of the merge rules a company may tune."""

    sighting_window_ms: int = 15 * 60 * 1000
    weight_tolerance_pct: Decimal = DEFAULT_WEIGHT_TOLERANCE_PCT


DEFAULT_RULES = MergeRules()

# What a fold did with each operation.
APPLIED, MERGED, FLAGGED, NO_EFFECT = "applied", "merged", "flagged", "no_effect"


@dataclass
class AssetState:
    key: str
    registered: bool = False
    register_op: str | None = None
    serial: str | None = None
    make: str | None = None
    model: str | None = None
    category: str = "other"
    data_bearing: bool = False
    storage_serials: tuple[str, ...] = ()
    parent: str | None = None
    fields: dict[str, str] = field(default_factory=dict)  # custom fields, name -> text
    nominal_weight: dict[str, str] | None = None  # the model's weight, as the catalogue gives it
    status: str = INITIAL_STATUS
    status_op: str | None = None
    location: str | None = None
    location_op: str | None = None
    seen_at: str | None = None  # hlc of the latest observation
    sightings: dict[str, tuple[int, str]] = field(default_factory=dict)  # site -> (ms, op)
    grade: str | None = None
    grade_op: str | None = None
    grade_disputed: bool = False
    pallet: str | None = None
    pallet_op: str | None = None
    custodian: str | None = None
    custody_op: str | None = None
    sanitized: dict[str, tuple[str, bool, str]] = field(default_factory=dict)  # serial->record
    disposition: str | None = None
    disposition_op: str | None = None
    version: int = 0
    last_hlc: str | None = None

    def to_dict(self) -> dict[str, object]:
        data = _fields_of(self)
        data["storage_serials"] = list(self.storage_serials)
        data["fields"] = dict(sorted(self.fields.items()))
        data["sightings"] = {site: list(v) for site, v in sorted(self.sightings.items())}
        data["sanitized"] = {s: list(v) for s, v in sorted(self.sanitized.items())}
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AssetState:
        values = dict(data)
        values["storage_serials"] = tuple(values.get("storage_serials") or ())
        values["fields"] = {str(k): str(v) for k, v in (values.get("fields") or {}).items()}
        sightings = values.get("sightings") or {}
        values["sightings"] = {k: (int(v[0]), str(v[1])) for k, v in sightings.items()}
        sanitized = values.get("sanitized") or {}
        values["sanitized"] = {k: (str(v[0]), bool(v[1]), str(v[2])) for k, v in sanitized.items()}
        return cls(**values)


@dataclass
class PalletState:
    key: str
    state: str = "open"
    manifest: dict[str, str] = field(default_factory=dict)  # asset key -> load op
    seal_number: str | None = None
    seal_op: str | None = None
    sealed_manifest: tuple[str, ...] = ()
    gross_kg: str | None = None
    tare_kg: str | None = None
    custodian: str | None = None
    custody_op: str | None = None
    received_op: str | None = None
    version: int = 0
    last_hlc: str | None = None

    def to_dict(self) -> dict[str, object]:
        data = _fields_of(self)
        data["manifest"] = dict(sorted(self.manifest.items()))
        data["sealed_manifest"] = list(self.sealed_manifest)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PalletState:
        values = dict(data)
        values["sealed_manifest"] = tuple(values.get("sealed_manifest") or ())
        values["manifest"] = dict(values.get("manifest") or {})
        return cls(**values)


@dataclass
class LocationState:
    """A location tag and the place it marks."""

    key: str
    path: str | None = None
    path_op: str | None = None
    name: str | None = None
    audit_op: str | None = None  # the latest finished audit here (by hlc)
    audited_at: str | None = None  # its hlc
    audit_counts: dict[str, int] = field(default_factory=dict)  # expected/found/missing/...
    version: int = 0
    last_hlc: str | None = None

    def to_dict(self) -> dict[str, object]:
        data = _fields_of(self)
        data["audit_counts"] = dict(sorted(self.audit_counts.items()))
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LocationState:
        values = dict(data)
        values["audit_counts"] = {
            str(k): int(v) for k, v in (data.get("audit_counts") or {}).items()
        }
        return cls(**values)


TargetState = AssetState | PalletState | LocationState

# Each state class's field names in field order, for to_dict's quick path.
_FIELD_NAMES: dict[type[Any], tuple[str, ...]] = {
    cls: tuple(f.name for f in dataclass_fields(cls))
    for cls in (AssetState, PalletState, LocationState)
}


def _fields_of(state: AssetState | PalletState | LocationState) -> dict[str, object]:
    """The state's fields by name, in field order (a state holds nothing but its fields)."""
    # Copying the instance dict is a third of reading every field by name (to_dict runs for
    # every target of every push batch); a state given any other attribute takes the long way.
    data = dict(state.__dict__)
    if tuple(data) != _FIELD_NAMES[type(state)]:
        return {k: getattr(state, k) for k in state.__dataclass_fields__}
    return data


@dataclass
class FoldResult:
    state: TargetState
    conflicts: dict[str, Conflict] = field(default_factory=dict)
    effects: dict[str, str] = field(default_factory=dict)  # op_id -> applied/merged/flagged/...
    notes: dict[str, str] = field(default_factory=dict)  # op_id -> why it had no effect


S = TypeVar("S", AssetState, PalletState, LocationState)


class _Fold(Generic[S]):
    """Shared bookkeeping of the folds: a handler `_<kind>` per kind. A fold starts empty or
    resumes from a stored state and its conflicts."""

    noun = "a target"
    state_class: type[S]

    def __init__(
        self,
        key: str,
        rules: MergeRules = DEFAULT_RULES,
        state: S | None = None,
        conflicts: dict[str, Conflict] | None = None,
    ) -> None:
        self.state: S = state if state is not None else self.state_class(key)
        self.result = FoldResult(self.state, dict(conflicts or {}))
        self.rules = rules

    def apply(self, op: Operation) -> str:
        """Fold one operation in; say what it did (applied, merged, flagged, no_effect)."""
        self.result.effects[op.op_id] = APPLIED
        handler = getattr(self, f"_{op.kind}", None)
        if handler is None:
            self.no_effect(op, f"{op.kind} does not change {self.noun}")
        else:
            handler(op)
        state = self.result.state
        state.version += 1
        state.last_hlc = str(op.hlc)
        return self.result.effects[op.op_id]

    @property
    def conflicts(self) -> dict[str, Conflict]:
        return self.result.conflicts

    def raise_conflict(
        self, op: Operation, kind: str, sides: tuple[Side, ...], **detail: str
    ) -> None:
        conflict = make_conflict(kind, self.result.state.key, sides, detail)
        self.conflicts.setdefault(conflict.id, conflict)
        self.result.effects[op.op_id] = FLAGGED

    def no_effect(self, op: Operation, why: str) -> None:
        self.result.effects[op.op_id] = NO_EFFECT
        self.result.notes[op.op_id] = why

    def decide(self, op: Operation) -> Conflict | None:
        """Close the conflict a decision names; None when it is not open here."""
        args: ResolveArgs = op.args
        conflict = self.conflicts.get(args.conflict_id)
        if conflict is None:
            self.no_effect(op, f"no conflict {args.conflict_id} on {args.on}")
            return None
        if not conflict.is_open:
            self.no_effect(op, f"conflict already decided by {conflict.decided_by}")
            return None
        closed = replace(conflict, decided_by=op.op_id, decision=args.choice)
        self.conflicts[conflict.id] = closed
        self.result.effects[op.op_id] = APPLIED
        return closed

    @staticmethod
    def chosen_value(op: Operation, conflict: Conflict, name: str) -> str | None:
        """The value a decision picks: a side's value, or the supervisor's own."""
        args: ResolveArgs = op.args
        if args.choice == "value":
            return (args.value or {}).get(name)
        index = 0 if args.choice == "a" else 1
        return conflict.sides[index].value if index < len(conflict.sides) else None


class AssetFold(_Fold[AssetState]):
    noun = "an asset"

    state_class = AssetState

    def _register(self, op: Operation) -> None:
        args: RegisterArgs = op.args
        s = self.state
        if not s.registered:
            s.registered, s.register_op = True, op.op_id
            self._take_details(args)
            return
        first = self._first_claim()
        if first.same_asset(args):
            self.result.effects[op.op_id] = MERGED
            return
        self.raise_conflict(
            op,
            "tag_claimed_twice",
            (Side(s.register_op or "", first.serial), Side(op.op_id, args.serial)),
        )

    def _take_details(self, args: RegisterArgs) -> None:
        s = self.state
        s.serial, s.make, s.model, s.category = args.serial, args.make, args.model, args.category
        s.data_bearing, s.storage_serials, s.parent = (
            args.data_bearing,
            args.storage_serials,
            args.parent,
        )
        s.fields = dict(args.fields)
        weight = args.nominal_weight
        s.nominal_weight = None if weight is None else weight.to_dict()

    def _describe(self, op: Operation) -> None:
        # New details replace the old ones whole: in fold order the latest description wins.
        if not self.state.registered:
            self.no_effect(op, "the asset is not registered: register it before describing it")
            return
        self._take_details(op.args)

    def _first_claim(self) -> RegisterArgs:
        # Rebuilt from state rather than kept aside, so a fold resumed from a snapshot agrees.
        s = self.state
        return RegisterArgs(serial=s.serial, make=s.make, model=s.model, category=s.category)

    def _observe(self, op: Operation) -> None:
        args: ObserveArgs = op.args
        s = self.state
        if is_terminal(s.status) and s.status != "redeployed":
            self.raise_conflict(
                op,
                "scan_after_disposal",
                (
                    Side(s.status_op or s.disposition_op or "", s.status),
                    Side(op.op_id, args.location),
                ),
            )
            return
        now = op.hlc.wall_ms
        for site, (seen_ms, seen_op) in sorted(s.sightings.items()):
            if site != args.site and abs(now - seen_ms) <= self.rules.sighting_window_ms:
                self.raise_conflict(
                    op,
                    "duplicate_tag_sighting",
                    (Side(seen_op, site), Side(op.op_id, args.site)),
                )
        s.sightings[args.site] = (now, op.op_id)
        s.location, s.location_op, s.seen_at = args.location, op.op_id, str(op.hlc)

    def _assess(self, op: Operation) -> None:
        args: AssessArgs = op.args
        s = self.state
        _, seen = op.expected("grade_op")
        grade = str(args.grade)
        if s.grade is None or seen == s.grade_op:
            s.grade, s.grade_op, s.grade_disputed = grade, op.op_id, False
        elif grade == s.grade:
            self.result.effects[op.op_id] = MERGED
        else:
            s.grade_disputed = True
            self.raise_conflict(
                op, "grade_disputed", (Side(s.grade_op or "", s.grade), Side(op.op_id, grade))
            )

    def _transition(self, op: Operation) -> None:
        args: TransitionArgs = op.args
        s = self.state
        _, seen = op.expected("status")
        if is_terminal(s.status):
            self.raise_conflict(
                op,
                "transition_after_terminal",
                (Side(s.status_op or s.disposition_op or "", s.status), Side(op.op_id, args.to)),
            )
        elif args.to == s.status:
            self.result.effects[op.op_id] = MERGED
        elif seen != s.status:
            self.raise_conflict(
                op,
                "diverging_transitions",
                (Side(s.status_op or "", s.status), Side(op.op_id, args.to)),
                saw=str(seen),
            )
        else:
            s.status, s.status_op = args.to, op.op_id

    def _load(self, op: Operation) -> None:
        args: PalletArgs = op.args
        s = self.state
        if s.pallet is None:
            s.pallet, s.pallet_op = args.pallet, op.op_id
        elif s.pallet == args.pallet:
            self.result.effects[op.op_id] = MERGED
        else:
            self.raise_conflict(
                op, "two_pallets", (Side(s.pallet_op or "", s.pallet), Side(op.op_id, args.pallet))
            )

    def _unload(self, op: Operation) -> None:
        args: PalletArgs = op.args
        s = self.state
        if s.pallet == args.pallet:
            s.pallet, s.pallet_op = None, op.op_id
        else:
            self.no_effect(op, f"the asset is not on {args.pallet}")

    def _handoff(self, op: Operation) -> None:
        args: HandoffArgs = op.args
        s = self.state
        if s.custodian is None or s.custodian == args.from_holder:
            s.custodian, s.custody_op = args.to_holder, op.op_id
        elif s.custodian == args.to_holder:
            self.result.effects[op.op_id] = MERGED
        else:
            self.raise_conflict(
                op,
                "custody_fork",
                (Side(s.custody_op or "", s.custodian), Side(op.op_id, args.to_holder)),
                handed_by=args.from_holder,
            )

    def _sanitize(self, op: Operation) -> None:
        args: SanitizeArgs = op.args
        s = self.state
        known = s.sanitized.get(args.storage_serial)
        record = (args.method, args.verified, op.op_id)
        if known is None:
            s.sanitized[args.storage_serial] = record
        elif (known[0], known[1]) == (args.method, args.verified):
            self.result.effects[op.op_id] = MERGED
        else:
            self.raise_conflict(
                op,
                "sanitization_disputed",
                (
                    Side(known[2], f"{known[0]}:{known[1]}"),
                    Side(op.op_id, f"{args.method}:{args.verified}"),
                ),
                storage_serial=args.storage_serial,
            )

    def required_sanitizations(self) -> tuple[str, ...]:
        """Storage serials that need a verified record before reuse or recycling."""
        return itad.required_sanitizations(self.state)

    def _dispose(self, op: Operation) -> None:
        args: DisposeArgs = op.args
        s = self.state
        final = OUTCOME_STATUS[args.outcome]
        if s.disposition is not None or (is_terminal(s.status) and s.status != final):
            if s.disposition == args.outcome:
                self.result.effects[op.op_id] = MERGED
                return
            self.raise_conflict(
                op,
                "disposition_disputed",
                (
                    Side(s.disposition_op or s.status_op or "", s.disposition or s.status),
                    Side(op.op_id, args.outcome),
                ),
            )
            return
        s.disposition, s.disposition_op = args.outcome, op.op_id
        s.status, s.status_op = final, op.op_id
        # The state already shows the outcome; the control reads only the drives and records.
        missing = itad.blocking_drives(s, args.outcome)
        if missing:
            self.raise_conflict(
                op,
                "unsanitized_disposal",
                (Side(op.op_id, args.outcome),),
                missing=", ".join(missing),
            )

    def _resolve(self, op: Operation) -> None:
        conflict = self.decide(op)
        if conflict is None:
            return
        s = self.state
        value = self.chosen_value(op, conflict, DECIDED_FIELD.get(conflict.type, "value"))
        if value is None:
            return
        if conflict.type == "grade_disputed":
            s.grade, s.grade_op, s.grade_disputed = str(parse_grade(value)), op.op_id, False
        elif conflict.type in ("diverging_transitions", "transition_after_terminal"):
            if value in STATUSES:
                s.status, s.status_op = value, op.op_id
        elif conflict.type == "two_pallets":
            s.pallet, s.pallet_op = value, op.op_id
        elif conflict.type == "custody_fork":
            s.custodian, s.custody_op = value, op.op_id
        elif conflict.type == "tag_claimed_twice":
            s.serial = value
        elif conflict.type == "disposition_disputed" and value in OUTCOME_STATUS:
            s.disposition, s.disposition_op = value, op.op_id
            s.status, s.status_op = OUTCOME_STATUS[value], op.op_id


# For a "set a value" decision: which key of the supervisor's value each conflict type reads.
DECIDED_FIELD = {
    "grade_disputed": "grade",
    "diverging_transitions": "status",
    "transition_after_terminal": "status",
    "two_pallets": "pallet",
    "custody_fork": "custodian",
    "tag_claimed_twice": "serial",
    "disposition_disputed": "outcome",
}


class PalletFold(_Fold[PalletState]):
    noun = "a pallet"

    state_class = PalletState

    def _load(self, op: Operation) -> None:
        s = self.state
        if s.state != "open":
            self.raise_conflict(
                op,
                "load_into_sealed",
                (Side(s.seal_op or "", s.seal_number), Side(op.op_id, op.target)),
            )
            return
        s.manifest.setdefault(op.target, op.op_id)

    def _unload(self, op: Operation) -> None:
        s = self.state
        if op.target not in s.manifest:
            self.no_effect(op, f"{op.target} is not on this pallet")
        elif s.state != "open":
            self.no_effect(op, "the pallet is sealed: break the seal before unloading")
        else:
            del s.manifest[op.target]

    def _seal(self, op: Operation) -> None:
        args: SealArgs = op.args
        s = self.state
        if s.state != "open":
            if s.seal_number == args.seal_number:
                self.result.effects[op.op_id] = MERGED
            else:
                self.raise_conflict(
                    op,
                    "seal_mismatch",
                    (Side(s.seal_op or "", s.seal_number), Side(op.op_id, args.seal_number)),
                )
            return
        s.state, s.seal_number, s.seal_op = "sealed", args.seal_number, op.op_id
        s.sealed_manifest = args.manifest
        s.gross_kg, s.tare_kg = str(args.gross.kg), str(args.tare.kg)
        for asset, load_op in sorted(s.manifest.items()):
            if asset not in args.manifest:
                self.raise_conflict(
                    op,
                    "load_not_sealed",
                    (Side(load_op, asset), Side(op.op_id, args.seal_number)),
                    asset=asset,
                )

    def _check_contents(self, op: Operation, scanned: tuple[str, ...]) -> None:
        expected = set(self.state.manifest)
        missing = sorted(expected - set(scanned))
        extra = sorted(set(scanned) - expected)
        if missing or extra:
            self.raise_conflict(
                op,
                "manifest_mismatch",
                (Side(op.op_id, None),),
                missing=", ".join(missing),
                extra=", ".join(extra),
            )

    def _confirm(self, op: Operation) -> None:
        args: ConfirmArgs = op.args
        self._check_contents(op, args.scanned)

    def _handoff(self, op: Operation) -> None:
        args: HandoffArgs = op.args
        s = self.state
        if s.custodian is None or s.custodian == args.from_holder:
            s.custodian, s.custody_op = args.to_holder, op.op_id
            if s.state == "sealed":
                s.state = "in_transit"
        elif s.custodian == args.to_holder:
            self.result.effects[op.op_id] = MERGED
        else:
            self.raise_conflict(
                op,
                "custody_fork",
                (Side(s.custody_op or "", s.custodian), Side(op.op_id, args.to_holder)),
                handed_by=args.from_holder,
            )

    def _receive(self, op: Operation) -> None:
        args: ReceiveArgs = op.args
        s = self.state
        if s.seal_number != args.seal_number:
            self.raise_conflict(
                op,
                "seal_mismatch",
                (Side(s.seal_op or "", s.seal_number), Side(op.op_id, args.seal_number)),
            )
        if s.gross_kg is not None:
            sealed = Weight(Decimal(s.gross_kg), "kg")
            if not within_tolerance(args.gross, sealed, self.rules.weight_tolerance_pct):
                self.raise_conflict(
                    op,
                    "weight_mismatch",
                    (Side(s.seal_op or "", s.gross_kg), Side(op.op_id, str(args.gross.kg))),
                    tolerance_pct=str(self.rules.weight_tolerance_pct),
                )
        if args.scanned is not None:
            self._check_contents(op, args.scanned)
        s.state, s.received_op = "received", op.op_id
        s.custodian, s.custody_op = args.facility, op.op_id

    def _resolve(self, op: Operation) -> None:
        self.decide(op)  # pallet decisions acknowledge; the physical fix is its own operation


class LocationFold(_Fold[LocationState]):
    noun = "a location tag"

    state_class = LocationState

    def _register(self, op: Operation) -> None:
        args: RegisterLocationArgs = op.args
        s = self.state
        if s.path is None:
            s.path, s.path_op, s.name = args.path, op.op_id, args.name
        elif s.path == args.path:
            self.result.effects[op.op_id] = MERGED
        else:
            self.raise_conflict(
                op, "tag_claimed_twice", (Side(s.path_op or "", s.path), Side(op.op_id, args.path))
            )

    def _audit(self, op: Operation) -> None:
        """The latest audit by hlc is the location's last audit; missing assets raise an item
        for a supervisor (their status stays: the audit is evidence, not a decision)."""
        args: AuditArgs = op.args
        s = self.state
        s.audit_op, s.audited_at = op.op_id, str(op.hlc)
        s.audit_counts = {
            name: len(getattr(args, name))
            for name in ("expected", "found", "missing", "unexpected", "elsewhere")
        }
        if args.missing:
            self.raise_conflict(
                op,
                "missing_in_audit",
                (Side(op.op_id, None),),
                location=args.location,
                missing=", ".join(args.missing),
                audited_by=op.actor,
            )

    def _resolve(self, op: Operation) -> None:
        conflict = self.decide(op)
        if conflict is not None and conflict.type == "tag_claimed_twice":
            path = self.chosen_value(op, conflict, "path")
            if path is not None:
                self.state.path, self.state.path_op = parse_location(path).key, op.op_id


def ordered(ops: Iterable[Operation]) -> list[Operation]:
    """The fold order, with each operation once (by op_id) however often it was delivered."""
    unique = {op.op_id: op for op in ops}
    return sorted(unique.values(), key=lambda op: op.sort_key)


def fold_asset(key: str, ops: Iterable[Operation], rules: MergeRules = DEFAULT_RULES) -> FoldResult:
    fold = AssetFold(key, rules)
    for op in ordered(ops):
        fold.apply(op)
    return fold.result


def fold_pallet(
    key: str, ops: Iterable[Operation], rules: MergeRules = DEFAULT_RULES
) -> FoldResult:
    fold = PalletFold(key, rules)
    for op in ordered(ops):
        fold.apply(op)
    return fold.result


def effective_custodian(asset: AssetState, pallets: dict[str, PalletState]) -> str | None:
    """While an asset is loaded, the pallet's custodian answers for it."""
    if asset.pallet and asset.pallet in pallets and pallets[asset.pallet].custodian:
        return pallets[asset.pallet].custodian
    return asset.custodian


def grade_of(state: AssetState) -> Grade | None:
    return parse_grade(state.grade) if state.grade else None
