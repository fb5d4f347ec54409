"""The store's settings on the device: pulled with each sync from the real store, kept in the
device database (so known offline and after a restart), a bad or missing answer never
replacing what is held; and the new tag numbers a label sheet takes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from assets.tags import TagConfig, make_tag
from sync.device import store_settings, tag_numbers
from sync.device.database import DeviceDatabase
from sync.device.progress import IDLE
from sync.device.service import DeviceService
from sync.device.store_desk import StoreDesk
from sync.errors import InvalidInput, ServerRefused
from sync.protocol import StoreSettingsChange, StoreSettingsView
from sync.server import store_settings as server_settings
from sync.server.db import writing

from .faults import FaultyTransport
from .harness import StoreHarness, enrol_device


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[StoreHarness]:
    store = StoreHarness(tmp_path / "store")
    yield store
    store.close()


def change(harness: StoreHarness, **values: str) -> None:
    """An admin's change, through the store's own settings code."""
    with writing(harness.store.engine) as conn:
        server_settings.change(conn, StoreSettingsChange(**values), "admin", 1)


def test_a_sync_brings_the_settings_and_they_stay_when_offline(
    harness: StoreHarness, tmp_path: Path
) -> None:
    transport = FaultyTransport(harness.transport())
    device = enrol_device(harness, tmp_path / "d.db", transport)
    assert store_settings.read(device.db) == store_settings.DEFAULT  # never synced
    change(harness, weight_tolerance_pct="3.5", label_base_url="https://assets.example/t")
    assert device.engine.sync_now().state == IDLE
    held = store_settings.read(device.db)
    assert held.weight_tolerance_pct == Decimal("3.5")
    assert held.label_base_url == "https://assets.example/t/"  # the store adds the slash
    assert held.pulled_ms is not None
    assert held.tag_config.url_bases[0] == "https://assets.example/t/"

    transport.offline = True  # the store is gone: the device still knows
    reopened = DeviceDatabase(device.db.path)
    assert store_settings.read(reopened) == held
    reopened.close()

    # An answer lost on the way fails nothing and keeps what is held; the next sync updates.
    transport.offline = False
    change(harness, weight_tolerance_pct="7")
    transport.fail("/v1/settings", "5xx")
    assert device.engine.sync_now().state == IDLE
    assert store_settings.read(device.db).weight_tolerance_pct == Decimal("3.5")
    device.engine.sync_now()
    assert store_settings.read(device.db).weight_tolerance_pct == Decimal(7)
    assert "GET /v1/settings" in transport.seen


def test_values_the_device_cannot_use_are_skipped(tmp_path: Path) -> None:
    db = DeviceDatabase(tmp_path / "d.db")
    good = StoreSettingsView(weight_tolerance_pct="4", label_base_url="https://a.example/t/")
    with db.write() as conn:
        store_settings.keep(conn, good, 10)
    for tolerance, base in (
        ("abc", "ftp://x/"),
        ("NaN", "https://has space/"),
        ("-1", ""),
        ("1e400", "x"),
    ):
        bad = StoreSettingsView(weight_tolerance_pct=tolerance, label_base_url=base)
        with db.write() as conn:
            kept = store_settings.keep(conn, bad, 20)
        assert kept.weight_tolerance_pct == Decimal(4), tolerance
        assert kept.label_base_url == "https://a.example/t/", base
    # unchanged values are not written again: their pull time stays
    assert store_settings.pulled(db, good, 30).pulled_ms == 10
    db.close()


def test_new_tags_start_above_every_tag_known_here(tmp_path: Path) -> None:
    db = DeviceDatabase(tmp_path / "d.db")
    svc = DeviceService(db)
    svc.remember_person("sam", "Sam", "supervisor")
    assert tag_numbers.peek(db, "asset", 2) == [make_tag("asset", 1), make_tag("asset", 2)]
    svc.claim_tag(make_tag("asset", 41), serial="SN41")
    svc.claim_tag(make_tag("asset", 7), serial="SN7")
    svc.load(make_tag("asset", 7), make_tag("pallet", 12))
    assert tag_numbers.peek(db, "asset", 1) == [make_tag("asset", 42)]
    assert tag_numbers.peek(db, "pallet", 1) == [make_tag("pallet", 13)]  # known from the load
    taken = tag_numbers.take(db, "asset", 3)
    assert taken == [make_tag("asset", n) for n in (42, 43, 44)]
    assert tag_numbers.take(db, "asset", 1) == [make_tag("asset", 45)]  # never offered twice
    assert tag_numbers.peek(db, "location", 1) == [make_tag("location", 1)]
    wide = TagConfig(url_bases=("https://a.example/t/",))
    assert tag_numbers.peek(db, "asset", 1, wide) == [make_tag("asset", 46)]
    with pytest.raises(InvalidInput, match="1 to 3000"):
        tag_numbers.take(db, "asset", 0)
    with db.write() as conn:
        conn.exec_driver_sql("UPDATE printed_tags SET last_number = 9999999 WHERE kind = 'asset'")
    with pytest.raises(InvalidInput, match="left"):
        tag_numbers.take(db, "asset", 1)
    db.close()


def test_a_run_the_store_handed_out_moves_this_devices_count_on_and_never_back(
    tmp_path: Path,
) -> None:
    db = DeviceDatabase(tmp_path / "d.db")
    tag_numbers.keep(db, "asset", 40)
    assert tag_numbers.peek(db, "asset", 1) == [make_tag("asset", 41)]
    tag_numbers.keep(db, "asset", 12)  # an older, lower run kept late
    assert tag_numbers.take(db, "asset", 1) == [make_tag("asset", 41)]
    assert tag_numbers.peek(db, "pallet", 1) == [make_tag("pallet", 1)]  # per kind
    db.close()


def test_a_run_that_is_not_what_was_asked_for_is_refused(tmp_path: Path) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        asked = json.loads(request.content)
        tags = [make_tag(asked["kind"], n) for n in range(1, asked["count"])]  # one short
        run = {"kind": asked["kind"], "first": 1, "last": asked["count"], "tags": tags}
        return httpx.Response(200, json=run)

    transport = httpx.MockTransport(answer)
    with httpx.Client(base_url="http://store.test", transport=transport) as client:
        desk = StoreDesk("http://store.test", "token", "person", client=client)
        with pytest.raises(ServerRefused, match="asked for 3 asset tags"):
            desk.reserve_tags("asset", 3)


def test_each_lookup_of_the_highest_tag_walks_an_index(tmp_path: Path) -> None:
    db = DeviceDatabase(tmp_path / "d.db")
    with db.read() as conn:
        for table, column in tag_numbers._PLACES:
            sql = tag_numbers._TOP.format(table=table, column=column)
            plan = " ".join(
                str(row[-1])
                for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", ("a", "b"))
            )
            assert "USING" in plan and "INDEX" in plan, (table, column, plan)
    db.close()
