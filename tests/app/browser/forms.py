"""Filling in a long form at a phone's height: bring a control into view by scrolling the
screen with the mouse wheel (as a person swipes), then tap or type there."""

from __future__ import annotations

import time
from typing import Any

from tests.app.browser.flutter import by_id, field, type_into, wait_label

TOP, BOTTOM = 90, 844 - 100  # below the header and notice, above the navigation bar
_BOXES = """sel => [...document.querySelectorAll(sel)]
  .map(e => e.getBoundingClientRect()).filter(r => r.width > 0 && r.height > 0)
  .map(r => [r.x + r.width / 2, r.y + r.height / 2])"""


def _centres(page: Any, selector: str, settle_s: float) -> list[list[float]]:
    """The centres of the matching elements, waiting up to `settle_s` for one to be drawn
    (on a loaded machine the semantics tree follows a scroll late)."""
    deadline = time.monotonic() + settle_s
    while True:
        centres: list[list[float]] = page.evaluate(_BOXES, selector)
        if centres or time.monotonic() > deadline:
            return centres
        time.sleep(0.15)


def into_view(page: Any, selector: str, timeout_s: float = 90.0) -> tuple[float, float]:
    """Scroll until an element matching `selector` is on screen; its centre. Down first (the
    forms grow downwards), then back up."""
    deadline = time.monotonic() + timeout_s
    step, misses = 260, 0
    while time.monotonic() < deadline:
        centres = _centres(page, selector, 1.5)
        bottom = (page.viewport_size or {}).get("height", 844) - (844 - BOTTOM)
        on_screen = [c for c in centres if TOP <= c[1] <= bottom]
        if on_screen:
            return on_screen[0][0], on_screen[0][1]
        if centres:  # drawn, but off screen: scroll towards it
            wheel = 200 if centres[0][1] > bottom else -200
        else:
            misses += 1
            if misses % 14 == 0:
                step = -step  # not that way: look the other way
            wheel = step
        page.mouse.move(20, 420)  # the screen's margin: a text field there would take the wheel
        page.mouse.wheel(0, wheel)
        time.sleep(0.4)
    raise AssertionError(f"{selector} never came into view")


def tap(page: Any, identifier: str) -> None:
    """Tap the control carrying `identifier`, scrolling it into view first."""
    x, y = into_view(page, f"[flt-semantics-identifier='{identifier}']")
    page.mouse.click(x, y)
    time.sleep(0.3)


def fill(page: Any, label: str, text: str) -> None:
    """Type into the field labelled `label`, scrolling it into view first."""
    into_view(page, f":is(input, textarea)[aria-label='{label}']")
    type_into(page, label, text)
    assert field(page, label).input_value() == text


def shows(page: Any, identifier: str, pattern: str, timeout_s: float = 20.0) -> str:
    """Scroll to the element carrying `identifier` and wait until its words match `pattern`
    (a long list builds only what is near the screen)."""
    into_view(page, f"[flt-semantics-identifier='{identifier}']")
    return wait_label(page, identifier, pattern, timeout_s)


def thumb_sized(page: Any, identifier: str) -> None:
    """The control is at least 48 px tall and fits the 390 px screen (a gloved thumb)."""
    boxes = [b for b in (n.bounding_box() for n in by_id(page, identifier).all()) if b]
    assert boxes, f"{identifier} is not drawn"
    box = boxes[0]
    assert box["height"] >= 48, f"{identifier} is {box['height']} px tall"
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, f"{identifier} leaves the screen"
