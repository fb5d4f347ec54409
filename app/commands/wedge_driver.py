"""Drives the device app in Debian's Chromium as a keyboard-wedge scanner does, for
`tagtrail bench wedge`: a central store and the app each run as a process on loopback (own
process group, stopped by group), the page is 390x844, and scans are real key presses (Shift
held for capitals and symbols, as a HID scanner sends them), a set time apart per character.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app.commands.demo import free_port, start_store
from app.ui.wedge import keys_for

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CODES = dict(
    zip(
        "1234567890-=[];'`\\,./",
        [
            *(f"Digit{d}" for d in "1234567890"),
            *["Minus", "Equal", "BracketLeft", "BracketRight", "Semicolon", "Quote", "Backquote"],
            *["Backslash", "Comma", "Period", "Slash"],
        ],
        strict=True,
    )
)


def press_code(page: Any, code: str, char_ms: float, suffix: str = "Enter") -> None:
    """Type `code` and press the suffix, `char_ms` between characters, wherever focus is."""
    for key, shift in keys_for(code):
        started = time.perf_counter()
        if key.isalpha():
            page.keyboard.press(f"Shift+Key{key}" if shift else f"Key{key}")
        elif shift:
            page.keyboard.press(f"Shift+{CODES[key]}")
        else:
            page.keyboard.press(CODES.get(key, "Space" if key == " " else key))
        rest = char_ms / 1000 - (time.perf_counter() - started)
        if rest > 0:
            time.sleep(rest)
    if suffix:
        page.keyboard.press(suffix)


def wait_port(port: int, timeout_s: float) -> None:
    """Until something listens on 127.0.0.1:`port`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on {port}")


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """Stop a server started in its own process group: TERM, then KILL if it lingers."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


@contextlib.contextmanager
def running_app(home: Path) -> Iterator[tuple[str, Path]]:
    """A demo store and the app over `home`; yields the app's URL and its device database."""
    store = start_store(home / "store", free_port())
    port = free_port()
    db = home / "device.db"
    command = [sys.executable, "-m", "app", "app", "--db", str(db), "--server", store.url]
    command += ["--port", str(port), "--no-open", "--enrol", str(store.code)]
    command += ["--name", "bench wedge", "--sync-interval", "2"]
    with (home / "app.log").open("wb") as out:
        app = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_port(port, 60)
        yield f"http://127.0.0.1:{port}/", db
    finally:
        stop_group(app)
        store.stop()


@contextlib.contextmanager
def phone_page(url: str) -> Iterator[Any]:
    """Chromium at a phone's size on the app, its semantics tree switched on."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415  (only for this bench)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
            page.goto(url)
            page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=60_000)
            page.eval_on_selector("flt-semantics-placeholder", "el => el.click()")
            page.wait_for_selector("input", timeout=30_000)
            yield page
        finally:
            browser.close()


def sign_in(page: Any, username: str, pin: str) -> None:
    for label, text in (("Username", username), ("PIN", pin)):
        field = page.locator(f"input[aria-label='{label}']")
        for _ in range(3):  # a repaint may take the first click's focus
            field.click()
            time.sleep(0.3)
            page.keyboard.press("Control+A")
            page.keyboard.type(text)
            time.sleep(0.3)
            if field.input_value() == text:
                break
    page.locator("[flt-semantics-identifier='signin-button']").click()
    page.wait_for_selector("[flt-semantics-identifier='scan-list']", timeout=30_000)


def wait_label(page: Any, identifier: str, text: str, timeout_s: float = 60.0) -> None:
    page.wait_for_function(
        """([id, text]) => [...document.querySelectorAll(`[flt-semantics-identifier='${id}']`)]
             .some(e => ((e.getAttribute('aria-label') || '') + e.innerText).includes(text))""",
        arg=[identifier, text],
        timeout=timeout_s * 1000,
    )


# True once a scan row naming the tag is on screen (rows read "TAG: what it did").
ROW_SHOWN = """tag => [...document.querySelectorAll("[flt-semantics-identifier^='scan-row-']")]
  .some(e => ((e.getAttribute('aria-label') || '') + ' ' + e.innerText).includes(tag + ':'))"""


def row_latency_ms(page: Any, tag: str, char_ms: float) -> float:
    """Type the tag, then time Enter -> its row on screen."""
    press_code(page, tag, char_ms, suffix="")
    started = time.perf_counter()
    page.keyboard.press("Enter")
    page.wait_for_function(ROW_SHOWN, arg=tag, polling="raf", timeout=30_000)
    return (time.perf_counter() - started) * 1000
