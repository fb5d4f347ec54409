"""What a scan names on a device (DeviceService.read_scan), over a real device database that
pulled a Snipe-IT import from the real store: the imported tags name their assets, TagTrail
tags read with the store's label base URL, and what nobody registered reads as before."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.commands.bench_import import snipe_it_file
from assets.tags import make_tag
from sync.device.progress import IDLE
from sync.protocol import StoreSettingsChange
from sync.server import store_settings as server_settings
from sync.server.db import writing
from sync.server.imports import import_csv

from .harness import Device, StoreHarness, enrol_device

BASE = "https://assets.example/t/"


@pytest.fixture
def device(tmp_path: Path) -> Iterator[Device]:
    harness = StoreHarness(tmp_path / "store")
    try:
        import_csv(harness.store, snipe_it_file(3), "admin", "admin", site="HQ")
        with writing(harness.store.engine) as conn:
            server_settings.change(conn, StoreSettingsChange(label_base_url=BASE), "admin", 1)
        found = enrol_device(harness, tmp_path / "device.db", harness.transport())
        assert found.engine.sync_now().state == IDLE
        yield found
        found.db.close()
    finally:
        harness.close()


def test_imported_tags_name_their_assets(device: Device) -> None:
    svc = device.service
    assert svc.asset("ACME-0000002").known  # pulled, never seen on this device before
    for text in ("ACME-0000002", "acme-0000002", "asset:ACME-0000002"):
        found = svc.read_scan(text)
        assert (found.kind, found.key) == ("asset_tag", "asset:ACME-0000002"), text
        assert found.fields["source"] == "registered"
    assert svc.read_scan("ACME-0000009").kind == "serial"  # not imported: a serial to claim


def test_tagtrail_tags_read_with_the_store_s_base_url(device: Device) -> None:
    svc = device.service
    pallet, asset = make_tag("pallet", 3), make_tag("asset", 3)
    assert svc.read_scan(f"{BASE}{pallet}").key == f"pallet:{pallet}"
    assert svc.read_scan(f"https://tagtrail.local/t/{asset}").key == f"asset:{asset}"
    assert svc.read_scan(asset).fields["source"] == "text"  # unregistered: still its tag


def test_a_tag_claimed_here_names_its_asset_before_any_sync(device: Device) -> None:
    svc = device.service
    assert svc.read_scan("LOCAL-7").kind == "serial"
    svc.claim_tag("LOCAL-7", serial="SN-LOCAL-7")
    assert svc.read_scan("LOCAL-7").key == "asset:LOCAL-7"
