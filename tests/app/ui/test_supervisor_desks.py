"""The supervisor area's desks (Reports, Data) over a real device database and a real store on
loopback: every report figure, chart series and table line from a known dataset, each CSV's
content, an import of a broken file that changes nothing, a good one that lands, exports, and
certificates whose PDF text names what they certify.

The dataset is recorded by a second device whose clock the test sets (so periods and weeks are
known), synced, and then read through the supervisor's own device, as the app does."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest

from app.ui.controller import Controller
from app.ui.desks.data import DataDesk, scanned_tag
from app.ui.desks.reports import ReportsDesk
from app.ui.files import Files, Picked
from app.ui.reporting import Chart, Series, Shown
from app.ui.session import DeviceSession
from app.ui.toolbox import tools_for
from assets.tags import make_tag
from sync.device import store_settings
from sync.device.database import DeviceDatabase
from sync.device.engine import SyncEngine
from sync.device.service import DeviceService
from sync.device.store_desk import StoreDesk, StoreSaid
from sync.errors import ServerUnreachable
from sync.protocol import StoreSettingsView
from tests.sync.device.harness import PIN, Device, LoopbackStore, StoreHarness, drain

DAY_MS = 86_400_000
MARCH = int(datetime(2026, 3, 2, 10, tzinfo=UTC).timestamp() * 1000)  # a Monday
APRIL = int(datetime(2026, 4, 15, 10, tzinfo=UTC).timestamp() * 1000)  # a Wednesday
A = [make_tag("asset", 7700 + n) for n in range(8)]  # A[1]..A[7] are used
PALLET = make_tag("pallet", 7701)


class Clock:
    def __init__(self, ms: int) -> None:
        self.ms = ms

    def __call__(self) -> int:
        self.ms += 1000  # every operation a second after the one before
        return self.ms


def _kg(value: str) -> dict[str, str]:
    return {"value": value, "unit": "kg"}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[StoreHarness, str]]:
    """A store holding the known dataset, served on loopback."""
    folder = tmp_path_factory.mktemp("desks")
    harness = StoreHarness(folder / "store")
    served = LoopbackStore(harness)
    try:
        clock = Clock(MARCH)
        db = DeviceDatabase(folder / "dataset.db")
        device = Device(db, DeviceService(db, now_ms=clock), SyncEngine(db, served.url))
        device.engine.enrol(harness.code(), "dataset")
        device.engine.sign_in("sue", PIN)
        svc = device.service
        for tag, place in ((A[1], "DAL1/B1/S1"), (A[2], "DAL1/B1/S1"), (A[3], "AUS2/R1/S1"),
                           (A[4], "DAL1/B1/S2"), (A[5], "AUS2/R1/S1"), (A[6], "AUS2/R1/S1"),
                           (A[7], "DAL1/B1/S2")):  # fmt: skip
            svc.claim_tag(tag, serial=f"SN-{tag}", make="Dell", model="Latitude", category="laptop")
            svc.observe(tag, place)
        svc.transition(A[1], "storage")
        svc.transition(A[2], "surplus")
        svc.dispose(A[4], "recycle", weight=_kg("3"), commodity="aluminium")
        clock.ms = APRIL
        svc.load(A[5], PALLET)
        svc.load(A[6], PALLET)
        svc.dispose(A[5], "resale", weight=_kg("2"), value={"amount": "100", "currency": "USD"})
        svc.dispose(A[6], "destruction", weight=_kg("1"))
        svc.dispose(A[7], "resale", weight=_kg("1.5"), value={"amount": "50", "currency": "EUR"})
        drain(device)
        assert not svc.rejected(), [r.reason for r in svc.rejected()]
        device.db.close()
        yield harness, served.url
    finally:
        served.stop()
        harness.close()


class Downloads(Files):
    """The page's file picker, as the desks see it: what was offered, and a file to pick."""

    def __init__(self) -> None:
        super().__init__()
        self.saved: dict[str, bytes] = {}
        self.to_pick: Picked | None = None

    async def save(self, name: str, data: bytes) -> None:
        self.saved[name] = data

    async def pick(self, extensions: tuple[str, ...] = ()) -> Picked | None:
        assert extensions == ("csv",)
        return self.to_pick


class App:
    """The supervisor's device as the app holds it: a session, the controller, its jobs."""

    def __init__(self, session: DeviceSession) -> None:
        self.jobs: list[tuple[Callable[..., Coroutine[Any, Any, Any]], tuple[Any, ...]]] = []
        self.session = session
        self.controller = Controller(session, lambda job, *args: self.jobs.append((job, args)))
        self.files = Downloads()
        self.controller.attach_files(self.files)

    def settle(self) -> None:
        """Run the jobs the desks started (and those they start in turn) to the end."""
        while self.jobs:
            job, args = self.jobs.pop(0)
            asyncio.run(job(*args))

    def open(self, key: str) -> Any:
        self.controller.show(key)
        self.settle()
        return self.controller.desk(key)

    @property
    def said(self) -> str:
        return self.controller.said.text if self.controller.said else ""


@contextmanager
def supervisor_app(store: tuple[StoreHarness, str], folder: Path) -> Iterator[App]:
    """A supervisor's phone enrolled with the store on loopback, sue signed in."""
    harness, url = store
    session = DeviceSession(folder / "sup.db", url, start=False)
    session.engine.enrol(harness.code(), "supervisor's phone")
    session.sign_in("sue", PIN)
    try:
        yield App(session)
    finally:
        session.close()


@pytest.fixture
def app(store: tuple[StoreHarness, str], tmp_path: Path) -> Iterator[App]:
    with supervisor_app(store, tmp_path) as made:
        yield made


def _reports(app: App, key: str, **filters: str) -> tuple[ReportsDesk, Shown]:
    desk = app.open("reports")
    assert isinstance(desk, ReportsDesk)
    desk.choose(key)
    if filters:
        desk.set_filter(filters.get("site", ""), filters.get("since", ""), "")
    if "period" in filters:
        desk.set_period(filters["period"])
    app.settle()
    assert desk.problem is None and desk.shown is not None, desk.problem
    return desk, desk.shown


def _csv(app: App, desk: ReportsDesk) -> list[list[str]]:
    desk.download()
    app.settle()
    (name, data), *_ = app.files.saved.items()
    assert name.endswith(".csv") and data.startswith(b"\xef\xbb\xbf"), name
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_assets_by_status_figures_chart_table_and_csv(app: App) -> None:
    desk, shown = _reports(app, "assets-by-status")
    assert shown.figures == (("Assets", "7"), ("Statuses in use", "6"))
    assert shown.chart == Chart(
        ("In stock", "Storage", "Surplus", "Resold", "Recycled", "Destroyed"),
        (Series("Assets", "#1565c0", (1.0, 1.0, 1.0, 2.0, 1.0, 1.0)),),
        "Assets by status",
        ("#2e7d32", "#6d4c41", "#8e24aa", "#2e7d32", "#33691e", "#b71c1c"),
    )
    assert shown.table.rows == (
        ("AUS2", "In stock", "1"),
        ("AUS2", "Resold", "1"),
        ("AUS2", "Destroyed", "1"),
        ("DAL1", "Storage", "1"),
        ("DAL1", "Surplus", "1"),
        ("DAL1", "Resold", "1"),
        ("DAL1", "Recycled", "1"),
    )
    assert "Storage 1; Surplus 1; Resold 2" in shown.chart.words()
    rows = _csv(app, desk)
    assert rows[0] == ["site", "status", "status_label", "assets"]
    assert sorted(rows[1:]) == sorted(
        [["AUS2", "in_stock", "In stock", "1"], ["AUS2", "resold", "Resold", "1"],
         ["AUS2", "destroyed", "Destroyed", "1"], ["DAL1", "storage", "Storage", "1"],
         ["DAL1", "surplus", "Surplus", "1"], ["DAL1", "resold", "Resold", "1"],
         ["DAL1", "recycled", "Recycled", "1"]]
    )  # fmt: skip
    _, dal1 = _reports(app, "assets-by-status", site="dal1")
    assert dal1.figures[0] == ("Assets", "4") and dal1.chart.labels[0] == "Storage"


def test_assets_by_location(app: App) -> None:
    desk, shown = _reports(app, "assets-by-location")
    assert shown.table.rows == (
        ("AUS2/R1/S1", "AUS2", "3"),
        ("DAL1/B1/S1", "DAL1", "2"),
        ("DAL1/B1/S2", "DAL1", "2"),
    )
    assert shown.chart.labels == ("AUS2/R1/S1", "DAL1/B1/S1", "DAL1/B1/S2")
    assert shown.chart.series[0].values == (3.0, 2.0, 2.0)
    assert shown.figures == (("Places", "3"), ("Assets", "7")) and not shown.more
    assert _csv(app, desk)[1:] == [["AUS2", "AUS2/R1/S1", "3"], ["DAL1", "DAL1/B1/S1", "2"],
                                   ["DAL1", "DAL1/B1/S2", "2"]]  # fmt: skip


def test_storage_age_oldest_first_with_days_from_the_store_clock(app: App) -> None:
    desk, shown = _reports(app, "storage-age")
    got = app.session.store_desk().storage_age()
    as_of = datetime.fromisoformat(got.as_of)
    since = [datetime.fromisoformat(item.since) for item in got.items]
    days = [(as_of - s).days for s in since]
    assert [r[0] for r in shown.table.rows] == [A[1], A[2]]  # A[1] arrived first
    assert [r[1] for r in shown.table.rows] == ["Storage", "Surplus"]
    assert [r[4] for r in shown.table.rows] == [str(d) for d in days]
    assert days[0] >= (as_of.timestamp() * 1000 - MARCH) // DAY_MS - 1 and days[0] > 200
    assert shown.chart.series[0].values == tuple(float(d) for d in days)
    assert shown.chart.colours == ("#6d4c41", "#8e24aa")
    assert shown.figures == (("Idle assets", "2"), ("Longest idle", f"{days[0]:,} days"))
    rows = _csv(app, desk)
    assert [r[0] for r in rows[1:]] == [A[1], A[2]] and rows[1][9] == str(days[0])


def test_value_recovered_by_month_and_week(app: App) -> None:
    desk, shown = _reports(app, "recovery")
    assert shown.figures == (("Recovered (EUR)", "50.00"), ("Recovered (USD)", "100.00"))
    assert shown.table.rows == (
        ("2026-04-01", "AUS2", "USD", "1", "100.00"),
        ("2026-04-01", "DAL1", "EUR", "1", "50.00"),
    )
    assert shown.chart.labels == ("2026-04-01",)
    assert [(s.name, s.values) for s in shown.chart.series] == [("USD", (100.0,)), ("EUR", (50.0,))]
    rows = [(*r[:4], Decimal(r[4])) for r in _csv(app, desk)[1:]]
    assert rows == [
        ("2026-04-01", "AUS2", "USD", "1", Decimal(100)),
        ("2026-04-01", "DAL1", "EUR", "1", Decimal(50)),
    ]
    _, weekly = _reports(app, "recovery", period="week")
    assert weekly.chart.labels == ("2026-04-13",)  # the Monday of 15 April


def test_landfill_diversion_by_period_and_site(app: App) -> None:
    desk, shown = _reports(app, "diversion")
    assert shown.figures == (
        ("Landfill diversion", "86.7 %"),
        ("Retired", "7.5 kg"),
        ("Diverted", "6.5 kg"),
    )
    assert shown.table.rows == (
        ("2026-03-01", "DAL1", "1", "1", "3.000", "3.000", "100.0 %"),
        ("2026-04-01", "AUS2", "2", "2", "3.000", "2.000", "66.7 %"),
        ("2026-04-01", "DAL1", "1", "1", "1.500", "1.500", "100.0 %"),
    )
    assert shown.chart == Chart(
        ("2026-03-01", "2026-04-01"),
        (
            Series("Retired kg", "#78909c", (3.0, 4.5)),
            Series("Diverted kg", "#2e7d32", (3.0, 3.5)),
        ),
        "Weight by period",
    )
    rows = _csv(app, desk)
    assert rows[2] == ["2026-04-01", "AUS2", "2", "2", "3.000", "2.000", "0.6667"]
    _, aus2 = _reports(app, "diversion", site="AUS2")
    assert aus2.figures[0] == ("Landfill diversion", "66.7 %")
    assert aus2.chart.series[0].values == (3.0,)


def test_devices_backlog_and_last_contact(app: App) -> None:
    desk, shown = _reports(app, "devices")
    names = {row[1]: row for row in shown.table.rows}
    assert {"dataset", "supervisor's phone"} <= set(names)
    assert names["dataset"][3] == "0"  # it pushed everything and said so
    assert names["dataset"][2][:4] == str(datetime.now(UTC).year)
    assert shown.figures[0] == ("Devices", str(len(shown.table.rows)))
    assert shown.chart.series[0].name == "Waiting"
    assert len(_csv(app, desk)) == len(shown.table.rows) + 1


def test_disposition_outcomes(app: App) -> None:
    _, shown = _reports(app, "disposition")
    assert shown.figures == (
        ("Disposed of", "4"),
        ("Landfill diversion", "86.7 %"),
        ("Retired", "7.5 kg"),
    )
    assert shown.chart.labels == ("Resale", "Recycling", "Destruction")
    assert shown.chart.series[0].values == (2.0, 1.0, 1.0)


def test_a_bad_filter_is_the_store_s_sentence_and_offline_says_so(app: App) -> None:
    desk = app.open("reports")
    assert isinstance(desk, ReportsDesk)
    desk.choose("recovery")
    desk.set_filter("", "not a date", "")
    app.settle()
    assert desk.shown is None and desk.problem and "date" in desk.problem.lower()
    assert "(400)" not in desk.problem
    offline = StoreDesk("http://127.0.0.1:9", "t", "p")
    with pytest.raises(ServerUnreachable):
        offline.assets_by_status()


GOOD = (
    b"tag,serial,make,model,category,data_bearing,storage_serials,parent,location,status\r\n"
    b"IMP-0001,SN-I1,Dell,Latitude 7420,laptop,false,,,DAL1/B2/R1,in_stock\r\n"
    b"IMP-0002,SN-I2,HP,EliteBook 840,laptop,false,,,DAL1/B2/R1,storage\r\n"
)
BROKEN = (
    b"tag,serial,make,model,category,data_bearing,storage_serials,parent,location,status\r\n"
    b"IMP-0101,SN-B1,Dell,Latitude 7420,laptop,false,,,DAL1/B2/R1,in_stock\r\n"
    b"IMP-0102,SN-B2,HP,EliteBook 840,laptop,false,,,DAL1/B2/R1,Exploded\r\n"
)


def test_a_broken_file_imports_nothing_and_names_the_row(
    app: App, store: tuple[StoreHarness, str]
) -> None:
    harness, _ = store
    before = len(harness.log())
    desk = app.open("data")
    assert isinstance(desk, DataDesk)
    app.files.to_pick = Picked("broken.csv", BROKEN)
    desk.choose_file()
    app.settle()
    assert desk.checked is not None and desk.checked.bad
    (problem,) = desk.checked.outcome.problems
    assert (problem.row, problem.column) == (3, "status") and "Exploded" in problem.message
    desk.import_file()  # refused on screen: nothing to import
    app.settle()
    assert len(harness.log()) == before and desk.imported is None
    assert "nothing was imported" in app.said


def test_a_good_file_is_checked_then_imported_once(
    app: App, store: tuple[StoreHarness, str]
) -> None:
    harness, _ = store
    before = len(harness.log())
    desk = app.open("data")
    assert isinstance(desk, DataDesk)
    app.files.to_pick = Picked("good.csv", GOOD)
    desk.choose_file()
    app.settle()
    checked = desk.checked
    assert checked is not None and not checked.bad and checked.outcome.dry_run
    assert (checked.outcome.rows, checked.outcome.new) == (2, 2)
    assert len(harness.log()) == before  # a check writes nothing
    desk.import_file()
    app.settle()
    assert desk.imported is not None and desk.imported.outcome.imported
    assert "Imported good.csv: 2 rows: 2 added" in app.said
    written = len(harness.log()) - before
    assert written == desk.imported.outcome.operations > 0
    desk.choose_file()  # the same file again: nothing new
    app.settle()
    assert desk.checked is not None and desk.checked.outcome.unchanged == 2
    desk.import_file()
    app.settle()
    assert "holds nothing new" in app.said and len(harness.log()) - before == written

    desk.export("assets")
    app.settle()
    exported = app.files.saved["tagtrail-assets.csv"].decode("utf-8-sig")
    lines = {row[0]: row for row in csv.reader(io.StringIO(exported))}
    assert lines["IMP-0002"][8:10] == ["DAL1/B2/R1", "storage"]
    assert A[1] in lines and lines["tag"][:3] == ["tag", "serial", "make"]


def _pdf_text(data: bytes) -> str:
    pdf = pdfium.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def test_certificates_for_an_asset_a_pallet_a_batch_and_recycling(app: App) -> None:
    desk = app.open("data")
    assert isinstance(desk, DataDesk)
    app.controller.wedge_scan(A[5])  # a scan while Data is open: the asset's certificate and batch
    app.controller.wedge_scan(A[6])
    app.controller.wedge_scan(PALLET)
    assert (desk.asset_tag, desk.batch, desk.pallet_tag) == (A[6], (A[5], A[6]), PALLET)
    desk.asset_certificate()
    desk.pallet_certificate()
    desk.batch_certificate()
    desk.set_fields(desk.asset_tag, desk.pallet_tag, "2026-03-01", "2026-03-31", "")
    desk.recycling_certificate()
    app.settle()
    saved = app.files.saved
    pdfs = {name: _pdf_text(data) for name, data in saved.items() if name.endswith(".pdf")}
    assert len(pdfs) == 4, list(saved)
    single = next(text for name, text in pdfs.items() if A[6] in name)
    assert A[6] in single and "destruction" in single.lower()
    both = [text for text in pdfs.values() if A[5] in text and A[6] in text]
    assert len(both) >= 2  # the pallet's and the batch's certificates cover both
    recycling = next(text for name, text in pdfs.items() if "recycl" in name.lower())
    assert "aluminium" in recycling.lower() and "3.0" in recycling


def test_a_certificate_of_an_asset_not_disposed_is_refused_in_the_store_s_words(
    app: App,
) -> None:
    desk = app.open("data")
    assert isinstance(desk, DataDesk)
    desk.set_fields(A[3], "", "", "", "")
    desk.asset_certificate()
    app.settle()
    assert not app.files.saved and "(409)" not in app.said and app.said
    with pytest.raises(StoreSaid) as refused:
        app.session.store_desk().asset_certificate(A[3])
    assert refused.value.status == 409


def test_scans_name_pallets_and_assets_as_the_store_prints_them(tmp_path: Path) -> None:
    """Read with the store's `label_base_url` (as cached), as on the main screens; anything
    else is an asset's tag the store may know (an import keeps the tags it came with)."""
    db = DeviceDatabase(tmp_path / "scans.db")
    svc = DeviceService(db)
    base = "https://assets.example/t/"
    store_settings.pulled(db, StoreSettingsView(weight_tolerance_pct="2", label_base_url=base), 0)
    try:
        assert scanned_tag(svc, PALLET) == ("pallet", PALLET)
        assert scanned_tag(svc, f"{base}{PALLET}") == ("pallet", PALLET)
        assert scanned_tag(svc, f"{base}{A[1]}") == ("asset", A[1])
        assert scanned_tag(svc, f"https://tagtrail.local/t/{A[2]}") == ("asset", A[2])
        assert scanned_tag(svc, "  ACME-0001 ") == ("asset", "ACME-0001")
    finally:
        db.close()


def test_only_supervisors_and_admins_get_the_tools_and_the_store_agrees(
    store: tuple[StoreHarness, str], tmp_path: Path
) -> None:
    for role, shown in (("technician", False), ("crew", False), ("supervisor", True),
                        ("admin", True)):  # fmt: skip
        keys = {tool.key for tool in tools_for(role)}
        assert {"reports", "data"} & keys == ({"reports", "data"} if shown else set()), role
    harness, url = store
    session = DeviceSession(tmp_path / "tech.db", url, start=False)
    try:
        session.engine.enrol(harness.code(), "technician's phone")
        session.sign_in("tech", PIN)
        with pytest.raises(StoreSaid) as refused:
            session.store_desk().assets_by_status()
        assert refused.value.status == 403 and "technician" in refused.value.said
    finally:
        session.close()
