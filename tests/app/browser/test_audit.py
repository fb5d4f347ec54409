"""A location audit in Chromium at 390x844 against a real store: name a location tag, audit
it with one asset missing and one unexpected, finish while the store is down, then sync."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from assets.tags import make_tag
from tests.app.browser.conftest import Stack
from tests.app.browser.flutter import by_id, tab, type_into, wait_id, wait_label, wedge
from tests.app.browser.steps import claim_newest, signed_in, sync_now

pytestmark = pytest.mark.browser

PLACE, ELSEWHERE = "DAL1/B1/AUDIT-9", "DAL1/B1/AUDIT-8"
LT = make_tag("location", 9401)
HERE_1, HERE_2, STRAY = (make_tag("asset", n) for n in (9411, 9412, 9413))


def _store_audits(stack: Stack) -> list[str]:
    """The targets of the audits the store's log holds."""
    db = stack.home / "store" / "store.db"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute("select target from oplog where kind = 'audit'").fetchall()
    return [str(r[0]) for r in rows]


def test_an_audit_with_a_missing_and_an_unexpected_asset(page: Any, stack: Stack) -> None:
    signed_in(page, "tess", "3333")
    tab(page, "Scan")
    wedge(page, ELSEWHERE.lower())
    wait_label(page, "current-location", ELSEWHERE)
    claim_newest(page, STRAY)
    wedge(page, PLACE.lower())
    wait_label(page, "current-location", PLACE)
    claim_newest(page, HERE_1)
    claim_newest(page, HERE_2)
    wedge(page, LT)  # a location tag nobody has named: the app asks which place it marks
    wait_id(page, "bind-prompt")
    type_into(page, "Location path", PLACE)
    wait_id(page, "bind-button").click()
    wait_label(page, "current-location", PLACE)

    tab(page, "Audit")
    wedge(page, LT)
    wait_label(page, "audit-place", PLACE)
    wait_label(page, "audit-expected", "Expected 2")
    wedge(page, HERE_1, STRAY)
    wait_label(page, "audit-found", "Found 2")
    wait_label(page, "audit-missing", "Missing 1")
    wait_label(page, "audit-unexpected", "Unexpected 1")

    stack.stop_store()  # Finish works offline
    try:
        by_id(page, "audit-finish").click()
        wait_label(page, "notice", "1 moved here, 1 missing reported to a supervisor")
        wait_label(page, "audit-expected", "Expected 3")  # the unexpected one is here now
        wait_label(page, "audit-last", "missing")
    finally:
        stack.start_store()
    sync_now(page)  # taps Sync now where it is drawn (a repaint may leave a stale copy)
    assert _store_audits(stack) == [f"location:{LT}"]

    # Online again: the Audit screen shows the store's history of the tag.
    tab(page, "Audit")
    wedge(page, LT)
    wait_label(page, "audit-history-0", "tess: 2 found, 1 missing, 1 unexpected", 30)
