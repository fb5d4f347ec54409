"""The device against the real central store, in process (httpx ASGI transport)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.device.database import DeviceDatabase
from sync.device.engine import SyncEngine
from sync.device.progress import IDLE
from sync.device.state import load_state
from sync.errors import ServerRefused

from .harness import PIN, StoreHarness, device_cache, enrol_device


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[StoreHarness]:
    store = StoreHarness(tmp_path / "store")
    yield store
    store.close()


def test_scan_sync_and_converge(harness: StoreHarness, tmp_path: Path) -> None:
    device = enrol_device(harness, tmp_path / "d1.db", harness.transport())
    device.service.switch_person("tech")
    device.service.claim_tag("TA-1", serial="SN-1", category="laptop")
    device.service.observe("TA-1", "DAL1/B2/CLOSET-3")
    device.service.transition("TA-1", "surplus")
    progress = device.engine.sync_now()
    assert progress.state == IDLE and progress.pending == 0 and progress.last_error is None
    assert [seq for _, dev, seq in harness.log() if dev == device.db.device_id] == [1, 2, 3]
    assert device_cache(device.db) == harness.state()
    view = device.service.asset("TA-1")
    assert view.pending == 0 and view.state.status == "surplus"
    assert view.state.location == "DAL1/B2/CLOSET-3"


def test_a_device_can_replicate_one_site(harness: StoreHarness, tmp_path: Path) -> None:
    writer = enrol_device(harness, tmp_path / "w.db", harness.transport())
    writer.service.switch_person("tech")
    writer.service.observe("TA-1", "DAL1/B1")
    writer.service.observe("TA-2", "AUS2/B1")
    writer.engine.sync_now()
    assert set(writer.service.locations()) >= {"DAL1/B1", "AUS2/B1"}
    reader = enrol_device(harness, tmp_path / "r.db", harness.transport(), site="AUS2")
    reader.engine.sync_now()
    assert reader.service.asset("TA-2").known and not reader.service.asset("TA-1").known
    assert all(key.startswith("AUS2") for key in reader.service.locations())
    # Widening to every site re-snapshots; the cursor of one site says nothing of the others.
    reader.engine.site = None
    reader.engine.sync_now()
    assert reader.service.asset("TA-1").known


def test_enrolment_and_sign_in_errors_are_clear(harness: StoreHarness, tmp_path: Path) -> None:
    db = DeviceDatabase(tmp_path / "new.db")
    engine = SyncEngine(db, "http://store.test", transport=harness.transport())
    with pytest.raises(ServerRefused) as bad_code:
        engine.enrol("not-a-real-code-at-all", "phone")
    assert bad_code.value.status in (401, 403, 404, 422)
    engine.enrol(harness.code(), "phone")
    with pytest.raises(ServerRefused, match="401"):
        engine.sign_in("tech", "0000")
    person = engine.sign_in("tech", PIN)
    assert person.role == "technician" and person.token
    with db.read() as conn:
        assert load_state(conn).token
    db.close()


def test_a_sync_tells_the_store_its_backlog(harness: StoreHarness, tmp_path: Path) -> None:
    from sqlalchemy import select

    from sync.server import tables as t

    device = enrol_device(harness, tmp_path / "b.db", harness.transport())
    device.service.switch_person("tech")
    device.service.observe("TB-1", "DAL1/B1")
    device.engine.sync_now()
    with harness.store.engine.connect() as conn:
        row = conn.execute(
            select(t.device_contacts).where(t.device_contacts.c.device_id == device.db.device_id)
        ).one()
    # Pushed, then pulled: the pull's header says nothing is left (NULL if none was sent).
    assert row.pending == 0 and row.pending_ms is not None
    assert row.last_push_ms is not None and row.last_pull_ms >= row.last_push_ms
