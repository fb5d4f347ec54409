"""A finished location audit: strict arguments, and its fold on the location tag."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assets.errors import InvalidOperation
from assets.merge import LocationState
from assets.operations import AuditArgs
from assets.targets import fold_target
from tests.assets.factory import BASE_MS, Device

LOC = "location:LT-0000001-A"
A, B, C, D = (f"asset:TA-000000{n}-X" for n in range(1, 5))


def _args(**over: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "location": "DAL1/B1/CLOSET-1",
        "expected": [A, B, C],
        "found": [A, D],
        "missing": [B, C],
        "unexpected": [D],
    }
    args.update(over)
    return args


def test_an_audit_keeps_its_lists_sorted_and_checked() -> None:
    op = Device("dev-a").op("audit", LOC, _args(elsewhere=[D]))
    assert op.args == AuditArgs("DAL1/B1/CLOSET-1", (A, B, C), (A, D), (B, C), (D,), (D,))
    assert op.touches == (LOC,)


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"missing": [B]}, "args.missing"),
        ({"unexpected": []}, "args.unexpected"),
        ({"elsewhere": [A]}, "args.elsewhere"),
        ({"found": "TA-1"}, "args.found"),
        ({"expected": None}, "args.expected"),
        ({"location": "not a/ place!"}, "args.location"),
        ({"found": [A, "pallet:PL-1"]}, "args.found"),
        ({"extra": 1}, "args.extra"),
    ],
)
def test_bad_audits_name_the_field(over: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidOperation) as caught:
        Device("dev-a").op("audit", LOC, _args(**over))
    assert caught.value.field == field


def test_an_audit_applies_only_to_a_location_tag() -> None:
    with pytest.raises(InvalidOperation, match="target"):
        Device("dev-a").op("audit", A, _args())


def test_missing_assets_raise_one_item_for_a_supervisor() -> None:
    d = Device("dev-a")
    ops = [
        d.op("register", LOC, {"path": "DAL1/B1/CLOSET-1"}),
        d.op("audit", LOC, _args()),
    ]
    result = fold_target(LOC, ops)
    state = result.state
    assert isinstance(state, LocationState)
    assert state.path == "DAL1/B1/CLOSET-1"  # an audit never renames the place
    assert state.audit_op == ops[1].op_id
    assert state.audit_counts == {
        "expected": 3,
        "found": 2,
        "missing": 2,
        "unexpected": 1,
        "elsewhere": 0,
    }
    (item,) = result.conflicts.values()
    assert item.type == "missing_in_audit" and item.target == LOC
    assert item.detail["missing"] == f"{B}, {C}"
    assert result.effects[ops[1].op_id] == "flagged"
    assert LocationState.from_dict(state.to_dict()) == state


def test_a_clean_audit_raises_nothing_and_the_decision_keeps_the_place() -> None:
    d, sup = Device("dev-a"), Device("dev-s")
    clean = d.op("audit", LOC, _args(found=[A, B, C], missing=[], unexpected=[]))
    assert fold_target(LOC, [clean]).conflicts == {}
    register = d.op("register", LOC, {"path": "DAL1/B1/CLOSET-1"})
    audit = d.op("audit", LOC, _args())
    (item,) = fold_target(LOC, [register, audit]).conflicts.values()
    decision = sup.op(
        "resolve",
        f"conflict:{item.id}",
        {"conflict_id": item.id, "on": LOC, "choice": "value", "value": {"path": "HOU3/X"}},
        at_ms=BASE_MS + 60_000,
    )
    result = fold_target(LOC, [register, audit, decision])
    assert not result.conflicts[item.id].is_open
    assert isinstance(result.state, LocationState)
    assert result.state.path == "DAL1/B1/CLOSET-1"


KEYS = st.sets(st.sampled_from([f"asset:TA-{n:07d}-X" for n in range(12)]), max_size=12)


@settings(max_examples=150, deadline=None)
@given(expected=KEYS, found=KEYS)
def test_any_honest_audit_parses_and_any_altered_list_is_refused(
    expected: set[str], found: set[str]
) -> None:
    args = {
        "location": "DAL1/B1/CLOSET-1",
        "expected": sorted(expected),
        "found": sorted(found),
        "missing": sorted(expected - found),
        "unexpected": sorted(found - expected),
    }
    op = Device("dev-h").op("audit", LOC, args)
    assert set(op.args.missing) | set(op.args.found) >= set(op.args.expected)
    conflicts = fold_target(LOC, [op]).conflicts
    assert len(conflicts) == (1 if expected - found else 0)
    if found:
        extra = sorted(found)[0]
        tampered = dict(args, missing=sorted((expected - found) | {extra}))
        with pytest.raises(InvalidOperation, match=r"args\.missing"):
            Device("dev-h").op("audit", LOC, tampered)
