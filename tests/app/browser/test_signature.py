"""A pallet changes hands only with a drawn signature: the pad refuses an empty handoff with
a message, takes strokes drawn with the mouse, and the outbox row carries them as an SVG path."""

from __future__ import annotations

import json
import re
import sqlite3
from typing import Any

import pytest

from assets.tags import make_tag
from tests.app.browser.conftest import Stack
from tests.app.browser.flutter import by_id, field, tab, type_into, wait_id, wait_label, wedge
from tests.app.browser.steps import draw, pad_in_view, signed_in

pytestmark = pytest.mark.browser

PALLET = make_tag("pallet", 9201)
PAD = "pallet-handoff-pad"


def handoffs(stack: Stack, key: str) -> list[dict[str, Any]]:
    """The args of every handoff of `key` in the device's outbox."""
    with sqlite3.connect(f"file:{stack.home / 'device.db'}?mode=ro", uri=True) as conn:
        query = (
            "select body from (select kind, target, body, device_seq from outbox union all select kind, target, body, device_seq from settled)"
            " where kind = 'handoff' and target = ?"
        )
        return [json.loads(body)["args"] for (body,) in conn.execute(query, (key,))]


def test_pallet_handoff_needs_a_drawn_signature(page: Any, stack: Stack) -> None:
    signed_in(page, "carl", "4444")  # crews hand off pallets
    tab(page, "Pallet")
    wedge(page, PALLET)  # a scan on the pallet screen opens the pallet
    wait_label(page, "pallet-tag", PALLET)
    pad_in_view(page, PAD)
    type_into(page, "Handed over by", "site:DAL1")
    type_into(page, "Hand to (person:…, carrier:…, site:…)", "carrier:fedex")

    # nothing drawn yet: the form says why the button is off
    wait_label(page, f"{PAD}-missing", "only with a signature")
    wait_label(page, PAD, "empty")
    assert by_id(page, "pallet-handoff-button").locator("[aria-disabled=true]").count() or (
        by_id(page, "pallet-handoff-button").get_attribute("aria-disabled") == "true"
    )

    draw(page, pad_in_view(page, PAD))
    wait_label(page, PAD, r"2 strokes")
    assert by_id(page, f"{PAD}-missing").count() == 0

    # "Clear" wipes the pad; draw again and hand off
    by_id(page, f"{PAD}-clear").locator("[role=button]").last.click()
    wait_label(page, PAD, "empty")
    draw(page, pad_in_view(page, PAD))
    wait_label(page, PAD, r"2 strokes")
    wait_id(page, "pallet-handoff-button").click()
    wait_label(page, "notice", "Handed to carrier:fedex, signed")

    [args] = handoffs(stack, f"pallet:{PALLET}")
    assert args["to"] == "carrier:fedex" and args["from"] == "site:DAL1"
    assert args["signed_by"]
    path = args["signature"]
    assert re.fullmatch(r"(M \d+ \d+( L \d+ \d+)+ ?)+", path + " "), path
    assert path.count("M ") == 2, path
    numbers = [int(n) for n in re.findall(r"\d+", path)]
    assert max(numbers[0::2]) <= 300 and max(numbers[1::2]) <= 120
    assert not field(page, "Handed over by").count()  # the pallet has a holder now
