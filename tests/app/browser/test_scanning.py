"""The camera scans a printed TagTrail label (Chromium's fake camera plays a video of it), each
recorded scan beeps, and the asset screen shows the asset's history with its chain of custody."""

from __future__ import annotations

import os
import re
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from tests.app.browser.conftest import CAMERA_TAG, Stack
from tests.app.browser.flutter import (
    by_id,
    field,
    label_of,
    tab,
    type_into,
    wait_id,
    wait_label,
    wedge,
)
from tests.app.browser.steps import (
    claim_newest,
    draw,
    newest_row,
    pad_in_view,
    signed_in,
    sync_now,
    wait_row,
)

pytestmark = pytest.mark.browser

PLACE = "DAL1/B2/CAGE-1"


def observed(stack: Stack, tag: str) -> int:
    """How many sightings of `tag` the device's outbox holds."""
    with sqlite3.connect(f"file:{stack.home / 'device.db'}?mode=ro", uri=True) as conn:
        query = (
            "select count(*) from (select kind, target, body, device_seq from outbox union all select kind, target, body, device_seq from settled)"
            " where kind = 'observe' and target = ?"
        )
        return int(conn.execute(query, (f"asset:{tag}",)).fetchone()[0])


def scroll(page: Any, pixels: int) -> None:
    page.mouse.move(195, 500)
    page.mouse.wheel(0, pixels)
    time.sleep(0.6)


def scroll_until(page: Any, identifier: str, pattern: str) -> str:
    """From the foot of the screen, scroll up until `identifier` is in view and matches."""
    scroll(page, 6000)
    for _ in range(25):
        if by_id(page, identifier).count() and re.search(pattern, label_of(page, identifier)):
            return label_of(page, identifier)
        scroll(page, -200)
    return wait_label(page, identifier, pattern, 1.0)  # fails, saying what it saw


def sounds(page: Any) -> int:
    return int(page.evaluate("window.__tagtrailSounds"))


def test_camera_records_a_label_once(page: Any, stack: Stack) -> None:
    signed_in(page, "tess", "3333")
    tab(page, "Scan")
    wedge(page, PLACE.lower())
    wait_label(page, "current-location", PLACE)
    beeps = sounds(page)
    claim_newest(page, CAMERA_TAG)  # registered (and seen here) through the wedge field
    assert sounds(page) > beeps, "a recorded scan plays a sound"
    assert observed(stack, CAMERA_TAG) == 1
    time.sleep(2.1)  # past the repeat window, so the camera's read counts as a new sighting

    by_id(page, "camera-button").click()
    wait_label(page, "camera-status", "Point the camera|Read ", 30)
    wait_row(page, rf"{CAMERA_TAG}.*Seen here again", 30)
    assert observed(stack, CAMERA_TAG) == 2
    time.sleep(2.0)  # the label stays in view: the loop goes on reading it, recording nothing
    # the newest row is still the camera's one (rows further down may be scrolled out of view)
    assert re.search(rf"{CAMERA_TAG}.*Seen here again", newest_row(page)), newest_row(page)
    assert observed(stack, CAMERA_TAG) == 2
    assert "Read " in label_of(page, "camera-status")

    by_id(page, "camera-button").click()  # closing the camera stops the loop
    page.wait_for_selector("[flt-semantics-identifier='camera']", state="detached")
    assert re.search(rf"{CAMERA_TAG}.*Seen here again", newest_row(page))
    assert observed(stack, CAMERA_TAG) == 2


def test_sound_can_be_turned_off(page: Any, stack: Stack) -> None:
    signed_in(page, "tess", "3333")
    tab(page, "Scan")
    wait_label(page, "sound-toggle", "Scan sounds on")
    by_id(page, "sound-toggle").locator("[role=button]").last.click()
    wait_label(page, "sound-toggle", "Scan sounds off")
    quiet = sounds(page)
    wedge(page, "not-a-tag-%%")
    time.sleep(0.5)
    assert sounds(page) == quiet
    by_id(page, "sound-toggle").locator("[role=button]").last.click()
    wait_label(page, "sound-toggle", "Scan sounds on")


def test_asset_history_shows_the_chain_of_custody(page: Any, stack: Stack) -> None:
    signed_in(page, "carl", "4444")  # crews hand off (assets.roles)
    tab(page, "Asset")
    type_into(page, "Scan or type an asset tag", CAMERA_TAG)
    page.keyboard.press("Enter")
    wait_label(page, "asset-tag", CAMERA_TAG)
    scroll(page, 3000)  # the hand-off form is at the foot of the screen
    field(page, "Handed over by").wait_for()  # nobody holds it yet: the giver is asked for
    type_into(page, "Hand to (person:…, carrier:…, site:…)", "carrier:ups")
    draw(page, pad_in_view(page, "handoff-pad"))  # custody changes hands only signed
    wait_id(page, "handoff-button").click()
    wait_label(page, "notice", "Handed to carrier:ups")
    newest = wait_label(page, "history-0", r"site:DAL1 → carrier:ups.*not synced")
    assert "Signed by" in newest or "signed by" in newest

    # once synced, the history is the store's full log (fetched after the pull)
    sync_now(page)  # taps Sync now where it is drawn (a repaint may leave a stale copy)
    tab(page, "Asset")
    scroll(page, 5000)
    wait_label(page, "history-source", "Full history from the central store", 30)
    scroll_until(page, "history-0", "carrier:ups")
    scroll(page, 3000)  # the older rows sit under the signature pad's height too
    assert "Registered" in label_of(page, "history-3") or "Registered" in label_of(
        page, "history-2"
    )
    shot = os.environ.get("TAGTRAIL_ASSET_SCREENSHOT")
    if shot:  # docs/screenshot-asset.png: `TAGTRAIL_ASSET_SCREENSHOT=docs/screenshot-asset.png`
        if by_id(page, "notice").count():
            by_id(page, "notice").locator("[role=button]").last.click()
        scroll(page, 3000)
        scroll(page, 3000)
        time.sleep(1.0)
        page.screenshot(path=shot)


def test_the_app_serves_its_own_icon(page: Any, stack: Stack) -> None:
    static = Path(__file__).resolve().parents[3] / "app" / "static"
    for name in ("favicon.png", "icons/icon-192.png"):
        served = page.request.get(stack.app_url + name)
        assert served.ok and served.body() == (static / name).read_bytes(), name
