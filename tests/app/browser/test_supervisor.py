"""The supervisor area in Chromium against the demo store, at 390x844 and at 1280x800: the
Reports tool's figures, chart and table (side by side on a desktop), a CSV download and its
content; a report longer than a page read to its last line and back; a broken CSV upload (the
check lists the bad row, nothing is imported), a good one imported; a certificate PDF
downloaded and its text read."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest

from assets.tags import make_tag
from tests.app.browser.conftest import VIEWPORT, Stack
from tests.app.browser.flutter import by_id, press, tab, type_into, wait_id, wait_label, wedge
from tests.app.browser.forms import shows, tap, thumb_sized
from tests.app.browser.steps import signed_in, sync_now

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
DISPOSED = make_tag("asset", 42)  # the demo resells it after a verified purge
HEADER = "tag,serial,make,model,category,data_bearing,storage_serials,parent,location,status"
GOOD = f"{HEADER}\r\nWEB-0001,SN-W1,Dell,Latitude 7420,laptop,false,,,DAL1/B7/R1,storage\r\n"
BROKEN = (
    f"{HEADER}\r\nWEB-0101,SN-W2,Dell,Latitude 7420,laptop,false,,,DAL1/B7/R1,in_stock\r\n"
    "WEB-0102,SN-W3,HP,EliteBook,laptop,false,,,DAL1/B7/R1,Exploded\r\n"
)


def _store(stack: Stack, sql: str, *args: object) -> list[tuple[Any, ...]]:
    db = stack.home / "store" / "store.db"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return list(conn.execute(sql, args).fetchall())


def _box(page: Any, identifier: str) -> dict[str, float]:
    box = by_id(page, identifier).first.bounding_box()
    assert box is not None, f"{identifier} is not on screen"
    return dict(box)


@pytest.fixture
def supervisor(page: Any) -> Iterator[Any]:
    signed_in(page, "sam", "2222")
    yield page
    page.set_viewport_size(VIEWPORT)


def _download(page: Any, identifier: str, into: Path) -> tuple[str, bytes]:
    with page.expect_download(timeout=30_000) as info:
        press(page, identifier)
    got = info.value
    target = into / got.suggested_filename
    got.save_as(target)
    return got.suggested_filename, target.read_bytes()


def _check_reports(page: Any, stack: Stack, tmp_path: Path) -> None:
    total = _store(stack, "select count(*) from assets")[0][0]
    tab(page, "Reports")
    wait_label(page, "report-title", "Assets by status", 30)
    wait_label(page, "report-figure-0", rf"Assets {total:,}")
    chart = wait_label(page, "report-chart", r"Assets by status: In stock \d+")
    in_stock = _store(stack, "select count(*) from assets where status = 'in_stock'")[0][0]
    assert f"In stock {in_stock:,}" in chart
    name, data = _download(page, "report-download", tmp_path)
    assert name == "tagtrail-assets-by-status.csv"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["site", "status", "status_label", "assets"]
    assert sum(int(r[3]) for r in rows[1:]) == total
    assert sum(int(r[3]) for r in rows[1:] if r[1] == "in_stock") == in_stock


def test_reports_at_a_phone_s_width(supervisor: Any, stack: Stack, tmp_path: Path) -> None:
    page = supervisor
    _check_reports(page, stack, tmp_path)
    chart, table = _box(page, "report-chart"), _box(page, "report-table")
    assert table["y"] >= chart["y"] + chart["height"] - 1  # one column: the table under it
    assert _box(page, "report-diversion")["height"] >= 48
    press(page, "report-diversion")
    wait_label(page, "report-title", "Landfill diversion")
    wait_label(page, "report-figure-0", r"Landfill diversion \d+\.\d %")
    wait_label(page, "report-chart", r"Weight by period: \d{4}-\d\d-01: Retired kg")


def test_reports_at_a_desktop_width(supervisor: Any, stack: Stack, tmp_path: Path) -> None:
    page = supervisor
    page.set_viewport_size(DESKTOP)
    _check_reports(page, stack, tmp_path)
    chart, table = _box(page, "report-chart"), _box(page, "report-table")
    assert table["x"] >= chart["x"] + chart["width"] - 1  # side by side
    assert abs(table["y"] - chart["y"]) < 80


IDLE_SEEDED = 150  # with the demo's surplus: more than two pages of storage age


def _seed_idle(stack: Stack, tmp_path: Path) -> None:
    """Assets in storage, written by the store's own import (not through the screen)."""
    rows = [HEADER] + [
        f"PAGE-{n:04d},SN-P{n},Dell,Latitude 7420,laptop,false,,,DAL1/B8/S{n:03d},storage"
        for n in range(IDLE_SEEDED)
    ]
    seed = tmp_path / "idle.csv"
    seed.write_text("\r\n".join(rows) + "\r\n", newline="")
    env = dict(os.environ, TAGTRAIL_HOME=str(stack.home / "store"))
    done = subprocess.run(
        [sys.executable, "-m", "app", "server", "import", str(seed)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_report_longer_than_a_page_is_read_to_its_last_line_and_back(
    supervisor: Any, stack: Stack, tmp_path: Path
) -> None:
    page = supervisor
    _seed_idle(stack, tmp_path)
    order = [k for (k,) in _store(stack, "select key from idle_assets order by since_ms, key")]
    tags = [key.removeprefix("asset:") for key in order]
    assert len(tags) > 200
    tab(page, "Reports")
    wait_id(page, "report-storage-age", 30_000)
    press(page, "report-storage-age")
    wait_label(page, "report-lines", "Lines 1–100 of more than 100", 30)
    thumb_sized(page, "report-next")
    thumb_sized(page, "report-previous")
    start = 0
    while start + 100 < len(tags):
        tap(page, "report-next")  # above the table: scrolled back up to after a long page
        start += 100
        last = min(start + 100, len(tags))
        total = f"{len(tags)}" if last == len(tags) else f"more than {last}"
        wait_label(page, "report-lines", f"Lines {start + 1}–{last} of {total}", 30)
        shows(page, f"report-row-{start}", rf"^{tags[start]} \|")  # the page's first line
    wait_label(page, f"report-row-{len(tags) - 1}", rf"^{tags[-1]} \|")  # the last line
    thumb_sized(page, "report-previous-end")
    tap(page, "report-previous-end")  # the copy under the table, where the thumb is now
    wait_label(page, "report-lines", f"Lines {start - 99}–{start} of more than {start}", 30)
    shows(page, f"report-row-{start - 100}", rf"^{tags[start - 100]} \|")


def _upload(page: Any, path: Path) -> None:
    with page.expect_file_chooser(timeout=30_000) as chooser:
        press(page, "import-choose")
    chooser.value.set_files(str(path))


def test_import_a_broken_then_a_good_file(supervisor: Any, stack: Stack, tmp_path: Path) -> None:
    page = supervisor
    before = _store(stack, "select count(*) from oplog")[0][0]
    tab(page, "Data")
    broken = tmp_path / "broken.csv"
    broken.write_text(BROKEN, newline="")
    _upload(page, broken)
    wait_label(page, "import-problem-0", r"Row 3 · status: .*Exploded", 30)
    wait_label(page, "import-said", "nothing was imported")
    assert not by_id(page, "import-go").count()  # nothing to import from a broken file
    assert _store(stack, "select count(*) from oplog")[0][0] == before

    good = tmp_path / "good.csv"
    good.write_text(GOOD, newline="")
    _upload(page, good)
    wait_label(page, "import-plan", "1 rows: 1 to add, 0 to update", 30)
    assert _store(stack, "select count(*) from oplog")[0][0] == before  # checked, not written
    press(page, "import-go")
    wait_label(page, "import-done", "Imported good.csv: 1 rows: 1 added", 60)
    assert _store(stack, "select status, location from assets where key = 'asset:WEB-0001'") == [
        ("storage", "DAL1/B7/R1")
    ]
    sync_now(page)
    tab(page, "Asset")
    wedge(page, "WEB-0001")  # the tag the file came with, in no TagTrail format: it opens
    wait_label(page, "asset-tag", "WEB-0001", 30)


def test_a_certificate_pdf_for_a_typed_tag(supervisor: Any, tmp_path: Path) -> None:
    page = supervisor
    tab(page, "Data")
    wait_id(page, "cert-asset")
    type_into(page, "Asset tag", DISPOSED)
    name, data = _download(page, "cert-asset", tmp_path)
    assert name.endswith(".pdf") and DISPOSED in name
    pdf = pdfium.PdfDocument(data)
    try:
        text = "\n".join(p.get_textpage().get_text_range() for p in pdf)
    finally:
        pdf.close()
    assert DISPOSED in text and "resale" in text.lower()


CUSTOM = make_tag("asset", 9701)  # the browser files share a store: a number of its own


def test_an_imported_custom_field_shows_on_the_asset_screen(
    supervisor: Any, stack: Stack, tmp_path: Path
) -> None:
    page = supervisor
    tab(page, "Data")
    with_field = tmp_path / "custom.csv"
    with_field.write_text(
        f"{HEADER},Cost centre\r\n"
        f"{CUSTOM},SN-C1,Dell,Latitude 7420,laptop,false,,,DAL1/B7/R1,storage,CC-7\r\n",
        newline="",
    )
    _upload(page, with_field)
    wait_label(page, "import-plan", "1 rows: ", 30)  # to add, or to update on a rerun
    press(page, "import-go")
    wait_label(page, "import-done", "Imported custom.csv", 60)
    sync_now(page)  # the import's operations reach this device like any other device's
    tab(page, "Asset")
    wedge(page, CUSTOM)
    wait_label(page, "asset-fields", r"Cost centre.*CC-7", 30)
