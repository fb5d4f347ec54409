"""Phone profile: a phone build may ship only pyzbar (zxing-cpp has no phone package). The app
runs here with zxing-cpp made unavailable to its process, and the camera flow still reads a
rendered label in the browser."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.commands.demo import free_port, start_store
from app.commands.wedge_driver import stop_group, wait_port
from tests.app.browser.conftest import (
    CAMERA_TAG,
    LOOPBACK,
    VIEWPORT,
    _only_loopback,
)
from tests.app.browser.flutter import by_id, wait_label, wedge
from tests.app.browser.steps import sign_in

pytestmark = pytest.mark.browser

# Imported first by the app's interpreter: zxingcpp is "not installed" (find_spec says None,
# import raises ImportError), exactly as on a phone build without it.
HIDE_ZXING = "import sys\nsys.modules['zxingcpp'] = None\n"


def phone_env(folder: Path) -> dict[str, str]:
    folder.mkdir(exist_ok=True)
    (folder / "sitecustomize.py").write_text(HIDE_ZXING, encoding="utf-8")
    paths = [str(folder), os.environ.get("PYTHONPATH", ""), str(Path.cwd())]
    return dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in paths if p), PYTHONUNBUFFERED="1")


@pytest.fixture(scope="module")
def phone_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("phone")
    store = start_store(home / "store", free_port())
    port = free_port()
    command = [sys.executable, "-m", "app", "app", "--db", str(home / "device.db")]
    command += ["--server", store.url, "--port", str(port), "--no-open"]
    command += ["--enrol", str(store.code), "--name", "phone profile"]
    env = phone_env(home / "site")
    with (home / "app.log").open("wb") as out:
        app = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, env=env
        )
    try:
        wait_port(port, 60)
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop_group(app)
        store.stop()


def test_the_app_process_has_no_zxing(tmp_path: Path) -> None:
    probe = (
        "import importlib.util; from scanner import backends; "
        "print(importlib.util.find_spec('zxingcpp'), [b.name for b in backends.available()])"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        env=phone_env(tmp_path / "site"),
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "None ['pyzbar']"


def test_the_camera_reads_a_label_with_pyzbar_only(browser: Any, phone_app: str) -> None:
    assert LOOPBACK
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.route("**/*", _only_loopback)
        page.goto(phone_app)
        page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=60_000)
        page.eval_on_selector("flt-semantics-placeholder", "el => el.click()")
        page.wait_for_selector("input", timeout=30_000)
        sign_in(page, "tess", "3333")
        wedge(page, "dal1/b9/phone-1")
        wait_label(page, "current-location", "DAL1/B9/PHONE-1")
        by_id(page, "camera-button").click()
        wait_label(page, "camera-status", f"Read {CAMERA_TAG}", 40)
        wait_label(page, "scan-row-2", rf"{CAMERA_TAG}.*claim it")  # unknown in this store
    finally:
        context.close()
