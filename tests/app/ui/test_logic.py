"""The UI's logic in pure Python: places, the scan workflow, and how states are presented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.ui import present, scanflow
from app.ui.places import PlaceBook, as_location_path
from app.ui.scanflow import ScanFlow
from assets.errors import AssetsError
from assets.tags import make_tag
from sync.device.database import DeviceDatabase
from sync.device.progress import IDLE, OFFLINE, SyncProgress
from sync.device.service import DeviceService
from tests.sync.device.harness import StoreHarness, enrol_device

ASSET_1, ASSET_2 = make_tag("asset", 1), make_tag("asset", 2)
SHELF, PALLET = make_tag("location", 7), make_tag("pallet", 3)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def service(tmp_path: Path) -> DeviceService:
    db = DeviceDatabase(tmp_path / "device.db")
    svc = DeviceService(db)
    svc.remember_person("tess", "Tess Technician", "technician")
    return svc


@pytest.fixture
def flow(service: DeviceService, tmp_path: Path) -> ScanFlow:
    return ScanFlow(service, PlaceBook(tmp_path / "places.json"), clock=Clock())


def test_place_book_persists_recent_locations(tmp_path: Path) -> None:
    book = PlaceBook(tmp_path / "p.json")
    book.used("DAL1/B1/CLOSET-2")
    book.used("AUS2/B1")
    book.used("DAL1/B1/CLOSET-2")
    again = PlaceBook(tmp_path / "p.json")
    assert again.recent == ["DAL1/B1/CLOSET-2", "AUS2/B1"]
    assert again.waiting_import == {}


def test_an_unreadable_place_book_starts_empty(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text("{broken", encoding="utf-8")
    book = PlaceBook(tmp_path / "p.json")
    assert book.recent == [] and book.waiting_import == {}


def test_an_old_book_is_imported_through_the_service_once(
    service: DeviceService, tmp_path: Path
) -> None:
    old = tmp_path / "old.json"
    other = make_tag("location", 8)
    tags = {SHELF: "dal1/b1/closet-2", other: "not a place!"}
    old.write_text(json.dumps({"tags": tags, "recent": ["DAL1/B1"]}), encoding="utf-8")
    flow = ScanFlow(service, PlaceBook(old), clock=Clock())
    scanned = flow.scan(SHELF)
    assert scanned.kind == scanflow.LOCATION and flow.location == "DAL1/B1/CLOSET-2"
    # recorded as a shared claim (it syncs), and dropped from the file
    assert service.location_of(SHELF) == "DAL1/B1/CLOSET-2"
    assert service.outbox_counts()["pending"] == 1
    saved = json.loads(old.read_text(encoding="utf-8"))
    assert SHELF not in saved["tags"] and saved["recent"][0] == "DAL1/B1/CLOSET-2"
    flow.clear_location()
    assert isinstance(flow.clock, Clock)
    flow.clock.now += 10
    assert flow.scan(SHELF).kind == scanflow.LOCATION
    assert service.outbox_counts()["pending"] == 1  # imported once, never again
    assert flow.scan(other).kind == scanflow.BIND  # an unusable old entry just asks


def test_a_location_tag_named_on_one_device_is_known_on_another(tmp_path: Path) -> None:
    harness = StoreHarness(tmp_path / "store")
    try:
        a = enrol_device(harness, tmp_path / "a.db", harness.transport())
        b = enrol_device(harness, tmp_path / "b.db", harness.transport())
        for device in (a, b):
            device.service.switch_person("tech")
        flow_a = ScanFlow(a.service, PlaceBook(tmp_path / "a.json"), clock=Clock())
        flow_b = ScanFlow(b.service, PlaceBook(tmp_path / "b.json"), clock=Clock())
        assert flow_a.scan(SHELF).kind == scanflow.BIND
        named = flow_a.bind_location(SHELF, "dal1/b1/closet-2")
        assert named.kind == scanflow.LOCATION and flow_a.location == "DAL1/B1/CLOSET-2"
        assert flow_b.scan(SHELF).kind == scanflow.BIND  # not synced yet: b must ask
        a.engine.sync_now()
        b.engine.sync_now()
        flow_b.clear_location()
        assert isinstance(flow_b.clock, Clock)
        flow_b.clock.now += 10
        known = flow_b.scan(SHELF)
        assert known.kind == scanflow.LOCATION and flow_b.location == "DAL1/B1/CLOSET-2"
        b.service.claim_tag(ASSET_1, serial="SN1")
        seen = flow_b.scan(ASSET_1)
        assert seen.kind == scanflow.SEEN
        assert b.service.asset(ASSET_1).state.location == "DAL1/B1/CLOSET-2"
        a.db.close()
        b.db.close()
    finally:
        harness.close()


def test_location_paths_need_a_slash_or_prefix() -> None:
    assert as_location_path("dal1/b1") == "DAL1/B1"
    assert as_location_path("location:HOU3") == "HOU3"
    assert as_location_path("SN12345") is None
    assert as_location_path("a b/c") is None


def test_asset_scans_are_recorded_at_the_current_location(
    flow: ScanFlow, service: DeviceService
) -> None:
    service.claim_tag(ASSET_1, serial="SN1")
    first = flow.scan(ASSET_1)
    assert first.kind == scanflow.ASSET  # no location yet: nothing recorded
    assert service.outbox_counts()["pending"] == 1
    bound = flow.scan(SHELF)
    assert bound.kind == scanflow.BIND
    assert flow.bind_location(SHELF, "dal1/b1/closet-2").kind == scanflow.LOCATION
    assert flow.location == "DAL1/B1/CLOSET-2"
    assert isinstance(flow.clock, Clock)
    flow.clock.now += 10
    assert service.outbox_counts()["pending"] == 2  # naming the tag is recorded (it syncs)
    seen = flow.scan(ASSET_1.lower())
    assert seen.kind == scanflow.SEEN and seen.seq == 3
    assert service.asset(ASSET_1).state.location == "DAL1/B1/CLOSET-2"
    # the same code again at once is acknowledged but not written twice
    assert flow.scan(ASSET_1.lower()).kind == scanflow.REPEAT
    assert service.outbox_counts()["pending"] == 3
    # a bound location tag sets the place again without asking
    flow.clear_location()
    assert flow.scan(SHELF).kind == scanflow.LOCATION
    assert [r.kind for r in flow.results][:2] == [scanflow.LOCATION, scanflow.REPEAT]


def test_unknown_codes_can_be_claimed_without_retyping(
    flow: ScanFlow, service: DeviceService
) -> None:
    flow.set_location("DAL1/B1/DOCK-A")
    serial = flow.scan("5CG1234XYZ")
    assert serial.kind == scanflow.CLAIM and serial.serial
    flow.start_claim(serial.serial)
    claimed = flow.scan(ASSET_2)  # the next blank tag scanned takes the serial
    assert claimed.kind == scanflow.CLAIMED
    state = service.asset(ASSET_2).state
    assert state.registered and state.serial == serial.serial
    assert state.location == "DAL1/B1/DOCK-A"
    assert scanflow.CLAIM not in [r.kind for r in flow.results]  # the offer was answered
    assert flow.scan(make_tag("asset", 9)).kind == scanflow.CLAIM


def test_damaged_tags_and_pallets(flow: ScanFlow) -> None:
    damaged = ASSET_1[:-1] + ("0" if ASSET_1[-1] != "0" else "1")
    assert flow.scan(damaged).kind == scanflow.PROBLEM
    assert flow.scan(PALLET).kind == scanflow.PALLET
    assert flow.set_location("no place!").kind == scanflow.REFUSED


def test_allowed_transitions_come_from_the_table() -> None:
    values = [c.value for c in present.next_statuses("pending_destruction")]
    assert values == ["destroyed", "lost"]
    assert present.next_statuses("destroyed") == []
    assert present.status_choice("surplus").colour.startswith("#")


def test_grades_show_their_letter() -> None:
    shown = present.grade_text("F5/C8")
    assert shown is not None and shown.letter == "A"
    assert present.grade_text(None) is None
    letters = present.letter_choices()
    assert [row[0] for row in letters] == ["A", "B", "C", "D", "F"]
    assert letters[1][3] == "F4/C6"


def test_manifest_check_sorts_missing_extra_and_unexpected() -> None:
    where = {"asset:C": "pallet:OTHER", "asset:D": None}
    check = present.check_manifest(
        "pallet:P",
        ["asset:A", "asset:B"],
        ["asset:A", "asset:C", "asset:D", "asset:A"],
        where.get,
    )
    assert check.present == ("asset:A",)
    assert check.missing == ("asset:B",)
    assert check.unexpected == ("asset:C",)
    assert check.extra == ("asset:D",)
    assert not check.clean


def test_weights_and_units() -> None:
    assert present.weight_dict("12,5", "kg") == {"value": "12.5", "unit": "kg"}
    with pytest.raises(AssetsError):
        present.weight_dict("heavy", "kg")
    assert present.kg_text("45.359237", "lb") == "100.0 lb"
    assert present.kg_text(None) == "—"


def test_sync_badge_and_ages() -> None:
    assert present.sync_badge(SyncProgress(state=OFFLINE, pending=3)).text == "Offline · 3 to send"
    assert present.sync_badge(SyncProgress(state=IDLE)).icon == "CLOUD_DONE"
    assert present.sync_badge(SyncProgress(state=IDLE, rejected=1)).icon == "ERROR"
    assert present.ago(None) == "never"
    assert present.ago(0, 3_000) == "just now"
    assert present.ago(0, 600_000) == "10 min ago"
    assert present.short_key("asset:TA-1") == "TA-1"
    assert present.short_key("person:alice") == "person:alice"


def test_audit_sentences() -> None:
    from sync.device.audit import AuditReport

    good = present.audit_sentence(AuditReport(True, 3, 120, ()))
    assert "intact" in good and "120 entries" in good and "3 signed heads" in good
    bad = present.audit_sentence(AuditReport(False, 3, 100, ("head at position 120 missing", "x")))
    assert "does NOT match" in bad and "position 120" in bad and "1 more" in bad
