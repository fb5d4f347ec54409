"""Every line of a report reachable from the Reports tool, a page at a time: the desk over a
real store on loopback, with more lines than a page (seeded through the store's import API,
not the screen). The pages put together are the CSV's lines, each once, in the CSV's order;
Previous goes back to the same lines; the position reads as people say it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.ui.desks.reports import ReportsDesk
from app.ui.reporting import PAGE_LINES, Chart, Page, Shown, Table, page_of, store_page
from app.ui.session import DeviceSession
from tests.app.ui.test_supervisor_desks import App, supervisor_app
from tests.sync.device.harness import PIN, LoopbackStore, StoreHarness

IDLE = 250  # assets in storage: pages of 100, 100 and 50
PLACES = 130  # places holding them: pages of 100 and 30
HEADER = "tag,serial,make,model,category,data_bearing,storage_serials,parent,location,status"


def _csv_file() -> bytes:
    rows = [HEADER] + [
        f"PG-{n:04d},SN-PG{n},Dell,Latitude 7420,laptop,false,,,DAL1/B9/S{n % PLACES:03d},storage"
        for n in range(IDLE)
    ]
    return ("\r\n".join(rows) + "\r\n").encode()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[StoreHarness, str]]:
    folder = tmp_path_factory.mktemp("pages")
    harness = StoreHarness(folder / "store")
    served = LoopbackStore(harness)
    try:
        seeding = DeviceSession(folder / "seed.db", served.url, start=False)
        seeding.engine.enrol(harness.code(), "seeding")
        seeding.sign_in("sue", PIN)
        done = seeding.store_desk().import_csv(_csv_file(), dry_run=False)
        assert done.imported and done.new == IDLE
        seeding.close()
        yield harness, served.url
    finally:
        served.stop()
        harness.close()


@pytest.fixture
def app(store: tuple[StoreHarness, str], tmp_path: Path) -> Iterator[App]:
    with supervisor_app(store, tmp_path) as made:
        yield made


def _open(app: App, key: str) -> ReportsDesk:
    desk = app.open("reports")
    assert isinstance(desk, ReportsDesk)
    desk.choose(key)
    app.settle()
    assert desk.problem is None and desk.shown is not None, desk.problem
    return desk


def _lines(desk: ReportsDesk) -> list[tuple[str, ...]]:
    assert desk.shown is not None
    return list(desk.shown.table.rows)


def _csv_column(app: App, desk: ReportsDesk, column: int) -> list[str]:
    desk.download()
    app.settle()
    data = next(v for k, v in app.files.saved.items() if k.endswith(".csv"))
    return [row[column] for row in list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1:]]


def test_storage_age_pages_through_every_line_and_back(app: App) -> None:
    desk = _open(app, "storage-age")
    seen: list[tuple[str, ...]] = []
    words = []
    while True:
        assert desk.page is not None
        words.append(desk.page.words())
        seen += _lines(desk)
        if not desk.page.more:
            break
        desk.next_page()
        app.settle()
        assert desk.problem is None
    assert words == [
        "Lines 1–100 of more than 100",
        "Lines 101–200 of more than 200",
        "Lines 201–250 of 250",
    ]
    tags = [line[0] for line in seen]
    assert tags == _csv_column(app, desk, 0)  # every line, once, in the CSV's order
    assert len(set(tags)) == IDLE == len(tags)
    assert desk.shown is not None and desk.shown.figures[0] == ("Idle assets on this page", "50")
    desk.next_page()  # nothing after the last page: nothing changes
    app.settle()
    assert desk.page is not None and desk.page.start == 200

    desk.previous_page()
    app.settle()
    assert desk.page is not None and desk.page.words() == "Lines 101–200 of more than 200"
    assert [line[0] for line in _lines(desk)] == tags[100:200]
    desk.previous_page()
    app.settle()
    assert [line[0] for line in _lines(desk)] == tags[:100]
    desk.previous_page()  # already at the first line
    app.settle()
    assert desk.page is not None and desk.page.start == 0


def test_a_new_filter_or_report_starts_at_line_one(app: App) -> None:
    desk = _open(app, "assets-by-location")
    assert desk.page == Page(0, PAGE_LINES, None)
    desk.next_page()
    app.settle()
    assert desk.page == Page(100, PLACES - 100, PLACES)
    assert desk.page.words() == "Lines 101–130 of 130"
    places = [line[0] for line in _lines(desk)]
    assert places[0] == "DAL1/B9/S100" and places[-1] == f"DAL1/B9/S{PLACES - 1}"
    desk.refresh()  # a sync moved data: the same page is read again
    app.settle()
    assert desk.page == Page(100, PLACES - 100, PLACES)
    desk.set_filter("dal1", "", "")
    app.settle()
    assert desk.page == Page(0, PAGE_LINES, None)
    desk.choose("storage-age")
    app.settle()
    assert desk.page is not None and desk.page.start == 0


def test_a_page_the_store_does_not_send_can_be_left_backwards(
    app: App, store: tuple[StoreHarness, str]
) -> None:
    desk = _open(app, "storage-age")
    app.session.server_url = "http://127.0.0.1:9"  # the store is down while paging
    desk.next_page()
    app.settle()
    assert desk.shown is None and desk.problem and "cannot be reached" in desk.problem
    app.session.server_url = store[1]
    desk.previous_page()
    app.settle()
    assert desk.problem is None and desk.page == Page(0, PAGE_LINES, None)


def _shown(rows: int) -> Shown:
    table = Table(("Line",), tuple((str(n),) for n in range(rows)))
    return Shown("x", "X", (("Lines", str(rows)),), Chart((), (), "x"), table)


@given(st.integers(0, 450), st.integers(-50, 600))
def test_a_whole_report_cut_into_pages_covers_every_line(rows: int, start: int) -> None:
    shown, page = page_of(_shown(rows), start)
    assert page.total == rows and 0 <= page.start <= max(rows - 1, 0)
    assert page.start % PAGE_LINES == 0 and len(shown.table.rows) == page.shown <= PAGE_LINES
    assert shown.figures == (("Lines", str(rows)),)  # a whole report's figures stay whole
    covered = []
    at = 0
    while True:
        cut, where = page_of(_shown(rows), at)
        covered += [r[0] for r in cut.table.rows]
        if not where.more:
            break
        at = where.start + PAGE_LINES
    assert covered == [str(n) for n in range(rows)]


def test_the_position_in_people_s_words() -> None:
    assert Page(100, 100, 340).words() == "Lines 101–200 of 340"
    assert Page(1000, 100, None).words() == "Lines 1,001–1,100 of more than 1,100"
    assert Page(0, 7, 7).words() == "All 7 lines" and Page(0, 1, 1).words() == "1 line"
    assert Page(0, 0, 0).words() == "No lines." and not Page(0, 0, 0).more
    assert Page(200, 0, 200).words() == "No lines after line 200."
    one, page = store_page(_shown(3), 0)
    assert page.whole and one.figures == (("Lines", "3"),)
