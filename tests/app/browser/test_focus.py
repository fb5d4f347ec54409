"""A tap leaves keyboard focus on what was tapped; a wedge scan's Enter must not press it.

Flutter (on web, Enter activates the focused button) would otherwise repeat the tapped
button's action with every scan: grade the next asset opened, flip the screen's theme. The
scans themselves are each recorded once. And focus given back late (the tap's action waited on
the database) must not take a text field the person tapped meanwhile."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from typing import Any

import pytest
from PIL import Image, ImageStat

from assets.tags import make_tag
from tests.app.browser.conftest import Stack
from tests.app.browser.flutter import by_id, field, label_of, tab, wait_label, wedge
from tests.app.browser.forms import centre, field_selector, into_view
from tests.app.browser.steps import signed_in, wait_row

pytestmark = pytest.mark.browser

PLACE = "DAL1/B2/FOCUS"
GRADED, OPENED = make_tag("asset", 291), [make_tag("asset", n) for n in (292, 293, 294)]
SCANNED = [make_tag("asset", n) for n in (295, 296, 297, 298, 299)]
SLOW = make_tag("asset", 290)
HAND_TO = "Hand to (person:…, carrier:…, site:…)"


def operations(stack: Stack, kind: str) -> list[tuple[str, str]]:
    """(tag, body) of each operation of `kind` this device wrote, in order."""
    with sqlite3.connect(f"file:{stack.home / 'device.db'}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "select target, body from (select kind, target, body, device_seq from outbox"
            " union all select kind, target, body, device_seq from settled)"
            " where kind = ? order by device_seq",
            (kind,),
        ).fetchall()
    return [(target.split(":", 1)[1], body) for target, body in rows]


def fence(page: Any, stack: Stack, tag: str) -> None:
    """Scan once more on the Scan screen and wait until it is written: the page's events are
    handled in the order they came, so whatever an earlier Enter set off has run by then."""
    tab(page, "Scan")
    wedge(page, tag)
    wait_row(page, rf"{tag}.*(Seen|Moved)")


def brightness(page: Any) -> float:
    """How light the page's background is (0 black .. 255 white), read from the canvas."""
    shot = page.screenshot(clip={"x": 2, "y": 780, "width": 4, "height": 4})
    return float(ImageStat.Stat(Image.open(BytesIO(shot)).convert("L")).mean[0])


def lit(page: Any, dark: float, timeout_s: float = 10.0) -> float:
    """The page's brightness once the canvas has repainted light and the theme's animation
    has ended (the canvas follows the semantics tree late on a loaded machine): two readings
    in a row alike."""
    deadline = time.monotonic() + timeout_s
    before, light = -1000.0, brightness(page)
    while (light <= dark + 100 or abs(light - before) > 2) and time.monotonic() < deadline:
        time.sleep(0.2)
        before, light = light, brightness(page)
    return light


def test_a_scan_after_tapping_a_grade_does_not_grade_the_next_asset(
    page: Any, stack: Stack
) -> None:
    signed_in(page, "tess", "3333")
    wait_label(page, "sync-indicator", "Synced", 40)
    tab(page, "Scan")
    wedge(page, PLACE.lower())
    wait_label(page, "current-location", PLACE)
    before = len(operations(stack, "assess"))
    tab(page, "Asset")
    wedge(page, GRADED)
    wait_label(page, "asset-tag", GRADED)
    by_id(page, "grade-A").click()  # the tap leaves focus on the grade button
    wait_label(page, "notice", "Graded A")
    wedge(page, *OPENED)  # each scan opens the next asset, Enter and all
    fence(page, stack, SCANNED[0])
    graded = [tag for tag, _body in operations(stack, "assess")[before:]]
    assert graded == [GRADED]  # only the tapped one, once


def test_a_scan_after_tapping_a_button_records_once_and_leaves_it_alone(
    page: Any, stack: Stack
) -> None:
    signed_in(page, "tess", "3333")
    tab(page, "Scan")
    wedge(page, PLACE.lower())
    wait_label(page, "current-location", PLACE)
    dark = brightness(page)
    by_id(page, "theme-toggle").click()  # light screen now; focus stays on the toggle
    wait_label(page, "theme-toggle", "Light screen")
    light = lit(page, dark)
    assert light > dark + 100
    before = [t for t, body in operations(stack, "observe") if PLACE in body]
    for tag in SCANNED[1:]:
        wedge(page, tag)
        wait_row(page, rf"{tag}.*(Seen|Moved)")
    fence(page, stack, SCANNED[0])
    after = [t for t, body in operations(stack, "observe") if PLACE in body]
    assert after[len(before) :] == [*SCANNED[1:], SCANNED[0]]  # each once, in order
    # the toggle was not pressed again: still the light screen
    assert "Light screen" in label_of(page, "theme-toggle")
    assert abs(brightness(page) - light) < 30
    by_id(page, "theme-toggle").click()
    wait_label(page, "theme-toggle", "Dark screen")


@contextmanager
def database_busy(stack: Stack) -> Iterator[None]:
    """Another writer holds the device database: the app's next write waits for it (a slow
    disk, a sync writing a big batch), and the page's loop with it."""
    conn = sqlite3.connect(stack.home / "device.db", timeout=30, isolation_level=None)
    try:
        conn.execute("begin immediate")
        yield
    finally:
        conn.execute("rollback")
        conn.close()


def test_a_field_tapped_while_a_tap_waits_keeps_its_focus(page: Any, stack: Stack) -> None:
    signed_in(page, "sam", "2222")  # a supervisor: grades and hands off on the Asset screen
    tab(page, "Asset")
    wedge(page, SLOW)
    wait_label(page, "asset-tag", SLOW)
    with database_busy(stack):
        by_id(page, "grade-B").click()  # its write waits for the database
        box = into_view(page, field_selector(HAND_TO))
        page.mouse.click(*centre(box))  # the person moves on to the next field
    wait_label(page, "notice", "Graded B")  # the write went through; focus would follow now
    page.keyboard.type("carrier:DHL Express", delay=80)  # a person's pace
    assert field(page, HAND_TO).input_value() == "carrier:DHL Express"
