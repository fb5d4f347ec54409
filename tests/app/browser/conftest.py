"""Browser tests: a real central store and the real app on free loopback ports, driven by
Debian's Chromium through Playwright at a phone's size (390×844).

Both servers run as subprocesses in their own process groups and are stopped by group.
Flutter draws on a canvas: the tests switch its semantics tree on and select elements by the
`flt-semantics-identifier` the app sets (`ft.Semantics(identifier=...)`) or by field labels.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app.commands.demo import StoreProcess, free_port, start_store
from app.commands.wedge_driver import stop_group, wait_port
from assets.tags import make_tag
from tests.app.browser.fakecam import label_frame, write_y4m

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Chromium's fake camera plays a video of this tag's label (made in the `browser` fixture),
# and sounds may play without a click first.
CAMERA_TAG = make_tag("asset", 9101)
MEDIA_ARGS = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
]
VIEWPORT = {"width": 390, "height": 844}
# Counts every sound the page starts (flet-audio plays through HTML media elements on web).
COUNT_SOUNDS = """
window.__tagtrailSounds = 0;
const play = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function (...args) {
  window.__tagtrailSounds += 1;
  return play.apply(this, args);
};
"""
# The app's log holds each scan, screen and field focus: a failure's report ends with it.
APP_ENV = {"PYTHONUNBUFFERED": "1", "TAGTRAIL_LOG": "INFO"}
# What a failure's report lists: the identifiers drawn on screen (a box) and the tab selected.
DRAWN = """() => [...document.querySelectorAll('[flt-semantics-identifier]')]
  .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; })
  .map(e => e.getAttribute('flt-semantics-identifier'))
  .concat([...document.querySelectorAll("[role='tab'][aria-selected='true']")]
    .map(e => `tab:${e.getAttribute('aria-label') || e.innerText}`))"""
LOOPBACK = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")


@dataclass
class Stack:
    """The store and the app under test, with what is needed to restart the store."""

    home: Path
    store: StoreProcess
    store_port: int
    app: subprocess.Popen[bytes]
    app_url: str
    log: Path

    def stop_store(self) -> None:
        self.store.stop()

    def start_store(self) -> None:
        self.store = start_store(self.home / "store", self.store_port)


@pytest.fixture(scope="package")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    home = tmp_path_factory.mktemp("stack")
    store_port = free_port()
    store = start_store(home / "store", store_port)
    assert store.code, store.output
    app_port = free_port()
    log = home / "app.log"
    with log.open("wb") as out:
        app = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "app",
                "app",
                "--db",
                str(home / "device.db"),
                "--server",
                store.url,
                "--port",
                str(app_port),
                "--no-open",
                "--enrol",
                store.code,
                "--name",
                "browser test",
                "--sync-interval",
                "2",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=dict(os.environ, **APP_ENV),
        )
    running = Stack(home, store, store_port, app, f"http://127.0.0.1:{app_port}/", log)
    try:
        wait_port(app_port, 60)
        yield running
    finally:
        stop_group(running.app)  # the one running now (a test may restart the app)
        running.store.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """On a failure, keep a screenshot and the app's log next to the test's data."""
    report = yield
    args: dict[str, Any] = getattr(item, "funcargs", {})
    if report.when == "call" and report.failed and "page" in args:
        stack_ = args.get("stack")
        if isinstance(stack_, Stack):
            shot = stack_.home / f"{item.name}.png"
            with contextlib.suppress(Exception):
                args["page"].screenshot(path=str(shot))
            drawn = ""
            with contextlib.suppress(Exception):
                drawn = ", ".join(args["page"].evaluate(DRAWN))
            tail = stack_.log.read_text(errors="replace")[-6000:]
            report.sections.append(("app", f"screenshot {shot}\ndrawn: {drawn}\n{tail}"))
    return report


@pytest.fixture(scope="package")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    video = write_y4m(tmp_path_factory.mktemp("camera") / "label.y4m", [label_frame(CAMERA_TAG)])
    camera = [*MEDIA_ARGS, f"--use-file-for-fake-video-capture={video}"]
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=[*ARGS, *camera]
        )
        try:
            yield chromium
        finally:
            chromium.close()


def _only_loopback(route: Any) -> None:
    if route.request.url.startswith(LOOPBACK):
        route.continue_()
    else:
        route.abort()


@pytest.fixture(scope="package")
def page(browser: Any, stack: Stack) -> Iterator[Any]:
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(COUNT_SOUNDS)
    tab = context.new_page()
    tab.route("**/*", _only_loopback)
    tab.goto(stack.app_url)
    tab.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=60_000)
    tab.eval_on_selector("flt-semantics-placeholder", "el => el.click()")
    tab.wait_for_selector("input", timeout=30_000)
    yield tab
    context.close()
