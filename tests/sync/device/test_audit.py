"""A device proves the store's log with the signed heads it kept."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import delete, func, select, update

from sync.device import audit
from sync.device.schema import chain_heads
from sync.server import tables as t
from sync.server.db import writing
from tests.sync.tamper import recompute_chain

from .harness import Device, StoreHarness, drain, enrol_device
from .inprocess import StoreInProcess


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[StoreHarness]:
    store = StoreHarness(tmp_path / "store")
    yield store
    store.close()


@pytest.fixture
def device(harness: StoreHarness, tmp_path: Path) -> Device:
    device = enrol_device(harness, tmp_path / "here.db", harness.transport())
    device.service.switch_person("tech")
    for batch in range(3):
        for n in range(4):
            device.service.observe(f"TA-{batch}{n}", "DAL1/B1")
        drain(device)
    return device


def run_audit(harness: StoreHarness, device: Device) -> audit.AuditReport:
    with httpx.Client(base_url="http://store.test", transport=StoreInProcess(harness)) as client:
        return audit.audit(device.service, "", client=client)


def test_an_intact_log_passes(harness: StoreHarness, device: Device) -> None:
    report = run_audit(harness, device)
    assert report.ok and not report.problems
    assert report.heads_checked >= 3 and report.entries == 12


def test_a_truncated_log_is_caught_by_a_kept_head(harness: StoreHarness, device: Device) -> None:
    # An attacker with the database but not the key drops the last entries, their heads and
    # the head file, and recomputes the chain so the store's own checks pass.
    with writing(harness.store.engine) as conn:
        last = conn.execute(select(func.max(t.oplog.c.position))).scalar_one()
        conn.execute(delete(t.oplog).where(t.oplog.c.position > last - 4))
        conn.execute(delete(t.heads).where(t.heads.c.position > last - 4))
        conn.execute(update(t.partitions).values(log_position=last - 4))
    recompute_chain(harness.store.engine)
    for head_file in harness.settings.heads_dir.glob("*.json"):
        head_file.unlink()
    report = run_audit(harness, device)
    assert not report.ok
    assert any(str(last) in problem for problem in report.problems)


def test_a_forged_head_fails_its_signature(harness: StoreHarness, device: Device) -> None:
    with device.db.write() as conn:
        top = conn.execute(select(func.max(chain_heads.c.position))).scalar_one()
        data = conn.execute(
            select(chain_heads.c.data).where(chain_heads.c.position == top)
        ).scalar_one()
        forged = data.replace('"hash":"', '"hash":"00', 1)
        assert forged != data
        conn.execute(update(chain_heads).where(chain_heads.c.position == top).values(data=forged))
    report = run_audit(harness, device)
    assert not report.ok
    assert any("signature" in problem for problem in report.problems)


def test_an_unenrolled_device_is_told_so(tmp_path: Path) -> None:
    from sync.device.database import DeviceDatabase
    from sync.device.service import DeviceService
    from sync.errors import NotEnrolled

    service = DeviceService(DeviceDatabase(tmp_path / "new.db"))
    with pytest.raises(NotEnrolled):
        audit.audit(service, "http://127.0.0.1:9")
