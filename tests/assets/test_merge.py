"""The merge rules of DESIGN.md, one scenario per rule, and their order independence."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assets.conflicts import conflict_id
from assets.merge import (
    AssetFold,
    AssetState,
    LocationState,
    MergeRules,
    PalletState,
    effective_custodian,
    fold_asset,
    fold_pallet,
    ordered,
)
from assets.operations import Operation
from assets.statuses import TRANSITIONS
from assets.targets import fold_target
from tests.assets.factory import BASE_MS, Device

A = "asset:TA-0000001-X"
A2 = "asset:TA-0000002-Y"
P = "pallet:TP-0000001-Z"
P2 = "pallet:TP-0000002-Q"
MIN = 60_000
KG = {"value": "100", "unit": "kg"}
TARE = {"value": "20", "unit": "kg"}


def types_of(ops: list[Operation], key: str = A) -> list[str]:
    return sorted(c.type for c in fold_target(key, ops).conflicts.values())


@pytest.fixture
def d1() -> Device:
    return Device("d1")


@pytest.fixture
def d2() -> Device:
    return Device("d2")


# ---- register ---------------------------------------------------------------------------


def test_first_claim_of_a_tag(d1: Device, d2: Device) -> None:
    ops = [d1.op("register", A, {"serial": "SN1", "category": "laptop"})]
    ops.append(d2.op("register", A, {"serial": "sn1", "category": "laptop"}))
    result = fold_asset(A, ops)
    state = result.state
    assert isinstance(state, AssetState)
    assert state.registered and state.serial == "SN1" and state.category == "laptop"
    assert not result.conflicts
    assert result.effects[ops[1].op_id] == "merged"


def test_same_tag_claimed_for_two_assets(d1: Device, d2: Device) -> None:
    ops = [d1.op("register", A, {"serial": "SN1"}), d2.op("register", A, {"serial": "SN2"})]
    assert types_of(ops) == ["tag_claimed_twice"]
    assert fold_asset(A, ops).state.serial == "SN1"  # type: ignore[union-attr]


# ---- observe ----------------------------------------------------------------------------


def test_latest_observation_wins_and_a_late_old_one_only_enters_history(d1: Device) -> None:
    early = d1.op("observe", A, {"location": "DAL1/B1/ROOM-1"}, at_ms=BASE_MS)
    late = d1.op("observe", A, {"location": "DAL1/B1/ROOM-2"}, at_ms=BASE_MS + 5 * MIN)
    for ops in ([early, late], [late, early]):
        state = fold_asset(A, ops).state
        assert isinstance(state, AssetState)
        assert state.location == "DAL1/B1/ROOM-2"
        assert state.version == 2


def test_same_tag_at_two_sites_within_the_window(d1: Device, d2: Device) -> None:
    ops = [
        d1.op("observe", A, {"location": "DAL1/B1"}, at_ms=BASE_MS),
        d2.op("observe", A, {"location": "NYC1/B1"}, at_ms=BASE_MS + 10 * MIN),
    ]
    assert types_of(ops) == ["duplicate_tag_sighting"]
    # Outside the window it is a move, not a duplicate.
    far = [ops[0], d2.op("observe", A, {"location": "NYC1/B1"}, at_ms=BASE_MS + 16 * MIN)]
    assert types_of(far) == []
    # The window is configurable.
    wide = fold_asset(A, far, MergeRules(sighting_window_ms=30 * MIN))
    assert [c.type for c in wide.conflicts.values()] == ["duplicate_tag_sighting"]


def test_scan_of_a_destroyed_asset(d1: Device) -> None:
    ops = [
        d1.op("dispose", A, {"outcome": "destruction"}),
        d1.op("observe", A, {"location": "DAL1"}),
    ]
    assert types_of(ops) == ["scan_after_disposal"]


# ---- assess -----------------------------------------------------------------------------


def test_grade_made_after_seeing_the_previous_replaces_it(d1: Device, d2: Device) -> None:
    first = d1.op("assess", A, {"grade": "F3/C4"}, {"grade_op": None})
    second = d2.op("assess", A, {"grade": "F5/C7"}, {"grade_op": first.op_id})
    result = fold_asset(A, [second, first])
    assert result.state.grade == "F5/C7"  # type: ignore[union-attr]
    assert not result.conflicts


def test_equal_concurrent_grades_merge(d1: Device, d2: Device) -> None:
    ops = [
        d1.op("assess", A, {"grade": "F4/C6"}, {"grade_op": None}),
        d2.op("assess", A, {"grade": "F4/C6"}, {"grade_op": None}),
    ]
    result = fold_asset(A, ops)
    assert not result.conflicts and not result.state.grade_disputed  # type: ignore[union-attr]


def test_different_concurrent_grades_are_disputed(d1: Device, d2: Device) -> None:
    ops = [
        d1.op("assess", A, {"grade": "F4/C6"}, {"grade_op": None}),
        d2.op("assess", A, {"grade": "F2/C3"}, {"grade_op": None}),
    ]
    result = fold_asset(A, ops)
    state = result.state
    assert isinstance(state, AssetState)
    assert state.grade_disputed and state.grade == "F4/C6"
    (conflict,) = result.conflicts.values()
    assert conflict.type == "grade_disputed"
    assert {s.value for s in conflict.sides} == {"F4/C6", "F2/C3"}


# ---- transition -------------------------------------------------------------------------


def test_compare_and_set_transition(d1: Device) -> None:
    ops = [
        d1.op("transition", A, {"to": "deployed"}, {"status": "in_stock"}),
        d1.op("transition", A, {"to": "surplus"}, {"status": "deployed"}),
    ]
    result = fold_asset(A, ops)
    assert result.state.status == "surplus"  # type: ignore[union-attr]
    assert not result.conflicts


def test_same_move_from_two_devices_applies_once(d1: Device, d2: Device) -> None:
    ops = [
        d1.op("transition", A, {"to": "storage"}, {"status": "in_stock"}),
        d2.op("transition", A, {"to": "storage"}, {"status": "in_stock"}),
    ]
    result = fold_asset(A, ops)
    assert result.state.status == "storage" and not result.conflicts  # type: ignore[union-attr]
    assert result.effects[ops[1].op_id] == "merged"


def test_diverging_transitions(d1: Device, d2: Device) -> None:
    ops = [
        d1.op("transition", A, {"to": "storage"}, {"status": "in_stock"}),
        d2.op("transition", A, {"to": "deployed"}, {"status": "in_stock"}),
    ]
    assert types_of(ops) == ["diverging_transitions"]


def test_transition_after_terminal(d1: Device) -> None:
    ops = [
        d1.op("transition", A, {"to": "lost"}, {"status": "in_stock"}),
        d1.op("transition", A, {"to": "deployed"}, {"status": "in_stock"}),
    ]
    assert types_of(ops) == ["transition_after_terminal"]


# ---- load / unload / seal / confirm / receive -----------------------------------------------


def test_load_and_unload(d1: Device) -> None:
    ops = [
        d1.op("load", A, {"pallet": P}, {"pallet": None}),
        d1.op("unload", A, {"pallet": P}, {"pallet": P}),
        d1.op("load", A, {"pallet": P2}, {"pallet": None}),
    ]
    assert fold_asset(A, ops).state.pallet == P2  # type: ignore[union-attr]
    assert fold_target(P, ops).state.manifest == {}  # type: ignore[union-attr]
    assert list(fold_target(P2, ops).state.manifest) == [A]  # type: ignore[union-attr]
    assert types_of(ops) == []


def test_asset_on_two_pallets(d1: Device, d2: Device) -> None:
    ops = [
        d1.op("load", A, {"pallet": P}, {"pallet": None}),
        d2.op("load", A, {"pallet": P2}, {"pallet": None}),
    ]
    assert types_of(ops) == ["two_pallets"]


def test_loading_a_sealed_pallet(d1: Device) -> None:
    ops = [
        d1.op("seal", P, {"seal_number": "S1", "gross": KG, "tare": TARE, "manifest": []}),
        d1.op("load", A, {"pallet": P}, {"pallet": None}),
    ]
    assert types_of(ops, P) == ["load_into_sealed"]


def test_a_load_the_seal_did_not_see(d1: Device, d2: Device) -> None:
    load_a = d1.op("load", A, {"pallet": P}, at_ms=BASE_MS)
    load_b = d2.op("load", A2, {"pallet": P}, at_ms=BASE_MS + MIN)
    seal = d1.op(
        "seal",
        P,
        {"seal_number": "S1", "gross": KG, "tare": TARE, "manifest": [A]},
        at_ms=BASE_MS + 2 * MIN,
    )
    result = fold_pallet(P, [seal, load_b, load_a])
    state = result.state
    assert isinstance(state, PalletState)
    assert state.state == "sealed" and state.seal_number == "S1"
    (conflict,) = result.conflicts.values()
    assert conflict.type == "load_not_sealed" and conflict.detail["asset"] == A2


def test_confirm_all_present_and_mismatch(d1: Device) -> None:
    loads = [d1.op("load", A, {"pallet": P}), d1.op("load", A2, {"pallet": P})]
    good = [*loads, d1.op("confirm", P, {"scanned": [A, A2]})]
    assert types_of(good, P) == []
    extra = "asset:TA-0000009-9"
    bad = [*loads, d1.op("confirm", P, {"scanned": [A, extra]})]
    (conflict,) = fold_target(P, bad).conflicts.values()
    assert conflict.type == "manifest_mismatch"
    assert conflict.detail == {"missing": A2, "extra": extra}


def sealed_pallet(d: Device) -> list[Operation]:
    return [
        d.op("load", A, {"pallet": P}),
        d.op("seal", P, {"seal_number": "S1", "gross": KG, "tare": TARE, "manifest": [A]}),
    ]


def test_receive_matching(d1: Device, d2: Device) -> None:
    ops = [*sealed_pallet(d1)]
    ops.append(
        d2.op(
            "receive",
            P,
            {
                "seal_number": "S1",
                "gross": {"value": "221", "unit": "lb"},
                "facility": "facility:East",
                "scanned": [A],
            },
            at_ms=BASE_MS + MIN,
        )
    )
    result = fold_target(P, ops)
    assert not result.conflicts
    assert result.state.state == "received"  # type: ignore[union-attr]
    assert result.state.custodian == "facility:East"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("seal", "gross", "expected"),
    [
        ("S2", "100", ["seal_mismatch"]),
        ("S1", "103", ["weight_mismatch"]),
        ("S2", "90", ["seal_mismatch", "weight_mismatch"]),
        ("S1", "101.9", []),
    ],
)
def test_receive_checks_seal_and_weight(
    d1: Device, d2: Device, seal: str, gross: str, expected: list[str]
) -> None:
    ops = [*sealed_pallet(d1)]
    ops.append(
        d2.op(
            "receive",
            P,
            {
                "seal_number": seal,
                "gross": {"value": gross, "unit": "kg"},
                "facility": "facility:East",
            },
            at_ms=BASE_MS + MIN,
        )
    )
    assert types_of(ops, P) == expected


def test_weight_tolerance_is_configurable(d1: Device, d2: Device) -> None:
    ops = [*sealed_pallet(d1)]
    ops.append(
        d2.op(
            "receive",
            P,
            {
                "seal_number": "S1",
                "gross": {"value": "104", "unit": "kg"},
                "facility": "facility:East",
            },
            at_ms=BASE_MS + MIN,
        )
    )
    assert not fold_pallet(P, ops, MergeRules(weight_tolerance_pct=Decimal(5))).conflicts


# ---- handoff ----------------------------------------------------------------------------


def test_handoff_chain_and_custody_fork(d1: Device, d2: Device) -> None:
    first = d1.op("handoff", P, {"from": "site:DAL1", "to": "carrier:Acme", "signed_by": "J"})
    second = d1.op("handoff", P, {"from": "carrier:Acme", "to": "facility:East", "signed_by": "K"})
    assert fold_target(P, [first, second]).state.custodian == "facility:East"  # type: ignore[union-attr]
    fork = d2.op("handoff", P, {"from": "site:DAL1", "to": "carrier:Other", "signed_by": "L"})
    assert types_of([first, second, fork], P) == ["custody_fork"]


def test_loaded_asset_custodian_is_the_pallets(d1: Device) -> None:
    ops = [
        d1.op("handoff", A, {"from": "person:ann", "to": "site:DAL1", "signed_by": "ann"}),
        d1.op("load", A, {"pallet": P}),
        d1.op("handoff", P, {"from": "site:DAL1", "to": "carrier:Acme", "signed_by": "J"}),
    ]
    asset = fold_target(A, ops).state
    pallet = fold_target(P, ops).state
    assert isinstance(asset, AssetState) and isinstance(pallet, PalletState)
    assert asset.custodian == "site:DAL1"
    assert effective_custodian(asset, {P: pallet}) == "carrier:Acme"
    assert effective_custodian(asset, {}) == "site:DAL1"


# ---- sanitize / dispose -------------------------------------------------------------------

SANITIZE = {
    "method": "purge",
    "tool": "Blancco",
    "verified": True,
    "performed_by": "lee",
    "performed_at": "2026-11-20T10:00:00Z",
}


def laptop(d: Device) -> Operation:
    return d.op(
        "register",
        A,
        {
            "serial": "SN1",
            "category": "laptop",
            "data_bearing": True,
            "storage_serials": ["DRIVE-1", "DRIVE-2"],
        },
    )


def test_disposal_of_data_bearing_asset_needs_every_drive_sanitized(d1: Device) -> None:
    ops = [
        laptop(d1),
        d1.op("sanitize", A, {**SANITIZE, "storage_serial": "DRIVE-1"}),
        d1.op("dispose", A, {"outcome": "resale"}),
    ]
    result = fold_asset(A, ops)
    (conflict,) = result.conflicts.values()
    assert conflict.type == "unsanitized_disposal" and conflict.detail["missing"] == "DRIVE-2"
    assert result.state.status == "resold"  # type: ignore[union-attr]


def test_disposal_after_full_sanitization(d1: Device) -> None:
    ops = [laptop(d1)]
    ops += [d1.op("sanitize", A, {**SANITIZE, "storage_serial": s}) for s in ("DRIVE-1", "DRIVE-2")]
    ops.append(d1.op("dispose", A, {"outcome": "recycle", "weight": {"value": "2", "unit": "kg"}}))
    result = fold_asset(A, ops)
    assert not result.conflicts
    assert result.state.disposition == "recycle"  # type: ignore[union-attr]


def test_failed_verification_does_not_count(d1: Device) -> None:
    ops = [laptop(d1)]
    ops += [
        d1.op("sanitize", A, {**SANITIZE, "storage_serial": s, "verified": False})
        for s in ("DRIVE-1", "DRIVE-2")
    ]
    ops.append(d1.op("dispose", A, {"outcome": "harvest"}))
    assert types_of(ops) == ["unsanitized_disposal"]


def test_destruction_needs_no_sanitization(d1: Device) -> None:
    assert types_of([laptop(d1), d1.op("dispose", A, {"outcome": "destruction"})]) == []


def test_second_different_outcome(d1: Device, d2: Device) -> None:
    ops = [
        d1.op("dispose", A, {"outcome": "destruction"}),
        d2.op("dispose", A, {"outcome": "destruction"}),
    ]
    assert types_of(ops) == []
    ops.append(d2.op("dispose", A, {"outcome": "recycle"}))
    assert types_of(ops) == ["disposition_disputed"]


def test_second_different_sanitization(d1: Device, d2: Device) -> None:
    ops = [
        d1.op("sanitize", A, {**SANITIZE, "storage_serial": "DRIVE-1"}),
        d2.op("sanitize", A, {**SANITIZE, "storage_serial": "DRIVE-1", "method": "clear"}),
    ]
    assert types_of(ops) == ["sanitization_disputed"]


# ---- resolve ----------------------------------------------------------------------------


def decide(d: Device, cid: str, choice: str, value: dict[str, str] | None = None) -> Operation:
    args: dict[str, object] = {"conflict_id": cid, "on": A, "choice": choice}
    if value:
        args["value"] = value
    return d.op("resolve", f"conflict:{cid}", args)


@pytest.mark.parametrize(
    ("choice", "value", "grade"),
    [("a", None, "F4/C6"), ("b", None, "F2/C3"), ("value", {"grade": "F3/C5"}, "F3/C5")],
)
def test_decision_closes_a_dispute_once(
    d1: Device, d2: Device, choice: str, value: dict[str, str] | None, grade: str
) -> None:
    ops = [d1.op("assess", A, {"grade": "F4/C6"}), d2.op("assess", A, {"grade": "F2/C3"})]
    (conflict,) = fold_asset(A, ops).conflicts.values()
    boss = Device("sup", start_ms=BASE_MS + 10 * MIN, actor="sue")
    ops.append(decide(boss, conflict.id, choice, value))
    ops.append(decide(boss, conflict.id, "a"))  # a second decision does nothing
    result = fold_asset(A, ops)
    closed = result.conflicts[conflict.id]
    assert closed.decided_by == ops[2].op_id and closed.decision == choice
    assert result.state.grade == grade and not result.state.grade_disputed  # type: ignore[union-attr]
    assert result.effects[ops[3].op_id] == "no_effect"
    assert "already decided" in result.notes[ops[3].op_id]


def test_decision_on_diverging_transitions(d1: Device, d2: Device) -> None:
    ops = [
        d1.op("transition", A, {"to": "storage"}, {"status": "in_stock"}),
        d2.op("transition", A, {"to": "deployed"}, {"status": "in_stock"}),
    ]
    (conflict,) = fold_asset(A, ops).conflicts.values()
    ops.append(decide(Device("sup", BASE_MS + MIN), conflict.id, "b"))
    assert fold_asset(A, ops).state.status == "deployed"  # type: ignore[union-attr]


def test_decision_for_unknown_conflict_has_no_effect(d1: Device) -> None:
    op = decide(d1, "c-000000000000000000000000", "a")
    result = fold_asset(A, [op])
    assert result.effects[op.op_id] == "no_effect"


def test_conflict_ids_are_deterministic() -> None:
    a = conflict_id("grade_disputed", A, ("x", "y"))
    assert a == conflict_id("grade_disputed", A, ("y", "x"))
    assert a != conflict_id("grade_disputed", A2, ("x", "y"))
    assert a != conflict_id("custody_fork", A, ("x", "y"))


def test_resume_from_a_snapshot_equals_a_full_fold(d1: Device, d2: Device) -> None:
    ops = [
        laptop(d1),
        d1.op("observe", A, {"location": "DAL1/B1"}),
        d2.op("assess", A, {"grade": "F4/C6"}),
        d1.op("assess", A, {"grade": "F2/C6"}),
        d1.op("transition", A, {"to": "surplus"}, {"status": "in_stock"}),
        d2.op("load", A, {"pallet": P}),
    ]
    full = fold_asset(A, ops)
    head = fold_asset(A, ops[:3])
    snapshot = AssetState.from_dict(head.state.to_dict())
    resumed = AssetFold(A, state=snapshot, conflicts=head.conflicts)
    for op in ordered(ops)[3:]:
        resumed.apply(op)
    assert resumed.result.state == full.state
    assert resumed.result.conflicts == full.conflicts


# ---- order independence (property-based) --------------------------------------------------


def scenario(seed: int) -> list[Operation]:
    """A busy asset and pallet: three devices, random kinds, clocks a day apart."""
    rng = random.Random(seed)
    devices = [
        Device(f"d{i}", start_ms=BASE_MS + rng.randint(-86_400_000, 86_400_000)) for i in range(3)
    ]
    statuses = ["in_stock", "storage", "deployed", "surplus"]
    ops: list[Operation] = []
    for _ in range(rng.randint(1, 25)):
        d = rng.choice(devices)
        d.now += rng.randint(0, 20 * MIN)
        roll = rng.randint(0, 9)
        if roll == 0:
            ops.append(d.op("register", A, {"serial": rng.choice(["S1", "S2"])}))
        elif roll == 1:
            ops.append(d.op("observe", A, {"location": rng.choice(["DAL1/B1", "NYC1", "DAL1"])}))
        elif roll == 2:
            prev = rng.choice([None, *[o.op_id for o in ops if o.kind == "assess"]])
            ops.append(
                d.op("assess", A, {"grade": rng.choice(["F4/C6", "F2/C2"])}, {"grade_op": prev})
            )
        elif roll == 3:
            frm = rng.choice(statuses)
            to = rng.choice(sorted(TRANSITIONS[frm]))
            ops.append(d.op("transition", A, {"to": to}, {"status": frm}))
        elif roll == 4:
            ops.append(d.op("load", A, {"pallet": rng.choice([P, P2])}))
        elif roll == 5:
            ops.append(d.op("unload", A, {"pallet": rng.choice([P, P2])}))
        elif roll == 6:
            ops.append(
                d.op(
                    "seal",
                    P,
                    {
                        "seal_number": rng.choice(["S1", "S2"]),
                        "gross": KG,
                        "tare": TARE,
                        "manifest": rng.choice([[], [A]]),
                    },
                )
            )
        elif roll == 7:
            holders = ["site:DAL1", "carrier:Acme", "facility:East"]
            frm = rng.choice(holders)
            ops.append(
                d.op(
                    "handoff",
                    rng.choice([A, P]),
                    {
                        "from": frm,
                        "to": rng.choice([h for h in holders if h != frm]),
                        "signed_by": "x",
                    },
                )
            )
        elif roll == 8:
            ops.append(d.op("dispose", A, {"outcome": rng.choice(["resale", "destruction"])}))
        else:
            ops.append(
                d.op(
                    "receive",
                    P,
                    {"seal_number": "S1", "gross": KG, "facility": "facility:East", "scanned": [A]},
                    at_ms=BASE_MS + MIN,
                )
            )
    return ops


def snapshot(ops: list[Operation], key: str) -> tuple[dict[str, object], list[dict[str, object]]]:
    result = fold_target(key, ops)
    return result.state.to_dict(), sorted(
        (c.to_dict() for c in result.conflicts.values()), key=lambda c: str(c["id"])
    )


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 10**9), shuffle_seed=st.integers(0, 10**9), duplicates=st.integers(0, 3))
def test_any_order_yields_the_same_state_and_conflicts(
    seed: int, shuffle_seed: int, duplicates: int
) -> None:
    ops = scenario(seed)
    shuffled = list(ops) + ops[:duplicates]  # a redelivered batch changes nothing
    random.Random(shuffle_seed).shuffle(shuffled)
    for key in (A, P, P2):
        assert snapshot(shuffled, key) == snapshot(ops, key)


# ---- location tags ----------------------------------------------------------------------

L = "location:TL-0000042-7"


def test_a_location_tag_names_its_place_once(d1: Device, d2: Device) -> None:
    first = d1.op("register", L, {"path": "dal1/b1/closet-2", "name": "Closet 2"})
    same = d2.op("register", L, {"path": "DAL1/B1/CLOSET-2"})
    result = fold_target(L, [same, first])
    state = result.state
    assert isinstance(state, LocationState)
    assert state.path == "DAL1/B1/CLOSET-2" and state.name == "Closet 2"
    assert not result.conflicts and result.effects[same.op_id] == "merged"


def test_a_location_tag_claimed_for_two_places(d1: Device, d2: Device) -> None:
    ops = [
        d1.op("register", L, {"path": "DAL1/B1/CLOSET-2"}),
        d2.op("register", L, {"path": "DAL1/B2/DOCK-1"}),
    ]
    (conflict,) = fold_target(L, ops).conflicts.values()
    assert conflict.type == "tag_claimed_twice"
    boss = Device("sup", start_ms=BASE_MS + MIN, actor="sue")
    ops.append(
        boss.op(
            "resolve",
            f"conflict:{conflict.id}",
            {"conflict_id": conflict.id, "on": L, "choice": "b"},
        )
    )
    state = fold_target(L, ops).state
    assert isinstance(state, LocationState) and state.path == "DAL1/B2/DOCK-1"
    assert LocationState.from_dict(state.to_dict()) == state
