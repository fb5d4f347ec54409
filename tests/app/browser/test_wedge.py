"""A keyboard-wedge scanner at full speed (2 ms per character, 150 ms between scans), the
technician never tapping a field: 200 scans across tab switches, the camera opened and
closed, pallet loads and a sign-out and sign-in are each recorded once, in order, and each
reaches the central store."""

from __future__ import annotations

import sqlite3
import time
from typing import Any

import pytest

from assets.tags import make_tag
from tests.app.browser.conftest import Stack
from tests.app.browser.flutter import by_id, press, tab, wait_id, wait_label, wedge
from tests.app.browser.steps import signed_in, wait_row

pytestmark = pytest.mark.browser

PLACE = "DAL1/B3/DOCK-9"
SCANNED = [make_tag("asset", n) for n in range(61, 261)]  # the demo store's assets
PALLET = make_tag("pallet", 9301)
LOADED = [make_tag("asset", n) for n in (281, 282, 283)]


def outbox_sightings(stack: Stack) -> list[str]:
    """Tags of the sightings at PLACE in the device's outbox, in the order they were written."""
    with sqlite3.connect(f"file:{stack.home / 'device.db'}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "select target, body from (select kind, target, body, device_seq from outbox union all select kind, target, body, device_seq from settled)"
            " where kind = 'observe' order by device_seq"
        ).fetchall()
    return [t.split(":", 1)[1] for t, body in rows if PLACE in body]


def store_sightings(stack: Stack) -> list[str]:
    with sqlite3.connect(f"file:{stack.home / 'store' / 'store.db'}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "select target, body from oplog where kind = 'observe' order by device_id, device_seq"
        ).fetchall()
    return [t.split(":", 1)[1] for t, body in rows if PLACE in body]


def until(check: Any, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def between_scans(page: Any, index: int) -> None:
    """What the technician does between scans, at a few points of the run."""
    if index == 40:  # to another screen and back: no field to tap, nothing lost
        tab(page, "Sync")
        tab(page, "Scan")
    elif index == 80:  # the camera opens (the next scans arrive while it runs)...
        by_id(page, "camera-button").click()
        wait_id(page, "camera")
    elif index == 90:  # ...and closes
        by_id(page, "camera-button").click()
        page.wait_for_selector("[flt-semantics-identifier='camera']", state="detached")
    elif index == 120:  # loads onto a pallet, by scanning on the pallet screen
        tab(page, "Pallet")
        wedge(page, PALLET, *LOADED)
        wait_label(page, "pallet-count", f"{len(LOADED)} assets")
        tab(page, "Scan")
    elif index == 160:  # someone signs out; the same person signs back in
        signed_in(page, "sam", "2222")  # scans and pallet loads
        wedge(page, PLACE.lower())
        wait_label(page, "current-location", PLACE)


def test_two_hundred_wedge_scans_each_recorded_once_in_order(page: Any, stack: Stack) -> None:
    signed_in(page, "sam", "2222")  # scans and pallet loads
    wait_label(page, "sync-indicator", "Synced", 40)  # the demo's assets are pulled
    tab(page, "Scan")
    wedge(page, PLACE.lower())
    wait_label(page, "current-location", PLACE)
    wanted = set(SCANNED)
    for index, tag in enumerate(SCANNED):
        wedge(page, tag)
        between_scans(page, index)
    until(lambda: len([t for t in outbox_sightings(stack) if t in wanted]) >= len(SCANNED))
    time.sleep(1.0)  # anything doubled would have arrived by now
    assert [t for t in outbox_sightings(stack) if t in wanted] == SCANNED  # once each, in order
    wait_row(page, rf"{SCANNED[-1]}.*(Seen at|Moved)")

    tab(page, "Sync")
    press(page, "sync-now")  # the copy drawn: a repaint may leave a stale one a moment
    wait_label(page, "sync-indicator", "Synced · all sent", 60)
    assert [t for t in store_sightings(stack) if t in wanted] == SCANNED
