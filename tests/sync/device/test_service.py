"""The service verbs: validation through the domain core, one transaction, gapless seq."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from assets.hlc import DAY_MS, parse_stamp
from assets.merge import AssetState
from sync.device import outbox, schema
from sync.device.database import DeviceDatabase
from sync.device.service import DeviceService
from sync.device.state import load_state
from sync.errors import InvalidInput, NotSignedIn, SyncError

from .conftest import FakeClock


def _outbox(db: DeviceDatabase) -> list[dict[str, object]]:
    with db.read() as conn:
        rows = conn.execute(select(schema.outbox).order_by(schema.outbox.c.device_seq))
        return [dict(r) for r in rows.mappings()]


def test_scan_writes_one_outbox_row_with_gapless_seq(service: DeviceService) -> None:
    first = service.observe("TA-1", "dal1/b2/closet-3")
    second = service.observe("asset:TA-2", "DAL1/B2")
    assert (first.device_seq, second.device_seq) == (1, 2)
    assert isinstance(first.state, AssetState) and first.state.location == "DAL1/B2/CLOSET-3"
    rows = _outbox(service.db)
    assert [r["device_seq"] for r in rows] == [1, 2]
    assert rows[0]["status"] == outbox.PENDING
    body = json.loads(str(rows[0]["body"]))
    assert body["target"] == "asset:TA-1" and body["actor"] == "alice"
    assert body["device_id"] == service.db.device_id


def test_invalid_input_writes_nothing(service: DeviceService) -> None:
    service.observe("TA-1", "DAL1")
    with service.db.read() as conn:
        before = load_state(conn)
    with pytest.raises(InvalidInput, match="Location") as caught:
        service.observe("TA-1", "dal1/bad place!")
    assert isinstance(caught.value, SyncError)
    with pytest.raises(InvalidInput, match="asset tag cannot be used"):
        service.observe("TA 1 with spaces", "DAL1")
    with pytest.raises(InvalidInput, match="New status"):
        service.transition("TA-1", "destroyed")  # in_stock cannot go straight to destroyed
    with service.db.read() as conn:
        after = load_state(conn)
    assert after == before  # no seq consumed, no clock stamp kept
    assert len(_outbox(service.db)) == 1
    # The next valid operation continues the gapless sequence.
    assert service.observe("TA-1", "DAL1/B2").device_seq == 2


def test_nobody_signed_in(service: DeviceService) -> None:
    service.sign_out()
    with pytest.raises(NotSignedIn):
        service.observe("TA-1", "DAL1")
    service.switch_person("alice")
    assert service.observe("TA-1", "DAL1").op.actor == "alice"
    with pytest.raises(NotSignedIn, match="has not signed in"):
        service.switch_person("mallory")


def test_shared_device_records_each_actor(service: DeviceService) -> None:
    service.observe("TA-1", "DAL1")
    service.remember_person("bob", "Bob", "technician")
    assert service.observe("TA-1", "DAL1/B2").op.actor == "bob"
    assert {p.name for p in service.people()} == {"alice", "bob"}
    assert service.current_person() is not None


def test_transition_states_what_the_device_saw(service: DeviceService) -> None:
    first = service.transition("TA-1", "surplus")
    assert first.op.expects == {"status": "in_stock"}
    second = service.transition("TA-1", "pending_pickup", reason="crew booked")
    assert second.op.expects == {"status": "surplus"}
    assert service.asset("TA-1").state.status == "pending_pickup"
    assert service.asset("TA-1").pending == 2


def test_grade_expects_the_previous_grade_op(service: DeviceService) -> None:
    first = service.grade("TA-1", "F4/C6")
    second = service.grade("TA-1", "F3/C5", notes="cracked hinge")
    assert second.op.expects == {"grade_op": first.op.op_id}
    assert service.asset("TA-1").state.grade == "F3/C5"


def test_pallet_flow_load_seal_confirm(service: DeviceService) -> None:
    service.load("TA-1", "PL-9")
    service.load("TA-2", "PL-9")
    service.unload("TA-2", "PL-9")
    pallet = service.pallet("PL-9")
    assert set(pallet.state.manifest) == {"asset:TA-1"}
    sealed = service.seal(
        "PL-9", "S-77", {"value": "120", "unit": "kg"}, {"value": "20", "unit": "kg"}
    )
    assert sealed.effect == "applied"
    assert sealed.op.to_dict()["args"]["manifest"] == ["asset:TA-1"]  # type: ignore[index]
    late = service.load("TA-3", "PL-9")
    assert late.effect == "applied"  # the asset side applies; the pallet side flags
    assert service.pallet("PL-9").open_conflicts[0].type == "load_into_sealed"
    confirmed = service.confirm_pallet("PL-9", ["TA-1", "TA-4"])
    assert confirmed.effect == "flagged"
    assert confirmed.conflicts[0].detail["extra"] == "asset:TA-4"


def test_handoff_defaults_to_the_current_custodian(service: DeviceService) -> None:
    with pytest.raises(InvalidInput, match="Nobody holds this yet"):
        service.hand_off("TA-1", "person:bob", "Bob")
    first = service.hand_off("TA-1", "person:bob", "Bob", from_holder="site:DAL1")
    assert first.effect == "applied"
    second = service.hand_off("TA-1", "carrier:Acme", "Driver")
    assert second.op.to_dict()["args"]["from"] == "person:bob"  # type: ignore[index]
    assert second.op.expects == {"custodian": "person:bob"}
    with pytest.raises(InvalidInput, match="someone else"):
        service.hand_off("TA-1", "carrier:Acme", "Driver")


def test_claim_sanitize_dispose(service: DeviceService) -> None:
    claimed = service.claim_tag(
        "TA-5", serial="SN1", make="Dell", category="laptop", data_bearing=True
    )
    assert isinstance(claimed.state, AssetState) and claimed.state.registered
    service.sanitize(
        "TA-5",
        "SN1",
        "purge",
        "blancco",
        verified=True,
        performed_by="alice",
        performed_at="2026-01-01",
    )
    done = service.dispose("TA-5", "resale", value={"amount": "100", "currency": "usd"})
    assert done.effect == "applied"
    assert service.asset("TA-5").state.status == "resold"
    with pytest.raises(InvalidInput, match="Outcome"):
        service.dispose("TA-5", "launch into space")


def test_decisions_need_a_supervisor_and_a_known_conflict(service: DeviceService) -> None:
    service.remember_person("tess", "Tess", "technician")
    with pytest.raises(InvalidInput, match="A technician may not decide conflicts"):
        service.decide_conflict("c-1", "a")
    service.remember_person("sue", "Sue", "supervisor")
    with pytest.raises(InvalidInput, match="not on this device"):
        service.decide_conflict("c-1", "a")


def test_clock_never_goes_back_across_restart(db: DeviceDatabase, clock: FakeClock) -> None:
    svc = DeviceService(db, now_ms=clock)
    svc.remember_person("alice", "Alice", "technician")
    first = svc.observe("TA-1", "DAL1").op.hlc
    clock.advance(-DAY_MS)  # the phone's clock is set back a day
    reopened = DeviceService(DeviceDatabase(db.path), now_ms=clock)
    second = reopened.observe("TA-1", "DAL1/B2").op.hlc
    assert second > first
    with db.read() as conn:
        assert parse_stamp(load_state(conn).hlc_last) == second
    reopened.db.close()


def test_recorded_callback_fires_after_commit(db: DeviceDatabase, clock: FakeClock) -> None:
    seen: list[int] = []

    def check(recorded: object) -> None:
        seen.append(len(_outbox(db)))  # the row is already committed when we are told

    svc = DeviceService(db, now_ms=clock, on_recorded=check)
    svc.remember_person("alice", "Alice", "technician")
    svc.observe("TA-1", "DAL1")
    assert seen == [1]
