"""Small helpers to drive a Flutter web page through its semantics tree."""

from __future__ import annotations

import re
import time
from typing import Any

from app.commands.wedge_driver import press_code

TIMEOUT_MS = 20_000


def by_id(page: Any, identifier: str) -> Any:
    return page.locator(f"[flt-semantics-identifier='{identifier}']")


def field(page: Any, label: str) -> Any:
    return page.locator(f":is(input, textarea)[aria-label='{label}']")


def wait_id(page: Any, identifier: str, timeout_ms: int = TIMEOUT_MS) -> Any:
    page.wait_for_selector(f"[flt-semantics-identifier='{identifier}']", timeout=timeout_ms)
    return by_id(page, identifier)


def appears(page: Any, identifier: str, timeout_s: float) -> bool:
    """Whether an element carrying `identifier` is drawn (has a box) within `timeout_s`."""
    script = """id => [...document.querySelectorAll(`[flt-semantics-identifier='${id}']`)]
      .some(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; })"""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if page.evaluate(script, identifier):
            return True
        time.sleep(0.2)
    return False


def type_into(page: Any, label: str, text: str, attempts: int = 3) -> None:
    """Focus a field and type as a person does (Flutter listens to key events, not `fill`);
    check the field took the text, since a re-render can steal the first click's focus."""
    for _ in range(attempts):
        target = field(page, label)
        target.click()
        time.sleep(0.3)
        page.keyboard.press("Control+A")
        page.keyboard.press("Delete")
        page.keyboard.type(text)
        time.sleep(0.3)
        if field(page, label).input_value() == text:
            return
    raise AssertionError(f"the field {label!r} did not take the text")


def label_of(page: Any, identifier: str) -> str:
    """The label and text of every node carrying `identifier` (one, unless mid-repaint)."""
    script = "els => els.map(e => `${e.getAttribute('aria-label') || ''} ${e.innerText}`)"
    texts = page.eval_on_selector_all(f"[flt-semantics-identifier='{identifier}']", script)
    return " | ".join(t.strip() for t in texts)


def wait_label(page: Any, identifier: str, pattern: str, timeout_s: float = 20.0) -> str:
    """Wait until the element's label (or text) matches `pattern`; return it."""
    deadline = time.monotonic() + timeout_s
    seen = ""
    while time.monotonic() < deadline:
        if by_id(page, identifier).count():
            seen = label_of(page, identifier)
            if re.search(pattern, seen):
                return seen
        time.sleep(0.25)
    found = by_id(page, identifier)
    html = found.first.evaluate("e => e.outerHTML.slice(0, 600)") if found.count() else "absent"
    raise AssertionError(f"{identifier}: {seen!r} never matched {pattern!r}; {html}")


def scanner_type(page: Any, code: str, char_ms: float = 2.0, suffix: str = "Enter") -> None:
    """Type `code` as a keyboard-wedge scanner does: real key presses (Shift held for
    capitals and symbols, as a HID keyboard sends them), `char_ms` apart, then the suffix,
    wherever focus is. No field is tapped first."""
    press_code(page, code, char_ms, suffix)


def wedge(page: Any, *codes: str, gap_s: float = 0.15, char_ms: float = 2.0) -> None:
    """Scan codes with a keyboard-wedge scanner, `gap_s` apart."""
    for code in codes:
        scanner_type(page, code, char_ms)
        time.sleep(gap_s)


NAV = ("Scan", "Asset", "Pallet", "Audit", "More")


def tab(page: Any, name: str, attempts: int = 3) -> None:
    """Open a screen as a person does: its NavigationBar destination, or for a tool (Sync,
    Conflicts, Intake…) More and then the tool's row."""
    if name not in NAV:
        open_tool(page, name)
        return
    destination = page.get_by_role("tab", name=re.compile(name))
    for _ in range(attempts):
        destination.click()
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            if destination.get_attribute("aria-selected") == "true":
                time.sleep(0.4)
                return
            time.sleep(0.1)
    raise AssertionError(f"the {name!r} tab did not open")


def press(page: Any, identifier: str, timeout_s: float = 60.0) -> None:
    """Tap a control where it is drawn: the first node carrying `identifier` that has a box
    on screen (a repaint can leave a stale, box-less copy in the semantics tree for a while)."""
    script = """id => [...document.querySelectorAll(`[flt-semantics-identifier='${id}']`)]
      .map(e => e.getBoundingClientRect()).filter(r => r.width > 0 && r.height > 0)
      .map(r => [r.x + r.width / 2, r.y + r.height / 2])"""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        centres = page.evaluate(script, identifier)
        if centres:
            page.mouse.click(*centres[0])
            return
        time.sleep(0.25)
    raise AssertionError(f"{identifier} never had a box on screen")


def open_tool(page: Any, name: str) -> None:
    """More, then the tool's row (test id `tool-<key>`); wait for the tool's screen."""
    from tests.app.browser.forms import tap  # forms builds on this module

    key = name.lower()
    for _ in range(3):
        tab(page, "More")
        if appears(page, "screen-more", 20.0):
            break
        tab(page, "Scan")  # the bar shows More, the screen did not follow: tap it again
    else:
        raise AssertionError("the More screen never opened")
    page.mouse.move(20, 420)
    page.mouse.wheel(0, -3000)  # More may be left scrolled down: start from its top
    tap(page, f"tool-{key}")  # the list is longer than a phone's screen: scroll to the row
    wait_id(page, f"screen-{key}")
