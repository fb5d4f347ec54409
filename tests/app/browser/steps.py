"""Steps the browser tests share: signing in and out, syncing, claiming a tag, counting scan
rows."""

from __future__ import annotations

import re
import time
from typing import Any

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
from tests.app.browser.forms import id_selector, into_view


def sign_in(page: Any, username: str, pin: str) -> None:
    type_into(page, "Username", username)
    type_into(page, "PIN", pin)
    by_id(page, "signin-button").click()
    page.wait_for_selector("[flt-semantics-identifier='scan-list']", timeout=30_000)


def signed_in(page: Any, username: str, pin: str) -> None:
    """Sign in as `username`, signing out whoever the page left signed in."""
    if by_id(page, "sign-out").count():
        by_id(page, "sign-out").click()
        page.wait_for_selector("input[aria-label='Username']", timeout=20_000)
        time.sleep(0.3)
    sign_in(page, username, pin)


def rows(page: Any) -> int:
    """The number of the newest scan row (rows count up from the oldest; a long list only
    puts the rows in view into the page, the newest at the top)."""
    ids = by_id(page, "scan-list").locator("[flt-semantics-identifier^='scan-row-']")
    numbers = ids.evaluate_all("els => els.map(e => e.getAttribute('flt-semantics-identifier'))")
    return max((int(n.rsplit("-", 1)[1]) for n in numbers), default=0)


def newest_row(page: Any) -> str:
    """The words of the newest scan row."""
    return label_of(page, f"scan-row-{rows(page)}")


def wait_row(page: Any, pattern: str, timeout_s: float = 20.0) -> str:
    """Wait until the newest scan row matches `pattern` (a scan's row may land a moment after
    its keys: the newest is looked up again on each try)."""
    deadline = time.monotonic() + timeout_s
    seen = ""
    while time.monotonic() < deadline:
        seen = newest_row(page)
        if re.search(pattern, seen):
            return seen
        time.sleep(0.2)
    raise AssertionError(f"newest scan row {seen!r} never matched {pattern!r}")


def claim_newest(page: Any, tag: str) -> None:
    wedge(page, tag)
    wait_row(page, rf"{tag}.*claim it")
    wait_id(page, "claim-0").click()
    wait_row(page, rf"{tag}.*New asset")  # replaces the offer


def pad_in_view(page: Any, pad: str) -> dict[str, float]:
    """Scroll the screen until the whole pad is on screen; its box."""
    return into_view(page, id_selector(pad), whole=True)


def draw(page: Any, box: dict[str, float]) -> None:
    """Two strokes: a zigzag across the pad, and a short bar under it."""
    left, top, width, height = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(left + width * 0.1, top + height * 0.5)
    page.mouse.down()
    for i in range(1, 13):
        page.mouse.move(left + width * (0.1 + i * 0.06), top + height * (0.3 if i % 2 else 0.7))
        time.sleep(0.03)
    page.mouse.up()
    time.sleep(0.3)
    page.mouse.move(left + width * 0.3, top + height * 0.85)
    page.mouse.down()
    page.mouse.move(left + width * 0.5, top + height * 0.85, steps=6)
    page.mouse.move(left + width * 0.7, top + height * 0.85, steps=6)
    page.mouse.up()
    time.sleep(0.5)


def sync_now(page: Any) -> None:
    """Sync from the Sync tool and wait until everything is sent."""
    tab(page, "Sync")
    page.wait_for_selector("[flt-semantics-identifier='busy']", state="detached", timeout=120_000)
    wait_id(page, "sync-now")
    press(page, "sync-now")  # where it is drawn: a repaint may leave a stale copy for a while
    wait_label(page, "sync-indicator", "Synced · all sent", 60)
