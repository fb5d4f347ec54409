"""A person typing fast into a field the app controls keeps every key, on a slow machine too.

The app gets the CPU in short, uneven slices (as on a busy phone): the browser's reports of
the field's text and its change events arrive late and in bursts, and a render with an older
value must not send it back over what was typed since. (The race itself is shown
deterministically at Flet's seam in tests/app/ui/test_field_echo.py.)"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from assets.tags import make_tag
from tests.app.browser.conftest import Stack
from tests.app.browser.flutter import field, tab, wait_id, wait_label, wedge
from tests.app.browser.forms import centre, field_selector, into_view
from tests.app.browser.steps import draw, pad_in_view, signed_in

pytestmark = pytest.mark.browser

TAG = make_tag("asset", 277)
HAND_TO = "Hand to (person:…, carrier:…, site:…)"
TYPED = "carrier:DHL Express Freight, depot 42 (north gate), ask for Rosalind at dock 7"


@contextmanager
def stuttering(stack: Stack) -> Iterator[None]:
    """The app's processes get the CPU in short, uneven slices (the seam: a loaded machine),
    until the block ends; they always run again afterwards."""
    group = os.getpgid(stack.app.pid)
    done = threading.Event()
    slices = random.Random(8)  # the same slices each run

    def run() -> None:
        while not done.is_set():
            os.killpg(group, signal.SIGSTOP)
            done.wait(slices.uniform(0.002, 0.012))
            os.killpg(group, signal.SIGCONT)
            done.wait(slices.uniform(0.002, 0.006))

    pauser = threading.Thread(target=run, daemon=True)
    pauser.start()
    try:
        yield
    finally:
        done.set()
        pauser.join(5)
        os.killpg(group, signal.SIGCONT)


def enabled(page: Any, identifier: str, timeout_s: float = 30.0) -> None:
    """Wait until the button can be pressed."""
    button = wait_id(page, identifier)
    disabled = f"[flt-semantics-identifier='{identifier}'] [aria-disabled=true]"
    deadline = time.monotonic() + timeout_s
    while button.get_attribute("aria-disabled") == "true" or page.locator(disabled).count():
        assert time.monotonic() < deadline, f"{identifier} stayed disabled"
        time.sleep(0.2)


def handed_to(stack: Stack, tag: str) -> list[str]:
    """Who each handoff of `tag` this device wrote names as the taker, in order."""
    with sqlite3.connect(f"file:{stack.home / 'device.db'}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "select body from (select kind, target, body, device_seq from outbox"
            " union all select kind, target, body, device_seq from settled)"
            " where kind = 'handoff' and target = ? order by device_seq",
            (f"asset:{tag}",),
        ).fetchall()
    return [json.loads(body)["args"]["to"] for (body,) in rows]


def test_fast_typing_into_a_controlled_field_keeps_every_key(page: Any, stack: Stack) -> None:
    signed_in(page, "sam", "2222")  # a supervisor: hands off on the Asset screen
    tab(page, "Asset")
    wedge(page, TAG)
    wait_label(page, "asset-tag", TAG)
    page.mouse.click(*centre(into_view(page, field_selector(HAND_TO))))
    with stuttering(stack):
        page.keyboard.type(TYPED, delay=25)  # a fast typist
    draw(page, pad_in_view(page, "handoff-pad"))  # its strokes reach the app after the keys
    enabled(page, "handoff-button")  # drawn by a render after every key was handled
    assert field(page, HAND_TO).input_value() == TYPED
    wait_id(page, "handoff-button").click()
    wait_label(page, "notice", "Handed to", 30)
    assert handed_to(stack, TAG) == [TYPED]  # what the app submitted
