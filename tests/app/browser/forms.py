"""Filling in a long form at a phone's height: bring a control into view by scrolling the
screen with the mouse wheel (as a person swipes), then tap or type there. The one scrolling
helper of the browser tests."""

from __future__ import annotations

import time
from typing import Any

from tests.app.browser.flutter import by_id, field, type_into, wait_label

# Where a control counts as on screen: its centre below the header and notice and above the
# navigation bar; or, `whole`, all of it under the header and above the 72 px bar.
TOP, BOTTOM = 90, 844 - 100
WHOLE_TOP, WHOLE_BOTTOM = 60, 844 - 72
MIDDLE, STEP = 420, 200  # the wheel moves a control towards the screen's middle, this far a turn
# Looking for a control not drawn: this far down a turn; after LOOK_BELOW turns (and every
# SWEEP turns after), back to the top in one turn.
DOWN, TO_TOP, LOOK_BELOW, SWEEP = 260, 20_000, 4, 16
_BOXES = """sel => [...document.querySelectorAll(sel)]
  .map(e => e.getBoundingClientRect()).filter(r => r.width > 0 && r.height > 0)
  .map(r => ({x: r.x, y: r.y, width: r.width, height: r.height}))"""

Box = dict[str, float]


def _boxes(page: Any, selector: str, settle_s: float) -> list[Box]:
    """The boxes of the matching elements, waiting up to `settle_s` for one to be drawn
    (on a loaded machine the semantics tree follows a scroll late)."""
    deadline = time.monotonic() + settle_s
    while True:
        boxes: list[Box] = page.evaluate(_BOXES, selector)
        if boxes or time.monotonic() > deadline:
            return boxes
        time.sleep(0.15)


def centre(box: Box) -> tuple[float, float]:
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def _on_screen(page: Any, box: Box, whole: bool) -> bool:
    shorter = 844 - ((page.viewport_size or {}).get("height") or 844)  # a shorter viewport
    if whole:
        return box["y"] >= WHOLE_TOP and box["y"] + box["height"] <= WHOLE_BOTTOM - shorter
    return TOP <= centre(box)[1] <= BOTTOM - shorter


def into_view(page: Any, selector: str, *, whole: bool = False, timeout_s: float = 90.0) -> Box:
    """Scroll until an element matching `selector` is on screen (its centre, or `whole`: all of
    it); its box. Drawn off screen: towards it. Not drawn: a few turns down (the next field of
    a form is usually just below), then from the screen's top down, as often as it takes."""
    deadline = time.monotonic() + timeout_s
    misses = 0
    while time.monotonic() < deadline:
        boxes = _boxes(page, selector, 1.0)
        on_screen = [b for b in boxes if _on_screen(page, b, whole)]
        if on_screen:
            return on_screen[0]
        if boxes:  # drawn, but off screen: bring it towards the middle
            away = centre(boxes[0])[1] - MIDDLE
            wheel = max(-STEP, min(STEP, away)) or STEP
        else:
            misses += 1
            wheel = -TO_TOP if misses % SWEEP == LOOK_BELOW else DOWN
        page.mouse.move(20, MIDDLE)  # the screen's margin: a text field there would take the wheel
        page.mouse.wheel(0, wheel)
        time.sleep(0.4)
    raise AssertionError(f"{selector} never came into view")


def id_selector(identifier: str) -> str:
    return f"[flt-semantics-identifier='{identifier}']"


def field_selector(label: str) -> str:
    return f":is(input, textarea)[aria-label='{label}']"


def id_in_view(page: Any, identifier: str) -> Any:
    """Scroll until the whole control carrying `identifier` is on screen; its locator."""
    into_view(page, id_selector(identifier), whole=True)
    return by_id(page, identifier)


def field_in_view(page: Any, label: str) -> Any:
    """Scroll until the whole field labelled `label` is on screen; its locator."""
    into_view(page, field_selector(label), whole=True)
    return field(page, label)


def tap(page: Any, identifier: str) -> None:
    """Tap the control carrying `identifier`, scrolling it into view first."""
    page.mouse.click(*centre(into_view(page, id_selector(identifier))))
    time.sleep(0.3)


def fill(page: Any, label: str, text: str) -> None:
    """Type into the field labelled `label`, scrolling it into view first."""
    into_view(page, field_selector(label))
    type_into(page, label, text)
    assert field(page, label).input_value() == text


def shows(page: Any, identifier: str, pattern: str, timeout_s: float = 20.0) -> str:
    """Scroll to the element carrying `identifier` and wait until its words match `pattern`
    (a long list builds only what is near the screen)."""
    into_view(page, id_selector(identifier))
    return wait_label(page, identifier, pattern, timeout_s)


def thumb_sized(page: Any, identifier: str) -> None:
    """The control is at least 48 px tall and fits the 390 px screen (a gloved thumb)."""
    boxes = [b for b in (n.bounding_box() for n in by_id(page, identifier).all()) if b]
    assert boxes, f"{identifier} is not drawn"
    box = boxes[0]
    assert box["height"] >= 48, f"{identifier} is {box['height']} px tall"
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, f"{identifier} leaves the screen"
