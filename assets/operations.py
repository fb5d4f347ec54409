"""Operations: the immutable facts a device records and the central store folds.

Each kind has a frozen arguments class and a parser. `parse_operation` checks a whole envelope
from its wire form (a JSON object) and raises a specific InvalidOperation naming the field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from assets import fields as f
from assets import sanitization as sz
from assets.catalogue import CATEGORIES
from assets.custody import parse_holder
from assets.custom_fields import Fields, parse_fields
from assets.disposition import COMMODITIES, OUTCOMES, SANITIZATION_METHODS
from assets.errors import AssetsError, InvalidOperation, UnknownKind, UnsupportedSchema
from assets.grades import Grade, parse_grade
from assets.hlc import Stamp, parse_stamp
from assets.locations import parse_location, site_of
from assets.statuses import STATUSES, check_transition
from assets.weights import Weight

SCHEMA_VERSION = 1
MAX_KEY = 128
TARGET_TYPES = ("asset", "pallet", "location", "conflict")
_SPACE = re.compile(r"\s")  # one C-level search, not a Python loop over the characters
# The grammar of the id after `type:`: what printed tags, serials and conflict ids are made of.
# No spaces, slashes or leading dots, so an id never reads as a path (`asset:../../etc`).
TAG_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-]*")


def parse_key(value: object, name: str, kind: str | None = None) -> str:
    """A target key `type:id`, e.g. `asset:TA-0001234-K`, optionally of one type."""
    if not isinstance(value, str) or ":" not in value:
        raise InvalidOperation(name, "must be a key like asset:TA-0001234-K")
    prefix, _, ident = value.partition(":")
    if prefix not in TARGET_TYPES:
        raise InvalidOperation(name, f"key type '{prefix[:20]}' is not one of {TARGET_TYPES}")
    if kind is not None and prefix != kind:
        raise InvalidOperation(name, f"must be a {kind} key, not a {prefix} key")
    ident = f.checked_text(ident, name, max_len=MAX_KEY)
    if not ident or _SPACE.search(ident):
        raise InvalidOperation(name, "the id after the ':' must be non-empty with no spaces")
    if not TAG_ID.fullmatch(ident):
        raise InvalidOperation(
            name,
            "the id after the ':' may hold only letters, digits, '.', '_' and '-', "
            "starting with a letter or digit",
        )
    return f"{prefix}:{ident}"


def key_type(key: str) -> str:
    return key.partition(":")[0]


# ---- arguments of each kind -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RegisterArgs:
    """A new asset, or the claim of a pre-printed tag by a device not yet tagged."""

    serial: str | None = None
    make: str | None = None
    model: str | None = None
    category: str = "other"
    data_bearing: bool = False
    storage_serials: tuple[str, ...] = ()
    parent: str | None = None
    fields: Fields = ()  # custom fields (an import's columns TagTrail has no place for)
    nominal_weight: Weight | None = None  # the catalogue's weight of the model

    def same_asset(self, other: RegisterArgs) -> bool:
        """Two claims of a tag describe the same device when serials (or else models) agree."""
        if self.serial and other.serial:
            return self.serial.upper() == other.serial.upper()
        return (self.make, self.model, self.category) == (other.make, other.model, other.category)


@dataclass(frozen=True, slots=True)
class RegisterLocationArgs:
    """The claim of a pre-printed location tag: which place (site/building/room/shelf) it marks."""

    path: str
    name: str | None = None


@dataclass(frozen=True, slots=True)
class ObserveArgs:
    location: str

    @property
    def site(self) -> str:
        return site_of(self.location)


@dataclass(frozen=True, slots=True)
class AssessArgs:
    grade: Grade
    letter: str | None = None
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class TransitionArgs:
    to: str
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class PalletArgs:
    """Arguments of load and unload: which pallet."""

    pallet: str


@dataclass(frozen=True, slots=True)
class SealArgs:
    seal_number: str
    gross: Weight
    tare: Weight
    manifest: tuple[str, ...] = ()  # the asset keys the sealer saw on the pallet


@dataclass(frozen=True, slots=True)
class ConfirmArgs:
    scanned: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class HandoffArgs:
    from_holder: str
    to_holder: str
    signed_by: str
    signature: str | None = None  # the drawn signature, as an SVG path or a data URI


@dataclass(frozen=True, slots=True)
class ReceiveArgs:
    seal_number: str
    gross: Weight
    facility: str
    scanned: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class AuditArgs:
    """A finished location audit: what the device's replica expected at `location`, what was
    scanned there, and the difference. Missing assets raise a supervisor item on the location
    tag; they keep their status (an audit is evidence, not a decision)."""

    location: str
    expected: tuple[str, ...]
    found: tuple[str, ...]
    missing: tuple[str, ...]
    unexpected: tuple[str, ...]
    elsewhere: tuple[str, ...] = ()  # unexpected ones the replica placed at another site


@dataclass(frozen=True, slots=True)
class SanitizeArgs:
    storage_serial: str
    method: str
    tool: str
    verified: bool
    performed_by: str  # the operator
    performed_at: str  # ISO 8601, as the sanitization tool reported it
    # The rest of the NIST SP 800-88 Rev. 1 Appendix G certificate (assets.sanitization);
    # optional, because records written before them lack them.
    media_type: str | None = None
    media_make: str | None = None
    media_model: str | None = None
    media_asset: str | None = None  # the drive's own asset tag, when it has one
    technique: str | None = None
    tool_version: str | None = None
    verification_method: str | None = None
    validated_by: str | None = None  # the validator, someone other than the operator
    destination: str | None = None  # where the media went afterwards
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class DisposeArgs:
    outcome: str
    weight: Weight | None = None
    value: tuple[Decimal, str] | None = None
    commodity: str | None = None
    certificate: str | None = None
    vendor: str | None = None  # the downstream vendor who took it (recycler, buyer, shredder)


@dataclass(frozen=True, slots=True)
class ResolveArgs:
    conflict_id: str
    on: str  # the target the conflict is about, so the decision folds with it
    choice: str  # "a", "b" or "value"
    value: Mapping[str, str] | None = None
    note: str | None = None


Args = (
    RegisterArgs
    | ObserveArgs
    | AssessArgs
    | TransitionArgs
    | PalletArgs
    | SealArgs
    | ConfirmArgs
    | HandoffArgs
    | ReceiveArgs
    | AuditArgs
    | SanitizeArgs
    | DisposeArgs
    | ResolveArgs
)


# ---- parsers ----------------------------------------------------------------------------


def _register(a: Mapping[str, object]) -> RegisterArgs:
    category = a.get("category", "other")
    if category not in CATEGORIES:
        raise InvalidOperation("args.category", f"must be one of {', '.join(CATEGORIES)}")
    parent = a.get("parent")
    return RegisterArgs(
        serial=f.optional_text(a, "serial", max_len=80),
        make=f.optional_text(a, "make", max_len=80),
        model=f.optional_text(a, "model", max_len=120),
        category=str(category),
        data_bearing=f.flag(a, "data_bearing"),
        storage_serials=f.text_list(a, "storage_serials", max_items=64),
        parent=None if parent is None else parse_key(parent, "args.parent", "asset"),
        fields=parse_fields(a.get("fields"), "args.fields"),
        nominal_weight=f.weight(a, "nominal_weight", required=False),
    )


def _register_location(a: Mapping[str, object]) -> RegisterLocationArgs:
    try:
        location = parse_location(f.text(a, "path", max_len=200))
    except AssetsError as exc:
        raise InvalidOperation("args.path", str(exc)) from exc
    return RegisterLocationArgs(location.key, f.optional_text(a, "name", max_len=120))


def _observe(a: Mapping[str, object]) -> ObserveArgs:
    try:
        location = parse_location(f.text(a, "location", max_len=200))
    except AssetsError as exc:
        raise InvalidOperation("args.location", str(exc)) from exc
    return ObserveArgs(location.key)


def _assess(a: Mapping[str, object]) -> AssessArgs:
    try:
        grade = parse_grade(f.text(a, "grade", max_len=20))
    except AssetsError as exc:
        raise InvalidOperation("args.grade", str(exc)) from exc
    return AssessArgs(grade, f.optional_text(a, "letter", max_len=4), f.optional_text(a, "notes"))


def _transition(a: Mapping[str, object]) -> TransitionArgs:
    return TransitionArgs(f.choice(a, "to", STATUSES), f.optional_text(a, "reason"))


def _pallet(a: Mapping[str, object]) -> PalletArgs:
    return PalletArgs(parse_key(a.get("pallet"), "args.pallet", "pallet"))


def _keys(a: Mapping[str, object], name: str) -> tuple[str, ...]:
    return tuple(sorted({parse_key(k, f"args.{name}", "asset") for k in f.text_list(a, name)}))


def _seal(a: Mapping[str, object]) -> SealArgs:
    gross, tare = f.weight(a, "gross"), f.weight(a, "tare")
    assert gross is not None and tare is not None  # required=True
    if tare.kg > gross.kg:
        raise InvalidOperation("args.tare", "the tare weight is more than the gross weight")
    return SealArgs(f.text(a, "seal_number", max_len=40), gross, tare, _keys(a, "manifest"))


def _confirm(a: Mapping[str, object]) -> ConfirmArgs:
    if not isinstance(a.get("scanned"), list):
        raise InvalidOperation("args.scanned", "must list the asset keys scanned on the pallet")
    return ConfirmArgs(_keys(a, "scanned"))


def _handoff(a: Mapping[str, object]) -> HandoffArgs:
    from_holder = parse_holder(a.get("from"), "args.from")
    to_holder = parse_holder(a.get("to"), "args.to")
    if from_holder == to_holder:
        raise InvalidOperation("args.to", "custody must pass to someone else")
    return HandoffArgs(
        from_holder,
        to_holder,
        f.text(a, "signed_by", max_len=120),
        f.optional_text(a, "signature", max_len=65_536),
    )


def _receive(a: Mapping[str, object]) -> ReceiveArgs:
    gross = f.weight(a, "gross")
    assert gross is not None
    scanned = _keys(a, "scanned") if a.get("scanned") is not None else None
    return ReceiveArgs(
        f.text(a, "seal_number", max_len=40),
        gross,
        parse_holder(a.get("facility"), "args.facility"),
        scanned,
    )


def _audit(a: Mapping[str, object]) -> AuditArgs:
    try:
        location = parse_location(f.text(a, "location", max_len=200))
    except AssetsError as exc:
        raise InvalidOperation("args.location", str(exc)) from exc
    for name in ("expected", "found", "missing", "unexpected"):
        if not isinstance(a.get(name), list):
            raise InvalidOperation(f"args.{name}", "must list asset keys (an empty list is fine)")
    expected, found = set(_keys(a, "expected")), set(_keys(a, "found"))
    missing, unexpected = _keys(a, "missing"), _keys(a, "unexpected")
    if set(missing) != expected - found:
        raise InvalidOperation("args.missing", "must be exactly the expected assets not found")
    if set(unexpected) != found - expected:
        raise InvalidOperation("args.unexpected", "must be exactly the found assets not expected")
    elsewhere = _keys(a, "elsewhere")
    if not set(elsewhere) <= set(unexpected):
        raise InvalidOperation("args.elsewhere", "may name only unexpected assets")
    return AuditArgs(
        location.key, tuple(sorted(expected)), tuple(sorted(found)), missing, unexpected, elsewhere
    )


def _optional_choice(
    a: Mapping[str, object], name: str, allowed: Mapping[str, object]
) -> str | None:
    return None if a.get(name) is None else f.choice(a, name, allowed)


def _sanitize(a: Mapping[str, object]) -> SanitizeArgs:
    method = f.choice(a, "method", SANITIZATION_METHODS)
    technique = _optional_choice(a, "technique", sz.TECHNIQUES)
    if technique is not None and (why := sz.technique_refusal(method, technique)):
        raise InvalidOperation("args.technique", why)
    performed_by = f.text(a, "performed_by", max_len=120)
    validated_by = f.optional_text(a, "validated_by", max_len=120)
    if validated_by is not None and validated_by == performed_by:
        raise InvalidOperation("args.validated_by", "the validator must be someone else")
    media_asset = a.get("media_asset")
    return SanitizeArgs(
        storage_serial=f.text(a, "storage_serial", max_len=80),
        method=method,
        tool=f.text(a, "tool", max_len=120),
        verified=f.flag(a, "verified"),
        performed_by=performed_by,
        performed_at=f.text(a, "performed_at", max_len=40),
        media_type=_optional_choice(a, "media_type", sz.MEDIA_TYPES),
        media_make=f.optional_text(a, "media_make", max_len=80),
        media_model=f.optional_text(a, "media_model", max_len=120),
        media_asset=None
        if media_asset is None
        else parse_key(media_asset, "args.media_asset", "asset"),
        technique=technique,
        tool_version=f.optional_text(a, "tool_version", max_len=40),
        verification_method=_optional_choice(a, "verification_method", sz.VERIFICATION_METHODS),
        validated_by=validated_by,
        destination=_optional_choice(a, "destination", sz.DESTINATIONS),
        notes=f.optional_text(a, "notes", max_len=1000),
    )


def _dispose(a: Mapping[str, object]) -> DisposeArgs:
    commodity = a.get("commodity")
    if commodity is not None and commodity not in COMMODITIES:
        raise InvalidOperation("args.commodity", f"must be one of {', '.join(COMMODITIES)}")
    return DisposeArgs(
        outcome=f.choice(a, "outcome", OUTCOMES),
        weight=f.weight(a, "weight", required=False),
        value=f.money(a, "value"),
        commodity=None if commodity is None else str(commodity),
        certificate=f.optional_text(a, "certificate", max_len=120),
        vendor=f.optional_text(a, "vendor", max_len=120),
    )


def _resolve(a: Mapping[str, object]) -> ResolveArgs:
    choice = f.choice(a, "choice", {"a": 1, "b": 1, "value": 1})
    raw_value = a.get("value")
    value: dict[str, str] | None = None
    if raw_value is not None:
        if not isinstance(raw_value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in raw_value.items()
        ):
            raise InvalidOperation("args.value", "must be an object of text values")
        value = {k: f.checked_text(v, "args.value") for k, v in raw_value.items()}
    if choice == "value" and not value:
        raise InvalidOperation("args.value", "a decision that sets a value must give the value")
    return ResolveArgs(
        conflict_id=f.text(a, "conflict_id", max_len=80),
        on=parse_key(a.get("on"), "args.on"),
        choice=choice,
        value=value,
        note=f.optional_text(a, "note", max_len=1000),
    )


@dataclass(frozen=True, slots=True)
class KindSpec:
    label: str
    target_types: tuple[str, ...]
    parse_args: Callable[[Mapping[str, object]], Any]
    arg_names: frozenset[str]
    expects: tuple[str, ...] = ()  # which beliefs a device may state


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


REGISTER_ARGS = (
    "serial make model category data_bearing storage_serials parent fields nominal_weight"
)

KINDS: dict[str, KindSpec] = {
    "register": KindSpec(
        "Register",
        ("asset", "location"),
        _register,
        _names(REGISTER_ARGS),
    ),
    # New details for a registered asset (an import's changed row): the latest, by HLC, wins.
    "describe": KindSpec(
        "Details changed",
        ("asset",),
        _register,
        _names(REGISTER_ARGS),
    ),
    "observe": KindSpec("Seen at", ("asset",), _observe, _names("location")),
    "assess": KindSpec("Grade", ("asset",), _assess, _names("grade letter notes"), ("grade_op",)),
    "transition": KindSpec(
        "Status change", ("asset",), _transition, _names("to reason"), ("status",)
    ),
    "load": KindSpec("Load", ("asset",), _pallet, _names("pallet"), ("pallet",)),
    "unload": KindSpec("Unload", ("asset",), _pallet, _names("pallet"), ("pallet",)),
    "seal": KindSpec("Seal", ("pallet",), _seal, _names("seal_number gross tare manifest")),
    "confirm": KindSpec("Confirm contents", ("pallet",), _confirm, _names("scanned")),
    "handoff": KindSpec(
        "Custody handoff",
        ("asset", "pallet"),
        _handoff,
        _names("from to signed_by signature"),
        ("custodian",),
    ),
    "receive": KindSpec(
        "Receive", ("pallet",), _receive, _names("seal_number gross facility scanned")
    ),
    "audit": KindSpec(
        "Location audit",
        ("location",),
        _audit,
        _names("location expected found missing unexpected elsewhere"),
    ),
    "sanitize": KindSpec(
        "Sanitization",
        ("asset",),
        _sanitize,
        _names(
            "storage_serial method tool verified performed_by performed_at media_type "
            "media_make media_model media_asset technique tool_version verification_method "
            "validated_by destination notes"
        ),
    ),
    "dispose": KindSpec(
        "Disposition",
        ("asset",),
        _dispose,
        _names("outcome weight value commodity certificate vendor"),
    ),
    "resolve": KindSpec(
        "Decision", ("conflict",), _resolve, _names("conflict_id on choice value note")
    ),
}


# ---- the envelope -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Operation:
    op_id: str
    device_id: str
    device_seq: int
    hlc: Stamp
    actor: str
    kind: str
    target: str
    args: Any  # the kind's arguments class (see KINDS)
    expects: Mapping[str, str | None] = field(default_factory=dict)
    schema: int = SCHEMA_VERSION
    wire_args: Mapping[str, object] = field(default_factory=dict, compare=False)

    @property
    def sort_key(self) -> tuple[Stamp, str, int]:
        return (self.hlc, self.device_id, self.device_seq)

    @property
    def touches(self) -> tuple[str, ...]:
        """Every target whose fold this operation takes part in."""
        if isinstance(self.args, PalletArgs):
            return (self.target, self.args.pallet)
        if isinstance(self.args, ResolveArgs):
            return (self.args.on,)
        return (self.target,)

    def expected(self, name: str) -> tuple[bool, str | None]:
        """(whether the device stated a belief about `name`, what it believed)."""
        return (name in self.expects, self.expects.get(name))

    def to_dict(self) -> dict[str, object]:
        return {
            "op_id": self.op_id,
            "device_id": self.device_id,
            "device_seq": self.device_seq,
            "hlc": str(self.hlc),
            "actor": self.actor,
            "kind": self.kind,
            "target": self.target,
            "args": dict(self.wire_args),
            "expects": dict(self.expects),
            "schema": self.schema,
        }


def parse_operation(data: object) -> Operation:
    """Check an operation in its wire form; raise the first fault found, naming its field."""
    if not isinstance(data, Mapping):
        raise InvalidOperation("operation", "must be a JSON object")
    schema = data.get("schema")
    if isinstance(schema, bool) or not isinstance(schema, int) or schema < 1:
        raise InvalidOperation("schema", "must be a positive whole number")
    if schema > SCHEMA_VERSION:
        raise UnsupportedSchema(
            "schema", f"version {schema} is newer than this app's {SCHEMA_VERSION}: update it"
        )
    op_id = f.uuid_text(data.get("op_id"), "op_id")
    device_id = f.text(data, "device_id", max_len=64)
    seq = data.get("device_seq")
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
        raise InvalidOperation("device_seq", "must be a whole number from 1 up")
    hlc = parse_stamp(data.get("hlc"))
    actor = f.text(data, "actor", max_len=120)
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        raise UnknownKind("kind", f"'{str(kind)[:40]}' is not an operation this app knows")
    spec = KINDS[kind]
    target = parse_key(data.get("target"), "target")
    if key_type(target) not in spec.target_types:
        raise InvalidOperation(
            "target", f"a {kind} applies to a {' or '.join(spec.target_types)}, not {target}"
        )
    spec = KIND_VARIANTS.get((kind, key_type(target)), spec)
    raw_args = data.get("args", {})
    if not isinstance(raw_args, Mapping):
        raise InvalidOperation("args", "must be a JSON object")
    if not spec.arg_names.issuperset(raw_args):
        unknown = sorted(str(name) for name in raw_args if name not in spec.arg_names)
        raise InvalidOperation(f"args.{unknown[0][:40]}", f"is not an argument of {kind}")
    try:
        args = spec.parse_args(raw_args)
    except InvalidOperation as exc:
        name = exc.field if exc.field.startswith("args.") else f"args.{exc.field}"
        raise InvalidOperation(name, exc.message) from exc
    expects = _parse_expects(data.get("expects"), spec)
    op = Operation(
        op_id, device_id, seq, hlc, actor, kind, target, args, expects, schema, dict(raw_args)
    )
    _check_coherence(op)
    return op


# Kinds whose arguments depend on the target: registering a location tag names its place.
KIND_VARIANTS: dict[tuple[str, str], KindSpec] = {
    ("register", "location"): KindSpec(
        "Name a location", ("location",), _register_location, _names("path name")
    ),
}


def _parse_expects(raw: object, spec: KindSpec) -> dict[str, str | None]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise InvalidOperation("expects", "must be a JSON object")
    expects: dict[str, str | None] = {}
    for name, value in raw.items():
        if name not in spec.expects:
            allowed = ", ".join(spec.expects) or "nothing"
            raise InvalidOperation(
                f"expects.{name}", f"is not a belief this kind states ({allowed})"
            )
        if value is not None and not isinstance(value, str):
            raise InvalidOperation(f"expects.{name}", "must be text or null")
        expects[str(name)] = None if value is None else f.checked_text(value, f"expects.{name}")
    return expects


def _check_coherence(op: Operation) -> None:
    """Rules that tie the envelope and the arguments together."""
    if op.kind == "transition":
        stated, before = op.expected("status")
        if not stated or before is None:
            raise InvalidOperation("expects.status", "a status change must say the status it saw")
        verdict = check_transition(before, op.args.to)
        if not verdict.allowed:
            raise InvalidOperation("args.to", verdict.reason)
    if op.kind == "resolve" and op.target != f"conflict:{op.args.conflict_id}":
        raise InvalidOperation("target", "a decision's target must be conflict:<its conflict_id>")
    if isinstance(op.args, SanitizeArgs) and op.args.media_asset == op.target:
        raise InvalidOperation("args.media_asset", "the drive is inside the asset, not the asset")
    if isinstance(op.args, RegisterArgs) and op.args.parent == op.target:
        raise InvalidOperation("args.parent", "an asset cannot be its own parent")


def build_operation(
    *,
    op_id: str,
    device_id: str,
    device_seq: int,
    hlc: Stamp,
    actor: str,
    kind: str,
    target: str,
    args: Mapping[str, object] | None = None,
    expects: Mapping[str, str | None] | None = None,
) -> Operation:
    """Make a new operation through the same checks a received one passes."""
    return parse_operation(
        {
            "op_id": op_id,
            "device_id": device_id,
            "device_seq": device_seq,
            "hlc": str(hlc),
            "actor": actor,
            "kind": kind,
            "target": target,
            "args": dict(args or {}),
            "expects": dict(expects or {}),
            "schema": SCHEMA_VERSION,
        }
    )
