"""On the device: the role table refuses before anything is written; location audits offline,
then synced to the store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sync.device.audit_history import fetch_audits
from sync.device.database import DeviceDatabase
from sync.device.service import DeviceService
from sync.device.state import load_state
from sync.errors import InvalidInput, ServerRefused, ServerUnreachable

from .conftest import FakeClock
from .harness import StoreHarness, drain, enrol_device
from .inprocess import StoreInProcess

LT = "LT-0000009-C"
PLACE = "DAL1/B1/CLOSET-1"


@pytest.fixture
def tech(db: DeviceDatabase, clock: FakeClock) -> DeviceService:
    svc = DeviceService(db, now_ms=clock)
    svc.remember_person("tess", "Tess", "technician")
    return svc


def test_a_refused_kind_writes_nothing_and_says_who_may(tech: DeviceService) -> None:
    tech.observe("TA-1", PLACE)
    before = tech.outbox_counts()
    with pytest.raises(InvalidInput, match="A technician may not load pallets: ask a crew"):
        tech.load("TA-1", "PL-1")
    with pytest.raises(InvalidInput, match="may not record a disposition"):
        tech.dispose("TA-1", "recycle")
    assert tech.outbox_counts() == before
    assert tech.observe("TA-1", "DAL1/B2").device_seq == 2  # no seq was spent on the refusals
    assert tech.may("observe") and tech.may("audit") and not tech.may("seal")
    tech.remember_person("carl", "Carl", "crew")
    assert tech.may("seal") and not tech.may("observe")
    with pytest.raises(InvalidInput, match="A crew member may not record sightings"):
        tech.observe("TA-1", PLACE)
    tech.sign_out()
    assert not tech.may("observe")


def _stock(svc: DeviceService) -> None:
    svc.name_location(LT, PLACE)
    svc.observe("TA-A", PLACE)
    svc.observe("TA-B", f"{PLACE}/SHELF-2")  # inside the place: expected too
    svc.observe("TA-C", "AUS2/B1/DOCK")  # another site
    svc.observe("TA-D", "DAL1/B9")  # this site, another room
    svc.observe("TA-E", PLACE)
    svc.transition("TA-E", "lost")  # a final status: not expected anywhere


def test_audit_lists_and_finish_offline(tech: DeviceService) -> None:
    _stock(tech)
    lists = tech.audit_lists(LT, ["TA-A", "TA-C", "TA-D"])
    assert lists.expected == ("asset:TA-A", "asset:TA-B")
    assert lists.missing == ("asset:TA-B",)
    assert lists.unexpected == ("asset:TA-C", "asset:TA-D")
    assert lists.elsewhere == ("asset:TA-C",)
    audit, moves = tech.finish_audit(LT, ["TA-A", "TA-C", "TA-D"])
    assert [m.op.target for m in moves] == ["asset:TA-C", "asset:TA-D"]
    assert tech.asset("TA-C").state.location == PLACE  # moved here
    assert tech.asset("TA-B").state.status == "in_stock"  # missing is not a status
    assert audit.op.kind == "audit" and audit.effect == "flagged"
    assert [c.type for c in audit.conflicts] == ["missing_in_audit"]
    tag = tech.location_tag(LT).state
    assert tag.audit_op == audit.op.op_id and tag.audit_counts["missing"] == 1
    # After finishing, the moved ones are expected here.
    assert tech.audit_lists(LT, []).expected == tuple(f"asset:TA-{x}" for x in ("A", "B", "C", "D"))


def test_an_audit_needs_a_named_tag_and_the_role(tech: DeviceService) -> None:
    with pytest.raises(InvalidInput, match="Say which place"):
        tech.finish_audit("LT-0000404-Z", [])
    _stock(tech)
    tech.remember_person("carl", "Carl", "crew")
    before = tech.outbox_counts()
    with pytest.raises(InvalidInput, match="may not audit locations"):
        tech.finish_audit(LT, ["TA-C"])
    assert tech.outbox_counts() == before  # not even the move of the unexpected one


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[StoreHarness]:
    store = StoreHarness(tmp_path / "store")
    yield store
    store.close()


def test_an_offline_audit_syncs_and_reaches_another_device(
    harness: StoreHarness, tmp_path: Path
) -> None:
    here = enrol_device(harness, tmp_path / "here.db", harness.transport())
    there = enrol_device(harness, tmp_path / "there.db", harness.transport())
    here.service.switch_person("tech")
    _stock(here.service)
    audit, _moves = here.service.finish_audit(LT, ["TA-A"])  # recorded before any sync
    drain(here)
    drain(there)
    assert audit.op.op_id in {op for op, _, _ in harness.log()}
    seen = there.service.location_tag(LT).state
    assert seen.audit_op == audit.op.op_id and seen.path == PLACE
    (item,) = [c for c in there.service.open_conflicts() if c["type"] == "missing_in_audit"]
    assert item["detail"]["missing"] == "asset:TA-B"

    # The store's audit history of the tag, as the Audit screen fetches it.
    with there.db.read() as conn:
        token = load_state(conn).token
    person = there.service.current_person()
    assert token and person
    transport = StoreInProcess(harness)
    with httpx.Client(base_url="http://store.test", transport=transport) as client:
        (stored,) = fetch_audits("", token, person.token, LT, client=client)
        assert (stored.op_id, stored.missing, stored.actor) == (
            audit.op.op_id,
            ["asset:TA-B"],
            "tech",
        )
        with pytest.raises(ServerRefused):
            fetch_audits("", token, person.token, "LT-0000404-Z", client=client)
    with pytest.raises(ServerUnreachable):
        fetch_audits("http://127.0.0.1:9", token, person.token, LT)


def test_the_itad_control_is_asked_before_a_disposal(db: DeviceDatabase, clock: FakeClock) -> None:
    svc = DeviceService(db, now_ms=clock)
    svc.remember_person("sam", "Sam", "supervisor")
    svc.claim_tag("TA-L", serial="5CG1", data_bearing=True, storage_serials=["D1", "D2"])
    details = {"media_type": "ssd", "technique": "block_erase", "validated_by": "lee"}
    wipe = svc.sanitize(
        "TA-L",
        "D1",
        "purge",
        "Blancco",
        verified=True,
        performed_by="sam",
        performed_at="2026-05-28T09:30:00Z",
        details=details,
    )
    assert wipe.op.args.technique == "block_erase"
    assert svc.disposal_refusal("TA-L", "resale") == (
        "This asset holds data: record a verified wipe or destruction of D2 before resale"
    )
    assert svc.disposal_refusal("TA-L", "destruction") is None
    with pytest.raises(InvalidInput, match="Shred does not purge media"):
        svc.sanitize(
            "TA-L",
            "D2",
            "purge",
            "Blancco",
            verified=True,
            performed_by="sam",
            performed_at="2026-05-28T09:31:00Z",
            details={"technique": "shred"},
        )
    svc.sanitize(
        "TA-L",
        "D2",
        "destroy",
        "shredder",
        verified=True,
        performed_by="sam",
        performed_at="2026-05-28T09:40:00Z",
        details={"technique": "shred"},
    )
    assert svc.disposal_refusal("TA-L", "resale") is None
    assert svc.dispose("TA-L", "resale").effect == "applied"
