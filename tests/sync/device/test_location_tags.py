"""Shared location tags on the device: named offline, answered at once, learnt by every other
device through sync; two different names become one conflict a supervisor settles."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assets.merge import LocationState
from sync.device.service import DeviceService
from sync.errors import InvalidInput

from .harness import PIN, StoreHarness, device_cache, enrol_device

TAG = "TL-0000042-7"


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[StoreHarness]:
    store = StoreHarness(tmp_path / "store")
    yield store
    store.close()


def test_name_a_location_offline_answers_at_once(service: DeviceService) -> None:
    assert service.location_of(TAG) is None
    assert service.location_tags() == []
    recorded = service.name_location(TAG, "dal1/b1/closet-2", name="Closet 2")
    assert recorded.op.kind == "register" and recorded.op.target == f"location:{TAG}"
    assert isinstance(recorded.state, LocationState)
    assert recorded.effect == "applied"
    # nothing synced, yet the device knows it: its own claim counts
    assert service.location_of(TAG) == "DAL1/B1/CLOSET-2"
    assert service.location_of(f"location:{TAG}") == "DAL1/B1/CLOSET-2"
    view = service.location_tag(TAG)
    assert view.pending == 1 and view.known and view.state.name == "Closet 2"
    assert [(s.key, s.path) for s in service.location_tags()] == [
        (f"location:{TAG}", "DAL1/B1/CLOSET-2")
    ]
    # naming it again for the same place merges; another place is a local conflict
    assert service.name_location(TAG, "DAL1/B1/CLOSET-2").effect == "merged"
    clash = service.name_location(TAG, "DAL1/B9")
    assert [c.type for c in clash.conflicts] == ["tag_claimed_twice"]
    assert service.location_of(TAG) == "DAL1/B1/CLOSET-2"


def test_bad_location_names_are_refused_with_a_sentence(service: DeviceService) -> None:
    with pytest.raises(InvalidInput, match="Place"):
        service.name_location(TAG, "")
    with pytest.raises(InvalidInput, match="location tag"):
        service.name_location("two words", "DAL1/B1")
    assert service.outbox_counts()["pending"] == 0


def test_a_named_tag_reaches_every_device(harness: StoreHarness, tmp_path: Path) -> None:
    a = enrol_device(harness, tmp_path / "a.db", harness.transport())
    b = enrol_device(harness, tmp_path / "b.db", harness.transport())
    a.service.switch_person("tech")
    b.service.switch_person("tech")
    a.service.name_location(TAG, "DAL1/B1/CLOSET-2")
    assert b.service.location_of(TAG) is None
    a.engine.sync_now()
    b.engine.sync_now()
    assert b.service.location_of(TAG) == "DAL1/B1/CLOSET-2"
    assert b.service.location_tag(TAG).pending == 0
    assert "DAL1/B1/CLOSET-2" in b.service.locations()
    a.engine.sync_now()
    assert a.service.location_tag(TAG).pending == 0  # settled into the pulled state
    for device in (a, b):
        assert device_cache(device.db) == harness.state()
    a.db.close()
    b.db.close()


def test_two_names_one_conflict_and_the_decision_reaches_both(
    harness: StoreHarness, tmp_path: Path
) -> None:
    a = enrol_device(harness, tmp_path / "a.db", harness.transport())
    b = enrol_device(harness, tmp_path / "b.db", harness.transport())
    a.service.switch_person("tech")
    b.service.switch_person("tech")
    a.service.name_location(TAG, "DAL1/B1/CLOSET-2")
    b.service.name_location(TAG, "DAL1/B2/CLOSET-9")
    for device in (a, b, a):
        device.engine.sync_now()
    conflicts = a.service.open_conflicts()
    assert [(c["type"], c["target"]) for c in conflicts] == [
        ("tag_claimed_twice", f"location:{TAG}")
    ]
    # Until decided, every device follows the store: the first claim.
    assert b.service.location_of(TAG) == a.service.location_of(TAG) == "DAL1/B1/CLOSET-2"
    a.engine.sign_in("sue", PIN)
    a.service.decide_conflict(conflicts[0]["id"], "b", note="the label is on B2's closet")
    assert a.service.location_of(TAG) == "DAL1/B2/CLOSET-9"  # the decision shows at once
    a.engine.sync_now()
    b.engine.sync_now()
    assert b.service.location_of(TAG) == "DAL1/B2/CLOSET-9"
    assert b.service.open_conflicts() == []
    a.db.close()
    b.db.close()
