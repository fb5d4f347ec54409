"""One scenario per merge rule: operations from two devices that must raise a conflict type
(or merge by themselves). Each scenario uses its own targets, so all run in one store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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


def scenarios(a: Device, b: Device) -> list[Scenario]:
    out: list[Scenario] = []

    def add(
        name: str,
        conflict: str | None,
        build: Callable[[str], tuple[list[Operation], list[Operation]]],
    ) -> None:
        first, second = build(name.upper().replace("_", "-"))
        out.append(Scenario(name, first, second, conflict))

    def claimed(tag: str) -> tuple[list[Operation], list[Operation]]:
        return (
            [a.op("register", f"asset:{tag}", {"serial": "S-1"})],
            [b.op("register", f"asset:{tag}", {"serial": "S-2"})],
        )

    def same_claim(tag: str) -> tuple[list[Operation], list[Operation]]:
        return (
            [a.op("register", f"asset:{tag}", {"serial": "S-9"})],
            [b.op("register", f"asset:{tag}", {"serial": "s-9"})],
        )

    def two_sites(tag: str) -> tuple[list[Operation], list[Operation]]:
        return (
            [a.op("observe", f"asset:{tag}", {"location": "DAL1/B1"})],
            [b.op("observe", f"asset:{tag}", {"location": "AUS2/B1"})],
        )

    def after_disposal(tag: str) -> tuple[list[Operation], list[Operation]]:
        return (
            [a.op("dispose", f"asset:{tag}", {"outcome": "destruction"})],
            [b.op("observe", f"asset:{tag}", {"location": "DAL1/B1"})],
        )

    def grades(tag: str) -> tuple[list[Operation], list[Operation]]:
        return (
            [a.op("assess", f"asset:{tag}", {"grade": "F1/C1"}, {"grade_op": None})],
            [b.op("assess", f"asset:{tag}", {"grade": "F4/C6"}, {"grade_op": None})],
        )

    def equal_grades(tag: str) -> tuple[list[Operation], list[Operation]]:
        return (
            [a.op("assess", f"asset:{tag}", {"grade": "F2/C2"}, {"grade_op": None})],
            [b.op("assess", f"asset:{tag}", {"grade": "F2/C2"}, {"grade_op": None})],
        )

    def after_terminal(tag: str) -> tuple[list[Operation], list[Operation]]:
        return (
            [a.op("transition", f"asset:{tag}", {"to": "lost"}, {"status": "in_stock"})],
            [b.op("transition", f"asset:{tag}", {"to": "deployed"}, {"status": "in_stock"})],
        )

    def diverging(tag: str) -> tuple[list[Operation], list[Operation]]:
        return (
            [a.op("transition", f"asset:{tag}", {"to": "deployed"}, {"status": "in_stock"})],
            [b.op("transition", f"asset:{tag}", {"to": "in_repair"}, {"status": "in_stock"})],
        )

    def two_pallets(tag: str) -> tuple[list[Operation], list[Operation]]:
        return (
            [a.op("load", f"asset:{tag}", {"pallet": f"pallet:{tag}-1"})],
            [b.op("load", f"asset:{tag}", {"pallet": f"pallet:{tag}-2"})],
        )

    def into_sealed(tag: str) -> tuple[list[Operation], list[Operation]]:
        p = f"pallet:{tag}"
        return (
            [a.op("seal", p, {"seal_number": "S1", "gross": _kg(100), "tare": _kg(20)})],
            [b.op("load", f"asset:{tag}", {"pallet": p})],
        )

    def not_sealed(tag: str) -> tuple[list[Operation], list[Operation]]:
        p = f"pallet:{tag}"
        return (
            [a.op("load", f"asset:{tag}", {"pallet": p})],
            [
                b.op(
                    "seal",
                    p,
                    {"seal_number": "S1", "gross": _kg(100), "tare": _kg(20), "manifest": []},
                )
            ],
        )

    def manifest(tag: str) -> tuple[list[Operation], list[Operation]]:
        p = f"pallet:{tag}"
        return (
            [a.op("load", f"asset:{tag}", {"pallet": p})],
            [b.op("confirm", p, {"scanned": [f"asset:{tag}-X"]})],
        )

    def seal_mismatch(tag: str) -> tuple[list[Operation], list[Operation]]:
        p = f"pallet:{tag}"
        return (
            [a.op("seal", p, {"seal_number": "S1", "gross": _kg(100), "tare": _kg(20)})],
            [
                b.op(
                    "receive",
                    p,
                    {"seal_number": "S9", "gross": _kg(100), "facility": "facility:East"},
                )
            ],
        )

    def weight(tag: str) -> tuple[list[Operation], list[Operation]]:
        p = f"pallet:{tag}"
        return (
            [a.op("seal", p, {"seal_number": "S1", "gross": _kg(100), "tare": _kg(20)})],
            [
                b.op(
                    "receive",
                    p,
                    {"seal_number": "S1", "gross": _kg(160), "facility": "facility:East"},
                )
            ],
        )

    def custody(tag: str) -> tuple[list[Operation], list[Operation]]:
        t = f"asset:{tag}"
        return (
            [a.op("handoff", t, {"from": "person:ann", "to": "person:bob", "signed_by": "bob"})],
            [b.op("handoff", t, {"from": "person:ann", "to": "person:cat", "signed_by": "cat"})],
        )

    def sanitize(tag: str) -> tuple[list[Operation], list[Operation]]:
        t = f"asset:{tag}"
        rec = {
            "storage_serial": "D1",
            "tool": "wiper",
            "performed_by": "x",
            "performed_at": "2026-01-01",
        }
        return (
            [a.op("sanitize", t, {**rec, "method": "purge", "verified": True})],
            [b.op("sanitize", t, {**rec, "method": "clear", "verified": False})],
        )

    def disposition(tag: str) -> tuple[list[Operation], list[Operation]]:
        t = f"asset:{tag}"
        return (
            [a.op("dispose", t, {"outcome": "recycle"})],
            [b.op("dispose", t, {"outcome": "destruction"})],
        )

    def unsanitized(tag: str) -> tuple[list[Operation], list[Operation]]:
        t = f"asset:{tag}"
        return (
            [a.op("register", t, {"serial": "DB-1", "data_bearing": True})],
            [b.op("dispose", t, {"outcome": "resale"})],
        )

    def location_named_twice(tag: str) -> tuple[list[Operation], list[Operation]]:
        return (
            [a.op("register", f"location:{tag}", {"path": "DAL1/B1/CLOSET-2"})],
            [b.op("register", f"location:{tag}", {"path": "DAL1/B2/CLOSET-9"})],
        )

    def location_same_place(tag: str) -> tuple[list[Operation], list[Operation]]:
        return (
            [a.op("register", f"location:{tag}", {"path": "DAL1/B1/CLOSET-2"})],
            [b.op("register", f"location:{tag}", {"path": "dal1/b1/closet-2", "name": "C2"})],
        )

    add("tag_claimed_twice", "tag_claimed_twice", claimed)
    add("location_tag_named_twice", "tag_claimed_twice", location_named_twice)
    add("location_tag_same_place_merges", None, location_same_place)
    add("same_claim_merges", None, same_claim)
    add("duplicate_tag_sighting", "duplicate_tag_sighting", two_sites)
    add("scan_after_disposal", "scan_after_disposal", after_disposal)
    add("grade_disputed", "grade_disputed", grades)
    add("equal_grades_merge", None, equal_grades)
    add("transition_after_terminal", "transition_after_terminal", after_terminal)
    add("diverging_transitions", "diverging_transitions", diverging)
    add("two_pallets", "two_pallets", two_pallets)
    add("load_into_sealed", "load_into_sealed", into_sealed)
    add("load_not_sealed", "load_not_sealed", not_sealed)
    add("manifest_mismatch", "manifest_mismatch", manifest)
    add("seal_mismatch", "seal_mismatch", seal_mismatch)
    add("weight_mismatch", "weight_mismatch", weight)
    add("custody_fork", "custody_fork", custody)
    add("sanitization_disputed", "sanitization_disputed", sanitize)
    add("disposition_disputed", "disposition_disputed", disposition)
    add("unsanitized_disposal", "unsanitized_disposal", unsanitized)
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
