"""Every operation kind: a valid example parses, and each broken field is named in the error."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import pytest

from assets.errors import InvalidOperation, UnknownKind, UnsupportedSchema
from assets.hlc import Stamp
from assets.operations import KINDS, SCHEMA_VERSION, Operation, parse_operation

ASSET = "asset:TA-0001234-K"
PALLET = "pallet:TP-0000003-Q"
KG = {"value": "412.5", "unit": "kg"}

VALID: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {
    "register": (
        ASSET,
        {
            "serial": "5CG1234XYZ",
            "make": "HP",
            "model": "EliteBook 840 G8",
            "category": "laptop",
            "data_bearing": True,
            "storage_serials": ["S4EVNX0R123456"],
            "parent": "asset:TA-0000001-2",
        },
        {},
    ),
    "describe": (
        ASSET,
        {"serial": "5CG1234XYZ", "model": "EliteBook 840 G9", "fields": {"Purchase Cost": "912"}},
        {},
    ),
    "observe": (ASSET, {"location": "DAL1/B2/CLOSET-3/SHELF-A"}, {}),
    "assess": (
        ASSET,
        {"grade": "F4/C6", "letter": "B", "notes": "scuffed lid"},
        {"grade_op": None},
    ),
    "transition": (ASSET, {"to": "surplus", "reason": "refresh"}, {"status": "deployed"}),
    "load": (ASSET, {"pallet": PALLET}, {"pallet": None}),
    "unload": (ASSET, {"pallet": PALLET}, {"pallet": PALLET}),
    "seal": (
        PALLET,
        {
            "seal_number": "SN-88812",
            "gross": KG,
            "tare": {"value": 22, "unit": "kg"},
            "manifest": [ASSET],
        },
        {},
    ),
    "confirm": (PALLET, {"scanned": [ASSET]}, {}),
    "handoff": (
        PALLET,
        {
            "from": "site:DAL1",
            "to": "carrier:Acme Freight",
            "signed_by": "J. Rivera",
            "signature": "M 10 10 L 20 20",
        },
        {"custodian": "site:DAL1"},
    ),
    "receive": (
        PALLET,
        {
            "seal_number": "SN-88812",
            "gross": {"value": "909.4", "unit": "lb"},
            "facility": "facility:Recycler East",
            "scanned": [ASSET],
        },
        {},
    ),
    "audit": (
        "location:LT-0000001-A",
        {
            "location": "DAL1/B2/CLOSET-3",
            "expected": [ASSET, "asset:TA-0000002-Y"],
            "found": [ASSET, "asset:TA-0000003-Z"],
            "missing": ["asset:TA-0000002-Y"],
            "unexpected": ["asset:TA-0000003-Z"],
            "elsewhere": ["asset:TA-0000003-Z"],
        },
        {},
    ),
    "sanitize": (
        ASSET,
        {
            "storage_serial": "S4EVNX0R123456",
            "method": "purge",
            "tool": "Blancco 7",
            "verified": True,
            "performed_by": "lee",
            "performed_at": "2026-11-20T10:15:00Z",
        },
        {},
    ),
    "dispose": (
        ASSET,
        {
            "outcome": "resale",
            "weight": {"value": "1.6", "unit": "kg"},
            "value": {"amount": "180.00", "currency": "usd"},
            "commodity": "mixed_electronics",
            "certificate": "COD-2026-0042",
        },
        {},
    ),
    "resolve": (
        "conflict:c-0123456789abcdef01234567",
        {
            "conflict_id": "c-0123456789abcdef01234567",
            "on": ASSET,
            "choice": "value",
            "value": {"grade": "F4/C6"},
            "note": "checked it myself",
        },
        {},
    ),
}


def envelope(kind: str) -> dict[str, Any]:
    target, args, expects = VALID[kind]
    return {
        "op_id": str(uuid.UUID(int=7)),
        "device_id": "dev-1",
        "device_seq": 1,
        "hlc": str(Stamp(1_780_000_000_000, 0, "dev-1")),
        "actor": "alice",
        "kind": kind,
        "target": target,
        "args": copy.deepcopy(args),
        "expects": copy.deepcopy(expects),
        "schema": SCHEMA_VERSION,
    }


def test_every_kind_has_an_example() -> None:
    assert set(VALID) == set(KINDS)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_valid_operation_parses_and_round_trips(kind: str) -> None:
    wire = envelope(kind)
    op = parse_operation(wire)
    assert isinstance(op, Operation)
    assert op.kind == kind and op.device_seq == 1 and op.actor == "alice"
    again = parse_operation(op.to_dict())
    assert again == op
    assert op.to_dict()["hlc"] == wire["hlc"]


# (kind, where, field, bad value, the field named in the error)
ENVELOPE_FAULTS = [
    ("op_id", "not-a-uuid", "op_id"),
    ("op_id", None, "op_id"),
    ("device_id", "", "device_id"),
    ("device_id", "dev\x07", "device_id"),
    ("device_seq", 0, "device_seq"),
    ("device_seq", -3, "device_seq"),
    ("device_seq", "1", "device_seq"),
    ("device_seq", True, "device_seq"),
    ("hlc", "yesterday", "hlc"),
    ("hlc", 12, "hlc"),
    ("actor", "", "actor"),
    ("actor", "x" * 500, "actor"),
    ("target", "TA-0001234-K", "target"),
    ("target", "shelf:1", "target"),
    ("target", "asset:", "target"),
    ("target", "asset:has space", "target"),
    ("args", [1, 2], "args"),
    ("expects", "deployed", "expects"),
    ("schema", 0, "schema"),
    ("schema", "1", "schema"),
]


@pytest.mark.parametrize(("name", "value", "field"), ENVELOPE_FAULTS)
def test_envelope_faults(name: str, value: object, field: str) -> None:
    wire = envelope("observe")
    wire[name] = value
    with pytest.raises(InvalidOperation) as info:
        parse_operation(wire)
    assert info.value.field == field
    assert info.value.message


def test_not_an_object() -> None:
    with pytest.raises(InvalidOperation, match="JSON object"):
        parse_operation([1, 2])


def test_newer_schema_and_unknown_kind_are_told_apart() -> None:
    wire = envelope("observe")
    wire["schema"] = SCHEMA_VERSION + 1
    with pytest.raises(UnsupportedSchema, match="newer"):
        parse_operation(wire)
    wire = envelope("observe")
    wire["kind"] = "teleport"
    with pytest.raises(UnknownKind, match="teleport"):
        parse_operation(wire)


ARG_FAULTS: list[tuple[str, str, object, str]] = [
    ("register", "category", "spaceship", "args.category"),
    ("register", "data_bearing", "yes", "args.data_bearing"),
    ("register", "storage_serials", "S4EV", "args.storage_serials"),
    ("register", "storage_serials", [""], "args.storage_serials"),
    ("register", "parent", "pallet:TP-1", "args.parent"),
    ("register", "parent", ASSET, "args.parent"),  # its own parent
    ("register", "serial", "A" * 81, "args.serial"),
    ("register", "colour", "red", "args.colour"),
    ("register", "fields", {"Notes": "bad\x00byte"}, "args.fields.Notes"),
    ("register", "fields", {"Notes": "x" * 2001}, "args.fields.Notes"),
    ("register", "fields", {"Cost": "1", "cost": "2"}, "args.fields.cost"),
    ("register", "fields", ["Cost"], "args.fields"),
    ("describe", "fields", {"": "empty name"}, "args.fields."),
    ("describe", "category", "spaceship", "args.category"),
    ("observe", "location", "", "args.location"),
    ("observe", "location", "a/b/c/d/e", "args.location"),
    ("observe", "location", "DAL 1", "args.location"),
    ("assess", "grade", "F9/C1", "args.grade"),
    ("assess", "grade", None, "args.grade"),
    ("transition", "to", "vaporised", "args.to"),
    ("transition", "to", "destroyed", "args.to"),  # deployed -> destroyed not allowed
    ("load", "pallet", ASSET, "args.pallet"),
    ("unload", "pallet", None, "args.pallet"),
    ("seal", "seal_number", "", "args.seal_number"),
    ("seal", "gross", {"value": "-1", "unit": "kg"}, "args.gross"),
    ("seal", "gross", {"value": "10", "unit": "stone"}, "args.gross"),
    ("seal", "gross", {"value": "NaN", "unit": "kg"}, "args.gross"),
    ("seal", "tare", {"value": "5000", "unit": "kg"}, "args.tare"),  # more than gross
    ("seal", "manifest", ["TA-1"], "args.manifest"),
    ("confirm", "scanned", None, "args.scanned"),
    ("confirm", "scanned", [PALLET], "args.scanned"),
    ("handoff", "from", "alice", "args.from"),
    ("handoff", "to", "robot:r2", "args.to"),
    ("handoff", "to", "site:DAL1", "args.to"),  # to itself
    ("handoff", "signed_by", "", "args.signed_by"),
    ("receive", "facility", "Recycler East", "args.facility"),
    ("receive", "gross", None, "args.gross"),
    ("audit", "missing", [], "args.missing"),
    ("audit", "found", None, "args.found"),
    ("sanitize", "method", "magnet", "args.method"),
    ("sanitize", "verified", "true", "args.verified"),
    ("sanitize", "storage_serial", "", "args.storage_serial"),
    ("sanitize", "tool", None, "args.tool"),
    ("sanitize", "performed_by", "", "args.performed_by"),
    ("sanitize", "performed_at", None, "args.performed_at"),
    ("dispose", "outcome", "landfill", "args.outcome"),
    ("dispose", "value", {"amount": "-5", "currency": "USD"}, "args.value"),
    ("dispose", "value", {"amount": "5", "currency": "dollars"}, "args.value"),
    ("dispose", "commodity", "gold", "args.commodity"),
    ("dispose", "weight", {"value": "1e9", "unit": "kg"}, "args.weight"),
    ("resolve", "choice", "c", "args.choice"),
    ("resolve", "value", None, "args.value"),  # choice "value" without a value
    ("resolve", "value", {"grade": 4}, "args.value"),
    ("resolve", "on", "TA-1", "args.on"),
    ("resolve", "conflict_id", "c-other", "target"),  # target must match
]


@pytest.mark.parametrize(("kind", "name", "value", "field"), ARG_FAULTS)
def test_argument_faults(kind: str, name: str, value: object, field: str) -> None:
    wire = envelope(kind)
    wire["args"][name] = value
    with pytest.raises(InvalidOperation) as info:
        parse_operation(wire)
    assert info.value.field == field, str(info.value)


def test_every_kind_has_an_argument_fault() -> None:
    assert {kind for kind, *_ in ARG_FAULTS} == set(KINDS)


@pytest.mark.parametrize(
    ("kind", "expects", "field"),
    [
        ("transition", {}, "expects.status"),
        ("transition", {"status": None}, "expects.status"),
        ("transition", {"status": "in_transit"}, "args.to"),  # in_transit -> surplus refused
        ("observe", {"status": "deployed"}, "expects.status"),
        ("assess", {"grade_op": 5}, "expects.grade_op"),
    ],
)
def test_expectation_faults(kind: str, expects: dict[str, object], field: str) -> None:
    wire = envelope(kind)
    wire["expects"] = expects
    with pytest.raises(InvalidOperation) as info:
        parse_operation(wire)
    assert info.value.field == field


def test_register_of_a_location_tag_takes_a_path() -> None:
    wire = envelope("register")
    wire["target"] = "location:TL-0000042-7"
    wire["args"] = {"path": "dal1/b1/closet-2", "name": "Closet 2"}
    op = parse_operation(wire)
    assert op.args.path == "DAL1/B1/CLOSET-2"
    wire["args"] = {"path": "a/b/c/d/e"}
    with pytest.raises(InvalidOperation) as info:
        parse_operation(wire)
    assert info.value.field == "args.path"
    wire["args"] = {"serial": "X"}  # an asset's arguments do not fit a location
    with pytest.raises(InvalidOperation) as info:
        parse_operation(wire)
    assert info.value.field == "args.serial"
    wire["target"] = "pallet:TP-1"
    with pytest.raises(InvalidOperation) as info:
        parse_operation(wire)
    assert info.value.field == "target"


def test_touches() -> None:
    load = parse_operation(envelope("load"))
    assert load.touches == (ASSET, PALLET)
    resolve = parse_operation(envelope("resolve"))
    assert resolve.touches == (ASSET,)
    assert parse_operation(envelope("observe")).touches == (ASSET,)


def test_weights_keep_their_unit() -> None:
    op = parse_operation(envelope("receive"))
    assert op.args.gross.unit == "lb"
    assert round(op.args.gross.kg, 1) == pytest.approx(412.5, abs=0.1)
