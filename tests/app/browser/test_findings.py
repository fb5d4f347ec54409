"""What a new user ran into, tried again in Chromium: claims in a row stay responsive, a
risky status is asked before, a finished asset is not loaded without a word, a crew's
confirmation with differences says so, and bad input gets a sentence."""

from __future__ import annotations

import time
from typing import Any

import pytest

from assets.tags import make_tag
from tests.app.browser.conftest import Stack
from tests.app.browser.flutter import (
    by_id,
    label_of,
    tab,
    type_into,
    wait_id,
    wait_label,
    wedge,
)
from tests.app.browser.steps import signed_in, wait_row

pytestmark = pytest.mark.browser

PLACE = "DAL1/B4/CLAIMS"
RESOLD = make_tag("asset", 51)  # the demo store resold it
PALLET = make_tag("pallet", 9401)


def test_five_claims_in_a_row_stay_responsive(page: Any, stack: Stack) -> None:
    signed_in(page, "tess", "3333")
    tab(page, "Scan")
    wedge(page, PLACE.lower())
    wait_label(page, "current-location", PLACE)
    for n in range(5):
        serial, blank = f"SNX{n}Q{n}7", make_tag("asset", 9500 + n)
        wedge(page, serial)
        wait_row(page, rf"{serial}.*claim it")
        wait_id(page, "claim-0").click()
        wait_label(page, "claiming", serial)
        wedge(page, blank)  # the blank tag claims it
        wait_row(page, rf"{blank}.*New asset, serial {serial}")
        time.sleep(2.1)  # past the repeat window
        wedge(page, blank)  # and scanning it again records a sighting
        wait_row(page, rf"{blank}.*Seen here again")
    tab(page, "Sync")  # the page still answers
    tab(page, "Scan")


def test_a_risky_status_is_asked_before(page: Any, stack: Stack) -> None:
    signed_in(page, "tess", "3333")
    tab(page, "Asset")
    wedge(page, make_tag("asset", 9500))  # a scan on the asset screen opens it
    wait_label(page, "asset-tag", make_tag("asset", 9500))
    by_id(page, "to-lost").click()
    wait_label(page, "question", "as Lost")
    wait_id(page, "question-no").click()
    wait_label(page, "asset-status", "In stock")


def test_loading_a_finished_asset_asks_and_a_short_confirmation_says_so(
    page: Any, stack: Stack
) -> None:
    signed_in(page, "sam", "2222")  # a supervisor may load pallets (assets.roles)
    wait_label(page, "sync-indicator", "Synced", 40)
    tab(page, "Pallet")
    wedge(page, PALLET)
    wait_label(page, "pallet-tag", PALLET)
    wedge(page, RESOLD)
    wait_label(page, "question", "final one")
    wait_id(page, "question-no").click()
    wedge(page, make_tag("asset", 9501), make_tag("asset", 9502))
    wait_label(page, "pallet-count", "2 assets")
    assert RESOLD not in label_of(page, "manifest")


def test_bad_input_gets_a_sentence(page: Any, stack: Stack) -> None:
    signed_in(page, "tess", "3333")
    tab(page, "Pallet")
    wedge(page, "not-a-tag")
    wait_label(page, "notice", "not-a-tag is not a pallet tag")
    tab(page, "Asset")
    wedge(page, "ZZ-9/%")
    wait_label(page, "notice", "is not an asset tag")


def test_a_bad_grade_in_a_decision_gets_a_sentence(page: Any, stack: Stack) -> None:
    signed_in(page, "sam", "2222")
    wait_label(page, "sync-indicator", "Synced", 30)
    tab(page, "Conflicts")
    wait_label(page, "conflict-count", r"[1-9]\d* open")
    grade = next(
        i
        for i in range(20)
        if by_id(page, f"conflict-{i}").count() and "rade" in label_of(page, f"conflict-{i}")
    )
    wait_id(page, f"conflict-{grade}").click()
    wait_id(page, "conflict-sides")
    type_into(page, "Grade", "F9/ZZ")
    wait_id(page, "decide-value").click()
    wait_label(page, "notice", "F9/ZZ is not a grade")
    wait_id(page, "conflict-sides")  # the page is still there
