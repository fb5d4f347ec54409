"""The Audit screen's controller over a real device database: a location tag starts the
audit, wedge scans fill the found list, the lists update live, Finish records it (offline)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import flet as ft
import pytest

from app.ui import controller as ctl
from app.ui.controller import Controller
from app.ui.session import DeviceSession
from app.ui.views.conflicts import _sides
from app.ui.wedge import keys_for
from assets.tags import make_tag
from tests.app.ui.desks import Key

PLACE = "DAL1/B1/CLOSET-2"
LT = make_tag("location", 31)
A1, A2, A3 = (make_tag("asset", n) for n in (41, 42, 43))


def scan(c: Controller, code: str) -> None:
    for key, shift in keys_for(code):
        c.on_key(Key(key, shift))  # type: ignore[arg-type]
    c.on_key(Key("Enter"))  # type: ignore[arg-type]


@pytest.fixture
def session(tmp_path: Path) -> Iterator[DeviceSession]:
    device = DeviceSession(tmp_path / "device.db", "http://127.0.0.1:9", start=False)
    svc = device.service
    svc.remember_person("tess", "Tess Technician", "technician")
    svc.name_location(LT, PLACE)
    svc.observe(A1, PLACE)
    svc.observe(A2, PLACE)
    svc.observe(A3, "AUS2/B1/DOCK")
    yield device
    device.close()


@pytest.fixture
def c(session: DeviceSession) -> Controller:
    return Controller(session, lambda *_a: None)


def test_an_audit_with_a_missing_and_an_unexpected_asset(
    c: Controller, session: DeviceSession
) -> None:
    c.show(ctl.AUDIT_TAB)
    scan(c, A1)  # no location yet: said, nothing found
    assert c.said is not None and "Scan a location tag first" in c.said.text
    scan(c, LT)
    assert c.audit is not None and c.audit.lists.location == PLACE
    assert len(c.audit.lists.expected) == 2 and c.audit.lists.found == ()
    scan(c, A1)
    scan(c, A3)
    scan(c, A3)  # a second scan of the same asset counts once
    lists = c.audit.lists
    assert [len(x) for x in (lists.expected, lists.found, lists.missing, lists.unexpected)] == [
        2,
        2,
        1,
        1,
    ]
    assert lists.elsewhere == (f"asset:{A3}",)
    before = session.service.outbox_counts()["pending"]
    c.finish_audit()
    assert c.said is not None and c.said.ok
    assert (
        c.said.text == "Audit recorded: 2 found, 1 moved here, 1 missing reported to a supervisor."
    )
    assert session.service.outbox_counts()["pending"] == before + 2  # the move and the audit
    assert session.service.asset(A3).state.location == PLACE
    assert c.audit.last.audit_counts["missing"] == 1
    assert c.audit.lists.found == () and len(c.audit.lists.expected) == 3


def test_a_crew_member_has_no_audit_tab(c: Controller) -> None:
    c.switch_person("tess")
    assert "audit" in c.allowed
    c._session.service.remember_person("carl", "Carl Crew", "crew")
    c.switch_person("carl")
    assert "audit" not in c.allowed


def test_an_unnamed_location_tag_gets_a_sentence(c: Controller) -> None:
    c.show(ctl.AUDIT_TAB)
    scan(c, make_tag("location", 99))
    assert c.audit is None and c.audit_tag is None
    assert c.said is not None and "Say which place" in c.said.text


def test_the_store_history_is_none_when_it_cannot_be_had(c: Controller) -> None:
    c.show(ctl.AUDIT_TAB)
    scan(c, LT)
    asyncio.run(c.fetch_audits())  # this device was never enrolled: nothing to ask
    assert c.audit_history is None and c.audit is not None


def _texts(control: Any) -> list[str]:
    """Every text value in a control tree (what the person reads)."""
    found = [control.value] if isinstance(control, ft.Text) else []
    for name in ("content", "controls"):
        child = getattr(control, name, None)
        for item in child if isinstance(child, list) else [child] if child is not None else []:
            found += _texts(item)
    return found


def test_a_missing_in_audit_item_lists_what_was_not_found() -> None:
    item: dict[str, Any] = {
        "type": "missing_in_audit",
        "detail": {"location": PLACE, "missing": f"asset:{A1}, asset:{A2}", "audited_by": "tess"},
        "sides": [{"op_id": "x", "value": None}],
    }
    assert _texts(_sides(item, item["sides"])) == [f"Not found at {PLACE}", A1, A2]
