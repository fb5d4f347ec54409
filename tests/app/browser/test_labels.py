"""A label sheet made in the app, in Chromium at 390x844 against a real store: an admin sets
the store's label base URL, a sync brings it to the device, and with the store down the
technician scans two assets and downloads their sheet; online again, a run of new tags the
store hands out. Each
PDF is read back by `scanner.decode`: every QR carries the store's base URL."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest

from assets.tags import make_tag
from scanner.labels import STOCKS
from sync.protocol import DEVICE_TOKEN_HEADER, PERSON_TOKEN_HEADER
from tests.app.browser.conftest import Stack
from tests.app.browser.flutter import press, tab, type_into, wait_label, wedge
from tests.app.browser.forms import field_in_view, id_in_view
from tests.app.browser.lifecycle_steps import admin_headers, change_settings
from tests.app.browser.steps import signed_in, sync_now
from tests.app.ui.desks import label_payloads

pytestmark = pytest.mark.browser

BASE, DEFAULT_BASE = "https://assets.example/t/", "https://tagtrail.local/t/"
SCANNED = [make_tag("asset", n) for n in (295, 296)]  # the demo store's assets


def download(page: Any) -> tuple[str, bytes]:
    """Tap Download PDF; the file the browser saved."""
    id_in_view(page, "labels-download")
    with page.expect_download(timeout=60_000) as info:
        press(page, "labels-download")
    saved = info.value
    return str(saved.suggested_filename), Path(saved.path()).read_bytes()


def _last_run(stack: Stack) -> tuple[int, int]:
    """The numbers of the newest run of asset tags the store handed out."""
    with closing(sqlite3.connect(stack.home / "store" / "store.db")) as db:
        row = db.execute(
            "SELECT first_number, last_number FROM tag_blocks WHERE kind = 'asset'"
            " ORDER BY first_number DESC LIMIT 1"
        ).fetchone()
    assert row is not None, "the store handed out no run"
    return int(row[0]), int(row[1])


def test_a_label_sheet_downloaded_and_read_back(page: Any, stack: Stack) -> None:
    assert change_settings(stack, label_base_url=BASE)["label_base_url"] == BASE
    try:
        signed_in(page, "tess", "3333")
        sync_now(page)  # brings the store's settings
        tab(page, "Labels")
        wait_label(page, "labels-base-url", re.escape(BASE))
        stack.stop_store()  # labels print offline, from the settings this device keeps
        try:
            wedge(page, *SCANNED)
            wait_label(page, "labels-count", "2 labels")
            name, pdf = download(page)
            assert name.endswith(".pdf") and SCANNED[0] in name
            read = label_payloads(pdf, STOCKS["avery-5160"], 2)
            assert read == [{("Code128", t), ("QR", BASE + t)} for t in SCANNED]
            wait_label(page, "labels-made", re.escape(name))
        finally:
            stack.start_store()

        # Online: a run of three new tags, handed out by the store (no other device gets them).
        page.get_by_role("button", name="New tags").first.click()
        wait_label(page, "labels-preview", "Next")  # the new mode is drawn
        field_in_view(page, "How many new tags")
        type_into(page, "How many new tags", "3")
        preview = wait_label(page, "labels-preview", r"Next: TA-\d{7}-\w to TA-\d{7}-\w")
        shown = list(dict.fromkeys(re.findall(r"TA-\d{7}-\w", preview)))  # label and text
        assert int(shown[-1][3:10]) - int(shown[0][3:10]) == 2
        name, pdf = download(page)
        first, last = _last_run(stack)
        assert last - first == 2 and first >= int(shown[0][3:10])  # above all this device knew
        read = label_payloads(pdf, STOCKS["avery-5160"], 3)
        tags = [make_tag("asset", n) for n in range(first, last + 1)]
        assert read == [{("Code128", t), ("QR", BASE + t)} for t in tags]
        assert f"-{make_tag('asset', first)}-3-" in name
        wait_label(page, "labels-preview", f"Next: {make_tag('asset', last + 1)}")
    finally:
        change_settings(stack, label_base_url=DEFAULT_BASE)
    sync_now(page)
    tab(page, "Labels")
    wait_label(page, "labels-base-url", re.escape(DEFAULT_BASE))  # the next sync brought it


def _other_phone(stack: Stack) -> tuple[str, str]:
    """A second phone enrolled with the store and tess signed in on it: (device, person) tokens."""
    with httpx.Client(base_url=stack.store.url, timeout=10) as http:
        code = http.post(
            "/v1/enrolments", json={"hours": 1}, headers=admin_headers(stack, http)
        ).json()["code"]
        other = http.post(
            "/v1/devices/enrol", json={"code": code, "device_id": "dock-phone", "name": "dock"}
        ).json()["token"]
        person = http.post(
            "/v1/auth/signin",
            json={"username": "tess", "pin": "3333"},
            headers={DEVICE_TOKEN_HEADER: f"Bearer {other}"},
        ).json()["person_token"]
    return other, person


def test_new_tags_printed_offline_that_another_phone_holds_are_shown_to_reprint(
    page: Any, stack: Stack
) -> None:
    signed_in(page, "tess", "3333")
    sync_now(page)
    other, person = _other_phone(stack)
    with httpx.Client(base_url=stack.store.url, timeout=10) as http:
        run = http.post(
            "/v1/tags/reserve",
            json={"kind": "asset", "count": 2},
            headers={DEVICE_TOKEN_HEADER: f"Bearer {other}", PERSON_TOKEN_HEADER: person},
        ).json()  # handed to the other phone; this one has not heard of it
    tab(page, "Labels")
    stack.stop_store()
    try:
        page.get_by_role("button", name="New tags").first.click()
        field_in_view(page, "How many new tags")
        type_into(page, "How many new tags", "2")
        wait_label(page, "labels-preview", r"Next: TA-\d{7}-\w to TA-\d{7}-\w")
        _name, pdf = download(page)
        printed = [
            next(text for kind, text in label if kind == "Code128")
            for label in label_payloads(pdf, STOCKS["avery-5160"], 2)
        ]
    finally:
        stack.start_store()
    both = [tag for tag in printed if tag in run["tags"]]
    assert both, (printed, run)  # numbered from what this phone knew: the same numbers
    sync_now(page)  # reports the run; the store names the numbers the other phone holds
    tab(page, "Labels")
    shown = both[0] if len(both) == 1 else f"{both[0]} to {both[-1]}"
    wait_label(page, "labels-clashes", re.escape(shown))
