"""A person's scan list survives an app restart (rebuilt from the device's outbox), and the
next person to sign in never sees it."""

from __future__ import annotations

import os
import subprocess
from typing import Any

import pytest

from app.commands.wedge_driver import stop_group, wait_port
from assets.tags import make_tag
from tests.app.browser.conftest import APP_ENV, Stack
from tests.app.browser.flutter import tab, wait_label, wedge
from tests.app.browser.steps import signed_in, wait_row

pytestmark = pytest.mark.browser

PLACE = "DAL1/B2/RESTART"
TESS_SCANS = [make_tag("asset", n) for n in (271, 272)]


def row_words(page: Any) -> list[str]:
    script = "els => els.map(e => (e.getAttribute('aria-label') || '') + ' ' + e.innerText)"
    found: list[str] = page.eval_on_selector_all("[flt-semantics-identifier^='scan-row-']", script)
    return found


def restart_app(page: Any, stack: Stack) -> None:
    """Stop the app's process group and start it again on the same port and database."""
    command = [str(part) for part in stack.app.args]  # type: ignore[union-attr]
    stop_group(stack.app)
    with stack.log.open("ab") as out:
        stack.app = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=dict(os.environ, **APP_ENV),
        )
    wait_port(int(stack.app_url.rstrip("/").rsplit(":", 1)[1]), 60)
    page.goto(stack.app_url)
    page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=60_000)
    page.eval_on_selector("flt-semantics-placeholder", "el => el.click()")
    page.wait_for_selector("[flt-semantics-identifier='scan-list']", timeout=60_000)


def test_a_scan_list_survives_a_restart_and_stays_its_persons(page: Any, stack: Stack) -> None:
    signed_in(page, "tess", "3333")
    wait_label(page, "sync-indicator", "Synced", 40)
    tab(page, "Scan")
    wedge(page, PLACE.lower())
    wait_label(page, "current-location", PLACE)
    for tag in TESS_SCANS:
        wedge(page, tag)
        wait_row(page, rf"{tag}.*(Seen|Moved)")

    restart_app(page, stack)  # tess is still signed in on this device
    wait_row(page, rf"{TESS_SCANS[-1]}.*Earlier: seen at {PLACE}")
    assert any(TESS_SCANS[0] in words for words in row_words(page))

    signed_in(page, "sam", "2222")
    assert not any(tag in words for words in row_words(page) for tag in TESS_SCANS)
    signed_in(page, "tess", "3333")
    wait_row(page, rf"{TESS_SCANS[-1]}.*Earlier")
