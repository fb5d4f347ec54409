"""New tags from the Labels tool on two phones enrolled with one store on loopback: each sheet's
numbers are handed out by the store, so the phones never print the same tag; with the store
gone a phone counts on from what it knows and says another device could pick the same; a store
that has no numbers left is believed, and nothing is printed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import select, update

from app.ui.controller import Controller
from app.ui.desks.labels import NEW, LabelsDesk
from app.ui.session import DeviceSession
from assets.tags import make_tag
from scanner.labels import STOCKS
from sync.device import tag_numbers
from sync.server import tables as t
from sync.server.db import reading, writing
from tests.app.ui.desks import controller, downloads, label_payloads, tasks
from tests.sync.device.harness import PIN, LoopbackStore, StoreHarness

STOCK = "avery-5160"


class Phone:
    """A technician's phone with the Labels tool open on new asset tags."""

    def __init__(self, session: DeviceSession) -> None:
        self.session = session
        self.c: Controller = controller(session)
        self.c.show("labels")
        found = self.c.desk("labels")
        assert isinstance(found, LabelsDesk)
        self.desk = found
        self.desk.set_mode(NEW)
        self.desk.set_kind("asset")
        self.desk.set_stock(STOCK)

    def sheet(self, count: int) -> list[str] | None:
        """Make a sheet of `count` new tags; the tags read back off it (None: nothing made)."""
        before = len(downloads(self.c).saved)
        self.desk.set_count(str(count))
        self.desk.download()
        tasks(self.c).run_jobs()
        if len(downloads(self.c).saved) == before:
            return None
        _name, pdf = downloads(self.c).saved[-1]
        read = label_payloads(pdf, STOCKS[STOCK], count)
        return [next(text for kind, text in label if kind == "Code128") for label in read]

    @property
    def said(self) -> tuple[str, bool]:
        assert self.c.said is not None
        return self.c.said.text, self.c.said.ok


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[StoreHarness, LoopbackStore, Phone, Phone]]:
    harness = StoreHarness(tmp_path / "store")
    served = LoopbackStore(harness)
    with ExitStack() as stack:
        stack.callback(harness.close)
        stack.callback(served.stop)
        phones = []
        for name in ("dock", "closet"):
            session = DeviceSession(tmp_path / f"{name}.db", served.url, start=False)
            stack.callback(session.close)
            session.engine.enrol(harness.code(), f"{name} phone")
            session.sign_in("tech", PIN)
            phones.append(Phone(session))
        yield harness, served, phones[0], phones[1]


def _runs(harness: StoreHarness) -> list[tuple[int, int, str]]:
    with reading(harness.store.engine) as conn:
        rows = conn.execute(
            select(
                t.tag_blocks.c.first_number, t.tag_blocks.c.last_number, t.tag_blocks.c.device_id
            ).order_by(t.tag_blocks.c.first_number)
        )
        return [(int(r.first_number), int(r.last_number), str(r.device_id)) for r in rows]


def test_two_phones_printing_new_tags_never_print_the_same_one(
    world: tuple[StoreHarness, LoopbackStore, Phone, Phone],
) -> None:
    harness, _served, dock, closet = world
    # Both phones know the same (nothing): counted alone, each would print tags 1 to 3.
    dock.desk.set_count("3")
    closet.desk.set_count("3")
    assert dock.desk.preview == closet.desk.preview == (make_tag("asset", 1), make_tag("asset", 3))
    first = dock.sheet(3)
    second = closet.sheet(3)
    assert first == [make_tag("asset", n) for n in (1, 2, 3)]
    assert second == [make_tag("asset", n) for n in (4, 5, 6)]
    text, ok = closet.said
    assert ok and "3 labels on avery-5160" in text and "offline" not in text
    dock_id, closet_id = (p.session.db.device_id for p in (dock, closet))
    assert _runs(harness) == [(1, 3, dock_id), (4, 6, closet_id)]
    # Each phone's own count now goes on after its run, should it print offline later.
    with dock.session.db.read() as conn:
        assert tag_numbers.highest_known(conn, "asset") == 3


def test_with_the_store_gone_a_phone_counts_on_and_says_the_numbers_may_clash(
    world: tuple[StoreHarness, LoopbackStore, Phone, Phone],
) -> None:
    harness, served, dock, _closet = world
    assert dock.sheet(2) == [make_tag("asset", n) for n in (1, 2)]
    served.stop()
    offline = dock.sheet(2)
    assert offline == [make_tag("asset", n) for n in (3, 4)]  # after its own run
    text, ok = dock.said
    assert not ok
    assert "Made offline" in text and "could pick the same numbers" in text
    assert _runs(harness) == [(1, 2, dock.session.db.device_id)]  # the store knew nothing


def test_a_store_with_no_numbers_left_is_believed_and_nothing_is_printed(
    world: tuple[StoreHarness, LoopbackStore, Phone, Phone],
) -> None:
    harness, _served, dock, _closet = world
    assert dock.sheet(1) == [make_tag("asset", 1)]
    with writing(harness.store.engine) as conn:
        conn.execute(update(t.tag_numbers).values(last_number=9_999_998))
    assert dock.sheet(5) is None
    text, ok = dock.said
    assert not ok
    assert text.startswith("Only 1 new asset tags are left, not 5")
    with dock.session.db.read() as conn:
        assert tag_numbers.highest_known(conn, "asset") == 1  # nothing kept as printed


def test_a_run_printed_offline_reaches_the_store_and_a_clash_is_shown_to_reprint(
    world: tuple[StoreHarness, LoopbackStore, Phone, Phone], tmp_path: Path
) -> None:
    harness, served, dock, closet = world
    van_db = tmp_path / "van.db"
    van = DeviceSession(van_db, served.url, start=False)
    van.engine.enrol(harness.code(), "van phone")
    van.sign_in("tech", PIN)
    van.close()
    # In the van, out of reach: the run is numbered from what the van knows (nothing).
    away = DeviceSession(van_db, "http://127.0.0.1:9", start=False)
    try:
        assert Phone(away).sheet(4) == [make_tag("asset", n) for n in (1, 2, 3, 4)]
        assert [(r.first, r.last) for r in tag_numbers.unreported(away.db)] == [(1, 4)]
    finally:
        away.close()
    # Meanwhile the dock asks the store, which has not heard of the van's run.
    assert dock.sheet(2) == [make_tag("asset", n) for n in (1, 2)]
    back = DeviceSession(van_db, served.url, start=False)
    try:
        back.sync_now()
        assert tag_numbers.unreported(back.db) == []
        van_phone = Phone(back)
        van_phone.desk.refresh()
        assert van_phone.desk.clashes == (f"{make_tag('asset', 1)} to {make_tag('asset', 2)}",)
        # The store now counts past the van's run: the closet's next run starts above it.
        assert closet.sheet(1) == [make_tag("asset", 5)]
        with reading(harness.store.engine) as conn:
            kept = conn.execute(
                select(t.offline_runs.c.first_number, t.offline_runs.c.last_number)
            ).all()
        assert [tuple(row) for row in kept] == [(1, 4)]
    finally:
        back.close()


def test_a_run_no_device_could_count_to_is_refused_once_and_spends_nothing(
    world: tuple[StoreHarness, LoopbackStore, Phone, Phone], tmp_path: Path
) -> None:
    """A device whose count went wrong (a copied or edited database) reports a run far above
    what the store knows: the store refuses it, the device does not send it again, and its
    sync still succeeds. The next run anyone is handed starts where it would have."""
    harness, served, dock, _closet = world
    odd_db = tmp_path / "odd.db"
    odd = DeviceSession(odd_db, served.url, start=False)
    try:
        odd.engine.enrol(harness.code(), "odd phone")
        odd.sign_in("tech", PIN)
        tag_numbers.keep(odd.db, "asset", 9_000_000)
        tag_numbers.take(odd.db, "asset", 4)
        assert [(r.first, r.last) for r in tag_numbers.unreported(odd.db)] == [
            (9_000_001, 9_000_004)
        ]
        progress = odd.sync_now()
        assert progress.last_error is None, progress  # the sync itself went through
        assert tag_numbers.unreported(odd.db) == []  # refused: not sent at every sync
        assert tag_numbers.clashing(odd.db) == []
    finally:
        odd.close()
    with reading(harness.store.engine) as conn:
        assert conn.execute(select(t.offline_runs.c.first_number)).all() == []
    assert dock.sheet(1) == [make_tag("asset", 1)]
