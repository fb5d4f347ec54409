"""The Labels tool over a real device database: tags scanned (a pallet's assets in one tap) or
a run of new ones, a PDF sheet offered as a download, every label read back by
`scanner.decode` with the store's base URL (as cached) in its QR; any typing a sentence."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.ui import controller as ctl
from app.ui.controller import Controller
from app.ui.desks.labels import NEW, LabelsDesk, new_count
from app.ui.session import DeviceSession
from app.ui.wedge import keys_for
from assets.tags import make_tag
from scanner.labels import STOCKS
from sync.device import store_settings
from sync.protocol import StoreSettingsView
from tests.app.ui.desks import (
    A1,
    A2,
    A3,
    PALLET,
    Key,
    controller,
    device_session,
    downloads,
    label_payloads,
    tasks,
)

BASE = "https://assets.example/t/"
RAW = re.compile(r"\(\d{3}\)|\w+Error\(|Traceback|\basset:|\bpallet:")


@pytest.fixture
def session(tmp_path: Path) -> Iterator[DeviceSession]:
    with device_session(tmp_path) as device:
        with device.db.write() as conn:
            store_settings.keep(
                conn, StoreSettingsView(weight_tolerance_pct="2", label_base_url=BASE), 1
            )
        yield device


@pytest.fixture
def c(session: DeviceSession) -> Controller:
    made = controller(session)
    made.show("labels")
    return made


def desk(c: Controller) -> LabelsDesk:
    found = c.desk("labels")
    assert isinstance(found, LabelsDesk)
    return found


def sheet(c: Controller) -> tuple[str, bytes]:
    """Press Download and run what it asked for; the file offered."""
    desk(c).download()
    tasks(c).run_jobs()
    return downloads(c).saved[-1]


def test_scanned_tags_and_a_pallets_assets_on_a_sheet_that_reads_back(c: Controller) -> None:
    d = desk(c)
    assert d.base_url == BASE
    c.wedge_scan(A1)
    c.wedge_scan(f"{BASE}{PALLET}")  # a label's QR link of this store reads as its tag
    assert d.contents_of == PALLET and d.contents_count == 3
    d.add_contents()
    assert [p.tag for p in d.picks] == [A1, PALLET, A2, A3]  # A1 once
    assert d.picks[0].line == "Dell Latitude 7440" and d.picks[1].line == ""
    name, pdf = sheet(c)
    assert name.endswith(".pdf") and pdf.startswith(b"%PDF")
    read = label_payloads(pdf, STOCKS["avery-5160"], 4)
    for pick, found in zip(d.picks, read, strict=True):
        assert found == {("Code128", pick.tag), ("QR", BASE + pick.tag)}, pick
    assert c.said is not None and c.said.ok and "4 labels on avery-5160" in c.said.text


def test_a_tag_an_asset_was_imported_under_is_reprinted_as_it_is(
    c: Controller, session: DeviceSession
) -> None:
    session.service.claim_tag("WEB-0001", serial="SN-W1", make="Lenovo", model="T14")
    d = desk(c)
    c.wedge_scan("web-0001")  # a wedge scanner with caps lock on
    assert [(p.tag, p.kind, p.line) for p in d.picks] == [("WEB-0001", "asset", "Lenovo T14")]
    _name, pdf = sheet(c)
    [label] = label_payloads(pdf, STOCKS["avery-5160"], 1)
    assert label == {("Code128", "WEB-0001"), ("QR", "WEB-0001")}
    for _symbology, text in label:  # either code, scanned again, opens the asset
        assert session.service.read_scan(text).key == "asset:WEB-0001"
    c.said = None
    c.wedge_scan("WEB-0002")  # imported under nothing: no tag to print
    assert c.said is not None and "Not a tag this device knows: WEB-0002" in c.said.text
    assert len(d.picks) == 1


def test_a_run_of_new_tags_starts_above_what_is_known_and_never_repeats(c: Controller) -> None:
    d = desk(c)
    d.set_mode(NEW)
    d.set_kind("asset")
    d.set_count("3")
    assert d.preview == (make_tag("asset", 5), make_tag("asset", 7))  # A1..A4 are claimed
    d.set_stock("thermal-2x1in")
    _name, pdf = sheet(c)
    read = label_payloads(pdf, STOCKS["thermal-2x1in"], 3, dpi=203)
    tags = [make_tag("asset", n) for n in (5, 6, 7)]
    assert read == [{("Code128", t), ("QR", BASE + t)} for t in tags]
    assert d.preview == (make_tag("asset", 8), make_tag("asset", 10))  # the next run


def test_each_role_prints_the_new_tags_it_may_claim(c: Controller) -> None:
    assert desk(c).kinds == ("asset", "location", "pallet")
    c.switch_person("carl")
    assert desk(c).kinds == ("pallet",)  # crews label pallets
    c.switch_person("tess")
    assert desk(c).kinds == ("asset", "location")
    d = desk(c)
    d.set_mode(NEW)
    d.set_kind("pallet")  # not hers: the kind stays
    assert d.kind == "asset"


def test_nothing_to_print_is_said_not_offered(c: Controller) -> None:
    d = desk(c)
    assert d.missing_input() == "Scan or type the tags to print."
    d.download()
    tasks(c).run_jobs()
    assert downloads(c).saved == []
    assert c.said is not None and not c.said.ok
    d.set_mode(NEW)
    d.set_count("0")
    assert d.missing_input() == "How many new tags: a whole number from 1 to 3000."
    c.wedge_scan("not a tag")
    assert c.said is not None and "Not a tag this device knows" in c.said.text


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    count=st.text(max_size=12) | st.sampled_from(["1e400", "\x00", "٣", "99999", "-1", "3000"]),
    scan=st.text(max_size=80) | st.sampled_from(["\ud800", BASE + "TA-0000001-?", "9" * 400]),
    stock=st.text(max_size=20) | st.sampled_from(sorted(STOCKS)),
)
def test_whatever_is_typed_the_tool_answers_with_a_sentence(
    c: Controller, count: str, scan: str, stock: str
) -> None:
    d = desk(c)
    d.set_mode(NEW)
    d.set_count(count)
    assert (new_count(count) is None) == (d.missing_input() is not None)
    assert d.stock in STOCKS
    d.set_stock(stock)
    c.said = None
    c.wedge_scan(scan)
    assert c.said is None or not RAW.search(c.said.text)


def test_a_wedge_scans_enter_on_the_focused_more_tab_stays_in_the_tool(c: Controller) -> None:
    for key, shift in keys_for(A1):
        c.on_key(Key(key, shift))  # type: ignore[arg-type]
    c.on_key(Key("Enter"))  # type: ignore[arg-type]
    c.show(ctl.MORE)  # what the Enter does to the More tab a tap left focused
    assert c.tab == "labels" and [p.tag for p in desk(c).picks] == [A1]
    c._scan_ended -= ctl.WEDGE_ENTER_S  # a moment later, a person's tap on More
    c.show(ctl.MORE)
    assert c.tab == ctl.MORE
