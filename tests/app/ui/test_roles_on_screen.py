"""The screens offer each person only what their role may record (assets.roles), and a scan
their role may not record gets a sentence, not a write."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.ui import controller as ctl
from app.ui.controller import Controller
from app.ui.session import DeviceSession
from assets.tags import make_tag

PLACE = "DAL1/B1/CLOSET-2"
A1, PALLET = make_tag("asset", 1), make_tag("pallet", 5)


@pytest.fixture
def session(tmp_path: Path) -> Iterator[DeviceSession]:
    device = DeviceSession(tmp_path / "device.db", "http://127.0.0.1:9", start=False)
    device.service.remember_person("tess", "Tess Technician", "technician")
    device.service.claim_tag(A1, serial="SN-1")
    device.service.remember_person("carl", "Carl Crew", "crew")
    device.service.remember_person("sam", "Sam Supervisor", "supervisor")
    yield device
    device.close()


@pytest.fixture
def c(session: DeviceSession) -> Controller:
    return Controller(session, lambda *_a: None)


def test_each_person_is_offered_their_kinds_only(c: Controller) -> None:
    c.switch_person("tess")
    assert {"observe", "assess", "audit", "transition", "sanitize"} <= c.allowed
    assert not {"load", "seal", "handoff", "dispose", "resolve"} & c.allowed
    assert not c.supervisor
    c.switch_person("carl")
    assert {"load", "unload", "seal", "confirm", "handoff", "receive"} == c.allowed
    assert not c.supervisor
    c.switch_person("sam")
    assert {"dispose", "resolve", "load", "observe"} <= c.allowed and c.supervisor
    c.sign_out()
    assert c.allowed == frozenset()


def test_a_crew_members_sighting_is_refused_with_a_sentence(
    c: Controller, session: DeviceSession
) -> None:
    c.switch_person("carl")
    before = session.service.outbox_counts()
    c.record_scan(PLACE)
    c.record_scan(A1)
    assert session.service.outbox_counts() == before
    said: Any = c.scans[0]
    assert "A crew member may not record sightings" in said.detail
    c.show(ctl.PALLET_TAB)
    c.open_pallet(PALLET)
    c.load_scanned(A1)  # crews load
    assert session.service.asset(A1).state.pallet == f"pallet:{PALLET}"
