"""Scan lists per person that survive a restart (rebuilt from the device's outbox), and focus
given back to the page's key holder after a tap's action, never after a key."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.ui.controller import Controller
from app.ui.desks.labels import LabelsDesk
from app.ui.scanflow import CLAIMED, LOCATION, MAX_RESULTS, SEEN
from app.ui.session import DeviceSession
from app.ui.wedge import keys_for
from assets.tags import make_tag
from tests.app.ui.desks import Key

PLACE = "DAL1/B1/CLOSET-2"
A1, A2, A3 = (make_tag("asset", n) for n in (1, 2, 3))
NEW = make_tag("asset", 40)


def tasks(_job: Any, *_args: Any) -> None:
    """Stands in for page.run_task: sounds and history fetches are not run here."""


def open_device(db: Path) -> DeviceSession:
    return DeviceSession(db, "http://127.0.0.1:9", start=False)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Path]:
    device = open_device(tmp_path / "device.db")
    device.service.remember_person("sam", "Sam Supervisor", "supervisor")
    for tag in (A1, A2, A3):
        device.service.claim_tag(tag, serial=f"SN-{tag}")
    device.service.remember_person("tess", "Tess Technician", "technician")  # current
    device.close()
    yield tmp_path / "device.db"


def scan(c: Controller, code: str) -> None:
    for key, shift in keys_for(code):
        c.on_key(Key(key, shift))  # type: ignore[arg-type]
    c.on_key(Key("Enter"))  # type: ignore[arg-type]


def test_a_persons_scan_list_comes_back_after_a_restart(db: Path) -> None:
    device = open_device(db)
    c = Controller(device, tasks)
    scan(c, PLACE)
    scan(c, A1)
    scan(c, A2)
    c.claim(c._flow.scan(NEW))  # an unregistered tag, claimed from its row
    device.close()

    device = open_device(db)  # the app starts again; tess is still signed in
    c = Controller(device, tasks)
    rows = [(row.kind, row.title) for row in c.scans]
    assert rows == [(CLAIMED, NEW), (SEEN, A2), (SEEN, A1)]
    assert all(row.detail.startswith("Earlier") for row in c.scans)
    assert f"at {PLACE}" in c.scans[1].detail
    assert c.location is None
    scan(c, PLACE)
    assert c.recorded_here == 0  # what was recorded before counts for no "recorded here"
    scan(c, A3)
    assert c.recorded_here == 1 and c.scans[0].title == A3
    device.close()


def test_the_next_person_never_sees_the_previous_persons_list(db: Path) -> None:
    device = open_device(db)
    c = Controller(device, tasks)
    scan(c, PLACE)
    scan(c, A1)
    device.close()

    device = open_device(db)
    c = Controller(device, tasks)
    c.sign_out()
    assert not c.scans
    c.switch_person("sam")
    # sam's own work on this device (he claimed the tags), never tess's sighting
    assert [(row.kind, row.title) for row in c.scans] == [(CLAIMED, t) for t in (A3, A2, A1)]
    scan(c, PLACE)
    scan(c, A2)
    c.sign_out()
    c.switch_person("tess")
    assert [row.title for row in c.scans] == [A1]
    device.close()


def test_a_location_tag_named_here_comes_back_as_a_place(db: Path) -> None:
    device = open_device(db)
    c = Controller(device, tasks)
    c.bind_location(make_tag("location", 7), PLACE)
    device.close()
    device = open_device(db)
    c = Controller(device, tasks)
    assert [(row.kind, row.title) for row in c.scans] == [(LOCATION, PLACE)]
    device.close()


def test_the_list_read_back_is_bounded(db: Path) -> None:
    device = open_device(db)
    c = Controller(device, tasks)
    scan(c, PLACE)
    for n in range(MAX_RESULTS + 5):
        device.service.observe(make_tag("asset", 1 + n % 3), PLACE)
    device.close()
    device = open_device(db)
    c = Controller(device, tasks)
    assert len(c.scans) == MAX_RESULTS
    assert c.scans[0].seq is not None and c.scans[-1].seq is not None
    assert c.scans[0].seq > c.scans[-1].seq  # newest first
    device.close()


class Browser:
    """The page's side of focus: what the controller asked it, and the jobs it started."""

    def __init__(self) -> None:
        self.jobs: list[tuple[Any, tuple[Any, ...]]] = []
        self.given: list[str] = []

    def run(self, job: Any, *args: Any) -> None:
        self.jobs.append((job, args))

    async def holder(self) -> None:
        self.given.append("holder")

    async def settle(self) -> None:
        self.given.append("settle")

    def run_jobs(self) -> None:
        """Run the focus jobs started since the last call (the app's other jobs are not run)."""

        async def all_of_them() -> None:
            for job, args in self.jobs:
                if getattr(job, "__name__", "") == "_give_back":
                    await job(*args)

        asyncio.run(all_of_them())
        self.jobs.clear()


def test_focus_goes_back_to_the_page_after_a_tap_not_after_a_key(db: Path) -> None:
    device = open_device(db)
    browser = Browser()
    c = Controller(device, browser.run)
    given, run_jobs = browser.given, browser.run_jobs
    c.attach_focus(browser.holder, browser.settle)
    c.toggle_dark()  # a tap's action: focus leaves the tapped button
    run_jobs()
    assert given == ["settle", "holder"]  # a round trip to the browser first, then focus
    scan(c, PLACE)  # keys, and the scan they make: focus stays where it is
    scan(c, A1)
    c.refresh()  # the background poll's re-read
    run_jobs()
    assert given.count("holder") == 1
    c.pick_location(PLACE)  # an action calling others (refresh) gives focus back once
    run_jobs()
    assert given.count("holder") == 2
    c.show("sync")  # a new screen: the tapped tab stays, a field tapped next keeps focus
    c.sign_out()
    c.switch_person("tess")
    run_jobs()
    assert given.count("holder") == 2
    c.typing("Seal number", True)  # a person typing keeps their field's focus
    c.toggle_sound()
    run_jobs()
    assert given.count("holder") == 2
    device.close()


def test_a_tools_tap_gives_focus_back_and_a_scan_on_it_does_not(db: Path) -> None:
    """On a tool's screen too: Flutter leaves focus on the tool's button tapped (Record,
    Print), and a scanner's Enter would press it again."""
    device = open_device(db)
    browser = Browser()
    c = Controller(device, browser.run)
    given, run_jobs = browser.given, browser.run_jobs
    c.attach_focus(browser.holder, browser.settle)
    c.show("labels")
    desk = c.desk("labels")
    assert isinstance(desk, LabelsDesk)
    run_jobs()
    assert given == []  # opening the tool is a new screen
    scan(c, A1)  # the wedge's scan reaches the tool: focus stays
    run_jobs()
    assert given == []
    desk.set_stock("avery-l7160")  # a tap on a stock chip
    run_jobs()
    assert given == ["settle", "holder"]
    c.typing("How many", True)  # typing a count keeps the field's focus
    desk.set_count("12")
    run_jobs()
    assert given == ["settle", "holder"]
    device.close()
