"""One scenario per merge rule: operations from two devices that must raise a conflict type
(or merge by themselves). Each scenario uses its own targets, so all run in one store."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assets.operations import Operation
from tests.assets.factory import BASE_MS, Device

MIN = 60_000


@dataclass
class Scenario:
    name: str
    first: list[Operation]  # pushed by device A first
    second: list[Operation]  # then by device B
    conflict: str | None  # the conflict type expected, None for a clean merge


def _kg(n: int) -> dict[str, str]:
    return {"value": str(n), "unit": "kg"}


# One side of a scenario: kind, target, args, expects; "{tag}" stands for the scenario's tag.
Step = tuple[str, str, dict[str, Any], dict[str, str | None] | None]
ASSET, PALLET = "asset:{tag}", "pallet:{tag}"
_SEAL = {"seal_number": "S1", "gross": _kg(100), "tare": _kg(20)}
_WIPE = {"storage_serial": "D1", "tool": "wiper", "performed_by": "x", "performed_at": "2026-01-01"}
_IN_STOCK: dict[str, str | None] = {"status": "in_stock"}
_FRESH_GRADE: dict[str, str | None] = {"grade_op": None}

# name, the conflict expected (None: merges by itself), device A's step, device B's step
SCENARIOS: tuple[tuple[str, str | None, Step, Step], ...] = (
    (
        "tag_claimed_twice",
        "tag_claimed_twice",
        ("register", ASSET, {"serial": "S-1"}, None),
        ("register", ASSET, {"serial": "S-2"}, None),
    ),
    (
        "location_tag_named_twice",
        "tag_claimed_twice",
        ("register", "location:{tag}", {"path": "DAL1/B1/CLOSET-2"}, None),
        ("register", "location:{tag}", {"path": "DAL1/B2/CLOSET-9"}, None),
    ),
    (
        "location_tag_same_place_merges",
        None,
        ("register", "location:{tag}", {"path": "DAL1/B1/CLOSET-2"}, None),
        ("register", "location:{tag}", {"path": "dal1/b1/closet-2", "name": "C2"}, None),
    ),
    (
        "same_claim_merges",
        None,
        ("register", ASSET, {"serial": "S-9"}, None),
        ("register", ASSET, {"serial": "s-9"}, None),
    ),
    (
        "duplicate_tag_sighting",
        "duplicate_tag_sighting",
        ("observe", ASSET, {"location": "DAL1/B1"}, None),
        ("observe", ASSET, {"location": "AUS2/B1"}, None),
    ),
    (
        "scan_after_disposal",
        "scan_after_disposal",
        ("dispose", ASSET, {"outcome": "destruction"}, None),
        ("observe", ASSET, {"location": "DAL1/B1"}, None),
    ),
    (
        "grade_disputed",
        "grade_disputed",
        ("assess", ASSET, {"grade": "F1/C1"}, _FRESH_GRADE),
        ("assess", ASSET, {"grade": "F4/C6"}, _FRESH_GRADE),
    ),
    (
        "equal_grades_merge",
        None,
        ("assess", ASSET, {"grade": "F2/C2"}, _FRESH_GRADE),
        ("assess", ASSET, {"grade": "F2/C2"}, _FRESH_GRADE),
    ),
    (
        "transition_after_terminal",
        "transition_after_terminal",
        ("transition", ASSET, {"to": "lost"}, _IN_STOCK),
        ("transition", ASSET, {"to": "deployed"}, _IN_STOCK),
    ),
    (
        "diverging_transitions",
        "diverging_transitions",
        ("transition", ASSET, {"to": "deployed"}, _IN_STOCK),
        ("transition", ASSET, {"to": "in_repair"}, _IN_STOCK),
    ),
    (
        "two_pallets",
        "two_pallets",
        ("load", ASSET, {"pallet": "pallet:{tag}-1"}, None),
        ("load", ASSET, {"pallet": "pallet:{tag}-2"}, None),
    ),
    (
        "load_into_sealed",
        "load_into_sealed",
        ("seal", PALLET, _SEAL, None),
        ("load", ASSET, {"pallet": PALLET}, None),
    ),
    (
        "load_not_sealed",
        "load_not_sealed",
        ("load", ASSET, {"pallet": PALLET}, None),
        ("seal", PALLET, {**_SEAL, "manifest": []}, None),
    ),
    (
        "manifest_mismatch",
        "manifest_mismatch",
        ("load", ASSET, {"pallet": PALLET}, None),
        ("confirm", PALLET, {"scanned": ["asset:{tag}-X"]}, None),
    ),
    (
        "seal_mismatch",
        "seal_mismatch",
        ("seal", PALLET, _SEAL, None),
        (
            "receive",
            PALLET,
            {"seal_number": "S9", "gross": _kg(100), "facility": "facility:East"},
            None,
        ),
    ),
    (
        "weight_mismatch",
        "weight_mismatch",
        ("seal", PALLET, _SEAL, None),
        (
            "receive",
            PALLET,
            {"seal_number": "S1", "gross": _kg(160), "facility": "facility:East"},
            None,
        ),
    ),
    (
        "custody_fork",
        "custody_fork",
        ("handoff", ASSET, {"from": "person:ann", "to": "person:bob", "signed_by": "bob"}, None),
        ("handoff", ASSET, {"from": "person:ann", "to": "person:cat", "signed_by": "cat"}, None),
    ),
    (
        "sanitization_disputed",
        "sanitization_disputed",
        ("sanitize", ASSET, {**_WIPE, "method": "purge", "verified": True}, None),
        ("sanitize", ASSET, {**_WIPE, "method": "clear", "verified": False}, None),
    ),
    (
        "disposition_disputed",
        "disposition_disputed",
        ("dispose", ASSET, {"outcome": "recycle"}, None),
        ("dispose", ASSET, {"outcome": "destruction"}, None),
    ),
    (
        "unsanitized_disposal",
        "unsanitized_disposal",
        ("register", ASSET, {"serial": "DB-1", "data_bearing": True}, None),
        ("dispose", ASSET, {"outcome": "resale"}, None),
    ),
)


def _fill(value: Any, tag: str) -> Any:
    """The step's templates with the scenario's tag in place of "{tag}"."""
    if isinstance(value, str):
        return value.replace("{tag}", tag)
    if isinstance(value, dict):
        return {k: _fill(v, tag) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, tag) for v in value]
    return value


def _op(device: Device, step: Step, tag: str) -> Operation:
    kind, target, args, expects = step
    return device.op(kind, _fill(target, tag), _fill(args, tag), expects)


def scenarios(a: Device, b: Device) -> list[Scenario]:
    out = []
    for name, conflict, first, second in SCENARIOS:
        tag = name.upper().replace("_", "-")
        out.append(Scenario(name, [_op(a, first, tag)], [_op(b, second, tag)], conflict))
    out.append(_audit_missing(a, b, "MISSING-IN-AUDIT"))
    return out


def _audit_missing(a: Device, b: Device, tag: str) -> Scenario:
    """A location audit that did not find one of the two assets expected."""
    loc, expected = f"location:{tag}", [f"asset:{tag}-1", f"asset:{tag}-2"]
    args = {
        "location": "DAL1/B1/CLOSET-4",
        "expected": expected,
        "found": expected[:1],
        "missing": expected[1:],
        "unexpected": [],
    }
    first = [a.op("register", loc, {"path": "DAL1/B1/CLOSET-4"})]
    return Scenario("missing_in_audit", first, [b.op("audit", loc, args)], "missing_in_audit")


def two_devices() -> tuple[Device, Device]:
    # Two people who may record every kind the scenarios use (assets.roles).
    a = Device("dev-a", actor="sup")
    b = Device("dev-b", start_ms=BASE_MS + MIN, actor="admin")
    return a, b
