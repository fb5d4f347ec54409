"""The device app in a real browser: sign in, scan through the wedge field, open the asset,
keep scanning while the store is down, watch the queue drain, and decide a conflict."""

from __future__ import annotations

import os
import time
from typing import Any

import pytest

from assets.tags import make_tag
from tests.app.browser.conftest import Stack
from tests.app.browser.flutter import (
    by_id,
    label_of,
    press,
    tab,
    type_into,
    wait_id,
    wait_label,
    wedge,
)
from tests.app.browser.steps import claim_newest, newest_row, rows, signed_in

pytestmark = pytest.mark.browser

PLACE = "DAL1/B1/CLOSET-2"
NEW_1, NEW_2 = make_tag("asset", 9001), make_tag("asset", 9002)


def test_scan_offline_and_drain(page: Any, stack: Stack) -> None:
    signed_in(page, "tess", "3333")
    wedge(page, PLACE.lower())
    wait_label(page, "current-location", PLACE)
    claim_newest(page, NEW_1)
    claim_newest(page, NEW_2)
    assert "seen at" in newest_row(page)

    # the asset view shows the optimistic state at once
    by_id(page, f"scan-row-{rows(page)}").click()
    wait_label(page, "asset-tag", NEW_2)
    wait_label(page, "asset-location", PLACE)
    wait_label(page, "asset-status", "In stock")
    wait_label(page, "sync-indicator", "Synced · all sent", 30)

    # the store goes away: scans still land in the outbox
    stack.stop_store()
    tab(page, "Scan")
    time.sleep(2.1)  # past the repeat window: the same tags count again
    wedge(page, NEW_1, NEW_2)
    wait_label(page, "sync-indicator", r"Offline · [1-9]\d* to send", 30)

    # it comes back: the queue drains
    stack.start_store()
    tab(page, "Sync")
    press(page, "sync-now")  # the copy drawn: a repaint may leave a stale one a moment
    wait_label(page, "sync-indicator", "Synced · all sent", 40)
    assert "Synced" in label_of(page, "sync-state")

    # the device checks the store's log against the signed heads it kept (its button waits
    # while "Sync now" is still busy: on a loaded machine that outlasts the indicator)
    page.wait_for_selector("[flt-semantics-identifier='busy']", state="detached", timeout=120_000)
    press(page, "verify-log")
    wait_label(page, "notice", "log is intact", 30)
    shot = os.environ.get("TAGTRAIL_SCREENSHOT")
    if shot:  # docs/screenshot.png comes from this run: `TAGTRAIL_SCREENSHOT=docs/screenshot.png`
        tab(page, "Scan")
        by_id(page, "notice").locator("[role=button]").last.click()
        time.sleep(1.0)
        page.screenshot(path=shot)


def test_supervisor_decides_a_conflict(page: Any, stack: Stack) -> None:
    signed_in(page, "sam", "2222")
    wait_label(page, "sync-indicator", "Synced", 30)
    tab(page, "Conflicts")
    before = int(wait_label(page, "conflict-count", r"[1-9]\d* open").split()[0])
    wait_id(page, "conflict-0").click()
    wait_id(page, "conflict-sides")
    type_into(page, "Note (why)", "label checked on site")
    by_id(page, "decide-a").click()
    wait_label(page, "notice", "Decision recorded")
    tab(page, "Sync")
    press(page, "sync-now")  # the copy drawn: a repaint may leave a stale one a moment
    wait_label(page, "sync-indicator", "Synced · all sent", 40)
    tab(page, "Conflicts")
    wait_label(page, "conflict-count", rf"^{before - 1} open")
