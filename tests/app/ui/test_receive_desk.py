"""The Receive tool over a real device database: a pallet scanned at the facility compared with
what was sealed (seal, weight with the store's tolerance as cached, contents), the receipt
recorded as typed, and no typing of any kind taking it down."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.ui.controller import Controller
from app.ui.desks.receive import ReceiveDesk, typed_weight
from app.ui.session import DeviceSession
from sync.device import store_settings
from sync.protocol import StoreSettingsView
from tests.app.ui.desks import A1, A2, A3, A4, PALLET, controller, device_session

RAW = re.compile(r"\(\d{3}\)|\w+Error\(|Traceback|\basset:|\bpallet:|\x00")
TYPED = st.text(max_size=80) | st.sampled_from(
    ["12..5", "1e400", "\x00", "\ud800", "-3", "NaN", "Infinity", "9" * 400, "412,5", " "]
)


@pytest.fixture
def session(tmp_path: Path) -> Iterator[DeviceSession]:
    with device_session(tmp_path) as device:
        yield device


@pytest.fixture
def c(session: DeviceSession) -> Controller:
    made = controller(session)
    made.switch_person("carl")  # crews receive pallets
    made.show("receive")
    return made


def desk(c: Controller) -> ReceiveDesk:
    found = c.desk("receive")
    assert isinstance(found, ReceiveDesk)
    return found


def receipts(session: DeviceSession) -> list[dict[str, object]]:
    with session.db.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT body FROM outbox WHERE kind = 'receive' ORDER BY device_seq"
        ).fetchall()
    return [json.loads(body)["args"] for (body,) in rows]


def weight_flags(session: DeviceSession) -> set[str]:
    """The kinds of the open conflicts this device's fold holds for the pallet now."""
    return {c.type for c in session.service.pallet(PALLET).open_conflicts}


def test_only_those_who_receive_pallets_see_the_tool(c: Controller) -> None:
    assert "receive" in {t.key for t in c.tools}
    c.switch_person("tess")
    assert "receive" not in {t.key for t in c.tools}
    assert c.desk("receive") is None


def test_a_receipt_with_a_wrong_seal_a_heavy_pallet_and_a_missing_and_an_extra_asset(
    c: Controller, session: DeviceSession
) -> None:
    d = desk(c)
    c.wedge_scan(PALLET)  # the wedge scan reaches the open tool
    assert d.pallet is not None and d.pallet.tag == PALLET
    assert d.check is not None and len(d.check.expected) == 3
    for tag in (A1, A2, A4, A1):  # a repeated scan counts once
        c.wedge_scan(tag)
    d.set_seal("S-200")
    d.set_gross("450")
    assert d.missing_input() == "Type the facility it arrived at."
    d.set_facility("Recycler East")
    check = d.check
    assert check is not None
    assert check.seal_matches is False and check.weight_ok is False
    assert check.difference_kg == Decimal(50) and check.difference_pct == Decimal("12.5")
    assert check.missing == (f"asset:{A3}",) and check.extra == (f"asset:{A4}",)
    assert check.differences == ("seal_mismatch", "weight_mismatch", "manifest_mismatch")
    assert d.missing_input() is None

    d.receive()
    [args] = receipts(session)
    assert args["seal_number"] == "S-200"
    assert args["gross"] == {"value": "450", "unit": "kg"}
    assert args["facility"] == "facility:Recycler East"
    assert args["scanned"] == [f"asset:{A1}", f"asset:{A2}", f"asset:{A4}"]
    assert c.said is not None and not c.said.ok
    assert "weight_mismatch" in weight_flags(session)  # 2 % until a sync says otherwise
    assert "seal S-200 is not the sealed S-100" in c.said.text
    assert "+50.0 kg (+12.5 %)" in c.said.text and "tolerance 2.0 %" in c.said.text
    assert "1 missing; 1 extra" in c.said.text and not RAW.search(c.said.text)
    assert session.service.pallet(PALLET).state.state == "received"
    assert d.pallet is not None and d.pallet.state.custodian == "facility:Recycler East"
    assert d.missing_input() == "Type the seal number on the pallet."  # not twice by a tap
    d.receive()
    assert len(receipts(session)) == 1


def test_the_tolerance_is_the_stores_as_cached_and_weights_keep_their_unit(
    c: Controller, session: DeviceSession
) -> None:
    with session.db.write() as conn:
        view = StoreSettingsView(weight_tolerance_pct="15", label_base_url="https://a.example/t/")
        store_settings.keep(conn, view, 1)
    d = desk(c)
    c.wedge_scan(PALLET)
    d.refresh()  # the tool opened again: it reads the cache
    assert d.tolerance_pct == Decimal(15)
    d.set_seal(" S-100 ")
    d.set_unit("lb")
    d.set_gross("992")  # 450 kg: 12.5 % over, inside 15 %
    d.set_facility("facility:Recycler East")
    assert d.check is not None and d.check.weight_ok is True and d.check.seal_matches is True
    assert d.check.differences == ()  # nothing scanned: contents are not checked
    d.receive()
    [args] = receipts(session)
    assert args["gross"] == {"value": "992", "unit": "lb"}  # as typed
    assert args["seal_number"] == "S-100" and "scanned" not in args
    assert args["facility"] == "facility:Recycler East"
    assert c.said is not None and c.said.ok and "seal and weight match" in c.said.text
    # The device's own fold of the receipt uses the same cached tolerance as the store will.
    assert "weight_mismatch" not in weight_flags(session)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("12..5", "is not a number"),
        ("1e400", "check the scale"),
        ("\x00", "is not a number"),
        ("-3", "zero or more"),
    ],
)
def test_a_bad_weight_is_a_sentence_and_nothing_is_written(
    c: Controller, session: DeviceSession, typed: str, says: str
) -> None:
    d = desk(c)
    c.wedge_scan(PALLET)
    d.set_seal("S-100")
    d.set_facility("Recycler East")
    d.set_gross(typed)
    assert d.weight_problem is not None and says in d.weight_problem
    assert "\x00" not in d.weight_problem
    d.receive()
    assert receipts(session) == []
    assert c.said is not None and not c.said.ok and says in c.said.text


def test_scans_before_the_pallet_or_of_other_codes_are_refused(c: Controller) -> None:
    d = desk(c)
    c.wedge_scan(A1)
    assert d.pallet is None
    assert c.said is not None and "Scan the pallet's tag first" in c.said.text
    c.wedge_scan(PALLET)
    c.wedge_scan("hello")
    assert d.scanned == () and c.said is not None and "Not an asset tag" in c.said.text


def test_scans_read_as_on_every_screen_with_the_store_s_label_url(
    c: Controller, session: DeviceSession
) -> None:
    """A label QR printed with the store's `label_base_url` opens the pallet and counts its
    assets; an asset registered under a tag of another format (an import's) counts too."""
    base = "https://a.example/t/"
    with session.db.write() as conn:
        store_settings.keep(
            conn, StoreSettingsView(weight_tolerance_pct="2", label_base_url=base), 1
        )
    c.switch_person("sam")  # a supervisor registers it; the crew receives
    session.service.claim_tag("WEB-0001", serial="SN-WEB-0001")
    c.switch_person("carl")
    c.show("receive")
    d = desk(c)
    c.wedge_scan(f"{base}{PALLET}")
    assert d.pallet is not None and d.pallet.tag == PALLET
    c.wedge_scan(f"{base}{A1}")
    c.wedge_scan("WEB-0001")
    assert d.scanned == (f"asset:{A1}", "asset:WEB-0001")
    c.wedge_scan("SN-UNKNOWN-9")  # nobody's tag: refused, not counted
    assert len(d.scanned) == 2 and c.said is not None and "Not an asset tag" in c.said.text


def test_a_weight_typed_in_an_unknown_unit_is_refused() -> None:
    assert typed_weight("12", "stone") == (None, "Weight unit 'stone' is not kg or lb.")
    assert typed_weight("  ", "kg") == (None, None)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    typed=st.fixed_dictionaries(
        {
            "seal": TYPED,
            "gross": TYPED,
            "facility": TYPED,
            "unit": st.sampled_from(["kg", "lb", "x"]),
            "scan": TYPED,
        }
    )
)
def test_whatever_is_typed_the_tool_answers_with_a_sentence(
    c: Controller, session: DeviceSession, typed: dict[str, str]
) -> None:
    d = desk(c)
    c.wedge_scan(PALLET)
    c.wedge_scan(typed["scan"])
    d.set_seal(typed["seal"])
    d.set_unit(typed["unit"])
    d.set_gross(typed["gross"])
    d.set_facility(typed["facility"])
    before, ready = len(receipts(session)), d.missing_input() is None
    c.said = None
    d.receive()
    written = len(receipts(session)) - before
    assert written in (0, 1)
    if not ready:
        assert written == 0
    if written == 0:
        assert c.said is not None and not c.said.ok
    assert c.said is not None and c.said.text.strip()
    assert not RAW.search(c.said.text), c.said.text
