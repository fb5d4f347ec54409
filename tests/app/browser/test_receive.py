"""A pallet received at the facility in Chromium at 390x844 against a real store: the crew
seals it, then receives it while the store is down with the wrong seal, 12.5 % over its
weight, one asset missing and one extra; the receipt syncs, and the supervisor sees both
values of each difference on the Conflicts screen and decides them."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from assets.tags import make_tag
from tests.app.browser.conftest import Stack
from tests.app.browser.flutter import (
    label_of,
    press,
    tab,
    type_into,
    wait_id,
    wait_label,
    wedge,
)
from tests.app.browser.forms import field_in_view, id_in_view
from tests.app.browser.lifecycle_steps import device_rows, store_rows
from tests.app.browser.steps import signed_in, sync_now

pytestmark = pytest.mark.browser

PALLET = make_tag("pallet", 9601)
ON = [make_tag("asset", n) for n in (291, 292, 293)]  # the demo store's assets
EXTRA = make_tag("asset", 294)


def pallet_conflicts(stack: Stack) -> dict[str, str]:
    rows = store_rows(
        stack, "select type, status from conflicts where target = ?", f"pallet:{PALLET}"
    )
    return {str(kind): str(status) for kind, status in rows}


def open_conflict(page: Any, label: str, timeout_s: float = 30.0) -> None:
    """Tap the Conflicts row whose title is `label`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        rows = page.eval_on_selector_all(
            "[flt-semantics-identifier^='conflict-']",
            "els => els.map(e => e.getAttribute('flt-semantics-identifier'))",
        )
        for ident in rows:
            if re.fullmatch(r"conflict-\d+", ident) and label in label_of(page, ident):
                id_in_view(page, ident)
                press(page, ident)
                wait_id(page, "conflict-sides")
                return
        page.mouse.move(195, 420)
        page.mouse.wheel(0, 300)
        time.sleep(0.4)
    raise AssertionError(f"no {label!r} row on the Conflicts screen")


def seal(page: Any) -> None:
    """The crew loads three assets and seals the pallet at 400 kg gross."""
    tab(page, "Pallet")
    wedge(page, PALLET, *ON)
    wait_label(page, "pallet-count", "3 assets")
    for label, text in (("Seal number", "S-9601"), ("Gross", "400"), ("Tare", "20")):
        field_in_view(page, label)
        type_into(page, label, text)
    id_in_view(page, "seal-button")
    press(page, "seal-button")
    wait_label(page, "notice", "Pallet sealed")


def receive_offline(page: Any, stack: Stack) -> None:
    """The receipt with every difference, recorded while the store is down."""
    tab(page, "Receive")
    wedge(page, PALLET)
    wait_label(page, "receive-sealed-seal", "S-9601")
    wait_label(page, "receive-tolerance", r"2 %")
    wedge(page, ON[0], ON[1], EXTRA)
    wait_label(page, "receive-contents", "Scanned 2 of 3")
    stack.stop_store()  # the facility's dock has no network: the receipt is recorded anyway
    try:
        for label, text in (
            ("Seal number on the pallet", "S-9999"),
            ("Gross weight", "450"),
            ("Received at (facility)", "Recycler East"),
        ):
            field_in_view(page, label)
            type_into(page, label, text)
        wait_label(page, "receive-seal", "S-9999 is not the sealed S-9601")
        wait_label(page, "receive-weight", r"\+50\.0 kg \(\+12\.5 %\).*out of tolerance")
        wait_label(page, "receive-missing", ON[2])
        wait_label(page, "receive-extra", EXTRA)
        id_in_view(page, "receive-button")
        press(page, "receive-button")
        wait_label(page, "notice", "received with differences")
        pending = device_rows(
            stack,
            "select status from outbox where kind = 'receive' and target = ?",
            f"pallet:{PALLET}",
        )
        assert pending == [("pending",)]
    finally:
        stack.start_store()


def decide(page: Any, label: str, sides: tuple[str, str], choice: str, note: str = "") -> None:
    """The supervisor opens the item, reads both values and keeps one; then syncs."""
    tab(page, "Conflicts")
    open_conflict(page, label)
    wait_label(page, "side-sealed", sides[0])
    wait_label(page, "side-received", sides[1])
    if note:  # a note is optional
        field_in_view(page, "Note (why)")
        type_into(page, "Note (why)", note)
    id_in_view(page, f"decide-{choice}")
    press(page, f"decide-{choice}")
    wait_label(page, "notice", "Decision recorded")
    sync_now(page)


def test_a_receipt_with_a_wrong_seal_and_weight_then_decided(page: Any, stack: Stack) -> None:
    signed_in(page, "carl", "4444")  # crews load, seal and receive
    wait_label(page, "sync-indicator", "Synced", 40)
    seal(page)
    sync_now(page)
    receive_offline(page, stack)
    sync_now(page)
    found = pallet_conflicts(stack)
    assert {"seal_mismatch", "weight_mismatch", "manifest_mismatch"} <= set(found), found
    assert set(found.values()) == {"open"}

    signed_in(page, "sam", "2222")  # the supervisor decides
    sync_now(page)
    tab(page, "Conflicts")
    open_conflict(page, "Weight out of tolerance")
    wait_label(page, "conflict-facts", r"\+50\.0 kg \(\+12\.5 %\).*allowed 2 %")
    decide(
        page,
        "Weight out of tolerance",
        (r"400\.0 kg · 881\.8 lb", r"450\.0 kg · 992\.1 lb"),
        "b",
        "reweighed",
    )
    decide(page, "Seal mismatch", ("S-9601", "S-9999"), "a")
    found = pallet_conflicts(stack)
    assert found["weight_mismatch"] == found["seal_mismatch"] == "decided", found
    assert found["manifest_mismatch"] == "open"
