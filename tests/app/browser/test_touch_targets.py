"""Every control a person can tap, on every screen, is at least 48x48 px at 390x844 (read
from the Flutter semantics tree: the boxes screen readers and tests tap)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from assets.tags import make_tag
from tests.app.browser.conftest import Stack
from tests.app.browser.flutter import by_id, tab, wait_id, wait_label, wedge
from tests.app.browser.steps import signed_in

pytestmark = pytest.mark.browser

MIN_PX = 48
# Tappable nodes in Flutter's semantics DOM: buttons, tabs, toggles, links, anything with a
# tap action (containers with on_click). Only those drawn in the viewport are measured.
TAPPABLES = """() => [...document.querySelectorAll(
    "[role=button], [role=tab], [role=checkbox], [role=radio], [role=switch], [role=link],"
    + " [role=menuitem], flt-semantics[flt-tappable]")]
  .map(e => ({box: e.getBoundingClientRect(),
              name: (e.getAttribute('flt-semantics-identifier') || '') + ' '
                    + (e.getAttribute('aria-label') || e.innerText || '').slice(0, 40)}))
  .filter(t => t.box.width > 0 && t.box.height > 0 && t.box.bottom > 0 && t.box.top < 844
               && t.box.right > 0 && t.box.left < 390)
  .map(t => [t.name.trim(), Math.round(t.box.width), Math.round(t.box.height)])"""


def drawn(page: Any) -> list[tuple[str, int, int]]:
    """The tappables in view once the semantics tree has settled (two reads agree)."""
    seen = page.evaluate(TAPPABLES)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        time.sleep(0.2)
        again = page.evaluate(TAPPABLES)
        if again == seen:
            break
        seen = again
    return [(name, w, h) for name, w, h in seen]


def scroll_through(page: Any, screen: str, problems: dict[str, set[Any]]) -> int:
    """Measure the screen as drawn and after each scroll down; how many were measured. A
    control cut by the edge of a scrolled list has a cut box, so each is judged by the
    largest box it had in any position."""
    largest: dict[str, tuple[int, int]] = {}
    for step in range(5):
        for name, w, h in drawn(page):
            seen = largest.get(name, (0, 0))
            largest[name] = (max(seen[0], w), max(seen[1], h))
        if step < 4:
            page.mouse.move(195, 450)
            page.mouse.wheel(0, 350)
    small = {(name, w, h) for name, (w, h) in largest.items() if w < MIN_PX or h < MIN_PX}
    if small:
        problems[screen] = small
    return len(largest)


def test_every_tappable_control_is_at_least_48_px(page: Any, stack: Stack) -> None:
    problems: dict[str, set[Any]] = {}
    if by_id(page, "sign-out").count():
        by_id(page, "sign-out").click()
    wait_id(page, "signin-button")
    assert scroll_through(page, "sign-in", problems) >= 1  # the Sign in button at least
    signed_in(page, "sam", "2222")  # a supervisor sees every screen
    wait_label(page, "sync-indicator", "Synced", 40)
    tab(page, "Scan")
    wedge(page, "SN-TOUCH-1")  # a row with its Claim button
    wait_id(page, "claim-0")
    scroll_through(page, "scan", problems)
    wedge(page, "dal1/b1/touch")
    wait_label(page, "current-location", "DAL1/B1/TOUCH")
    scroll_through(page, "scan with a location", problems)
    tab(page, "Asset")
    wedge(page, make_tag("asset", 7))
    wait_label(page, "asset-tag", make_tag("asset", 7))
    scroll_through(page, "asset", problems)
    tab(page, "Pallet")
    wedge(page, make_tag("pallet", 9801))
    wait_label(page, "pallet-tag", make_tag("pallet", 9801))
    scroll_through(page, "pallet", problems)
    tab(page, "Audit")
    scroll_through(page, "audit", problems)
    tab(page, "More")
    scroll_through(page, "more", problems)
    tab(page, "Sync")
    scroll_through(page, "sync", problems)
    tab(page, "Conflicts")
    scroll_through(page, "conflicts", problems)
    assert not problems, "\n".join(
        f"{screen}: {sorted(found)}" for screen, found in problems.items()
    )
