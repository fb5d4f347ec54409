"""Intake, sanitization and disposition in Chromium at 390x844 against a real store, each flow
worked with the store stopped and then synced: the store's log must hold what was done.

A keyboard-wedge scanner drives each flow (the asset's tag, then drive serials); the forms are
filled in as a person does, scrolling the screen to reach each field."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from assets.tags import make_tag
from tests.app.browser.conftest import Stack
from tests.app.browser.flutter import open_tool, wait_id, wait_label, wedge
from tests.app.browser.forms import fill, shows, tap, thumb_sized
from tests.app.browser.steps import signed_in, sync_now

pytestmark = pytest.mark.browser

LAPTOP, WIPED, SOLD = (make_tag("asset", n) for n in (9601, 9602, 9603))
DISK_1, DISK_2 = "WD-WX96A0000001", "WD-WX96A0000002"
DISK_3, DISK_4 = "S4EV96B0000003", "S4EV96B0000004"
DISK_5 = "S4EV96C0000005"


def store_ops(stack: Stack, kind: str, target: str) -> list[dict[str, Any]]:
    """The args of the operations of `kind` on `target` the store's log holds."""
    db = stack.home / "store" / "store.db"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "select body from oplog where kind = ? and target = ? order by position",
            (kind, f"asset:{target}"),
        ).fetchall()
    return [json.loads(r[0])["args"] for r in rows]


def open_conflicts(stack: Stack, target: str) -> list[str]:
    db = stack.home / "store" / "store.db"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "select type from conflicts where target = ? and status = 'open'", (f"asset:{target}",)
        ).fetchall()
    return [str(r[0]) for r in rows]


@contextmanager
def offline(stack: Stack) -> Iterator[None]:
    """The store is stopped while the flow runs; then it is back and the device syncs."""
    stack.stop_store()
    try:
        yield
    finally:
        stack.start_store()


def take_in(page: Any, tag: str, search: str, model: str, *drives: str) -> None:
    """Intake by wedge: the asset's tag and its drives' serials, then the model, then Done."""
    open_tool(page, "intake")
    wait_id(page, "intake-prompt")
    wedge(page, tag, *drives)
    wait_label(page, "intake-drive-count", f"{len(drives)} drives? listed")
    fill(page, "Find the model", search)
    tap(page, f"intake-model-{model}")
    shows(page, "intake-missing", "Ready")
    tap(page, "intake-done")
    wait_label(page, "notice", f"Taken in: {tag}")


def wipe_form(page: Any) -> None:
    """The Appendix G fields of the first drive of a batch (the next ones keep them)."""
    tap(page, "wipe-media-hdd")
    tap(page, "wipe-method-purge")
    tap(page, "wipe-technique-overwrite")
    for chip in ("wipe-method-purge", "wipe-technique-overwrite", "wipe-media-hdd"):
        thumb_sized(page, chip)
    fill(page, "Tool", "Blancco Drive Eraser")
    fill(page, "Version", "7.9")
    tap(page, "wipe-verify-full")
    tap(page, "wipe-result-pass")
    fill(page, "Validator", "Vic Validator")
    tap(page, "wipe-destination-external_reuse")


def test_intake_of_a_laptop_with_two_drives(page: Any, stack: Stack) -> None:
    signed_in(page, "tess", "3333")
    with offline(stack):
        take_in(page, LAPTOP, "latitude 5420", "Dell/Latitude 5420", DISK_1, DISK_2)
        wait_label(page, "notice", "Dell Latitude 5420, 2 drives")
        wait_label(page, "intake-last-0", LAPTOP)
        page.screenshot(path=str(stack.home / "intake-done.png"))  # kept for a look
    sync_now(page)
    (args,) = store_ops(stack, "register", LAPTOP)
    assert args["storage_serials"] == [DISK_1, DISK_2]
    assert (args["make"], args["model"], args["category"]) == ("Dell", "Latitude 5420", "laptop")
    assert args["data_bearing"] is True
    assert args["nominal_weight"] == {"value": "1.49", "unit": "kg"}


def test_a_wipe_record_per_drive(page: Any, stack: Stack) -> None:
    signed_in(page, "tess", "3333")
    with offline(stack):
        take_in(page, WIPED, "elitebook", "HP/EliteBook 840 G8", DISK_3, DISK_4)
        open_tool(page, "wipe")
        wedge(page, DISK_3, WIPED)  # the drive, then the asset it came from
        wait_label(page, "wipe-drive", DISK_3)
        wait_label(page, "wipe-source", WIPED)
        wait_label(page, f"wipe-pick-{DISK_4}", "No record")
        wipe_form(page)
        shows(page, "wipe-missing", "Ready")
        tap(page, "wipe-record")
        wait_label(page, "notice", f"1 drive of {WIPED} still needs one")
        tap(page, f"wipe-pick-{DISK_4}")  # the second drive: only its result is asked again
        tap(page, "wipe-result-pass")
        shows(page, "wipe-missing", "Ready")
        time.sleep(0.6)
        page.screenshot(path=str(stack.home / "wipe-second-drive.png"))  # kept for a look
        tap(page, "wipe-record")
        wait_label(page, "notice", f"Every drive of {WIPED} has a verified record")
    sync_now(page)
    records = store_ops(stack, "sanitize", WIPED)
    assert [r["storage_serial"] for r in records] == [DISK_3, DISK_4]
    for record in records:
        assert record["method"] == "purge" and record["technique"] == "overwrite"
        assert record["verified"] is True and record["verification_method"] == "full"
        assert record["performed_by"] == "Tess Technician"
        assert record["validated_by"] == "Vic Validator"
        assert record["tool"] == "Blancco Drive Eraser" and record["tool_version"] == "7.9"
        assert record["media_type"] == "hdd" and record["destination"] == "external_reuse"


def test_a_disposal_refused_for_a_missing_wipe_then_accepted(page: Any, stack: Stack) -> None:
    signed_in(page, "sam", "2222")
    with offline(stack):
        take_in(page, SOLD, "latitude 7440", "Dell/Latitude 7440", DISK_5)
        open_tool(page, "dispose")
        wedge(page, SOLD)
        wait_label(page, "dispose-control", f"{DISK_5}: no sanitization record")
        tap(page, "dispose-outcome-resale")
        thumb_sized(page, "dispose-outcome-resale")
        fill(page, "Value recovered", "80")
        fill(page, "Downstream vendor", "ReTech Resale")
        tap(page, "dispose-record")
        wait_label(page, "notice", f"record a verified wipe or destruction of {DISK_5}")
        time.sleep(0.6)  # the canvas repaints after the semantics tree
        page.screenshot(path=str(stack.home / "dispose-refused.png"))  # kept for a look

        open_tool(page, "wipe")
        wedge(page, DISK_5, SOLD)
        wait_label(page, "wipe-source", SOLD)
        wipe_form(page)
        tap(page, "wipe-record")
        wait_label(page, "notice", f"Every drive of {SOLD} has a verified record")

        open_tool(page, "dispose")  # the form is as it was left; the control is read again
        wait_label(page, "dispose-control", "Every drive has a verified sanitization record")
        tap(page, "dispose-record")
        wait_label(page, "notice", f"{SOLD}: Resale recorded")
    sync_now(page)
    (args,) = store_ops(stack, "dispose", SOLD)
    assert args["outcome"] == "resale" and args["vendor"] == "ReTech Resale"
    assert args["value"] == {"amount": "80", "currency": "USD"}
    assert args["weight"] == {"value": "1.26", "unit": "kg"}  # the catalogue's, as offered
    assert [r["storage_serial"] for r in store_ops(stack, "sanitize", SOLD)] == [DISK_5]
    assert "unsanitized_disposal" not in open_conflicts(stack, SOLD)
