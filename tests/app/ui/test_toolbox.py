"""The More screen's tools: who sees which, and that the controller hands a tool's desk the
scans and re-reads while it is open, and drops it when the person changes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import flet as ft
import pytest

from app.ui import controller as ctl
from app.ui import toolbox
from app.ui.controller import Controller
from app.ui.session import DeviceSession
from app.ui.toolbox import Kit, Tool, tools_for
from assets.roles import ROLES


class Notebook:
    """A desk that writes down what the controller asked of it."""

    def __init__(self, kit: Kit) -> None:
        self.kit = kit
        self.scans: list[str] = []
        self.refreshes = 0

    def scan(self, text: str) -> None:
        self.scans.append(text)

    def refresh(self) -> None:
        self.refreshes += 1


NOTEBOOK = Tool(
    "notebook",
    "Notebook",
    "Writes scans down",
    ft.Icons.BOOK,
    toolbox.uses("push"),
    make=Notebook,
    draw=lambda desk: ft.Text("notebook"),
)


@pytest.fixture
def session(tmp_path: Path) -> Iterator[DeviceSession]:
    device = DeviceSession(tmp_path / "device.db", "http://127.0.0.1:9", start=False)
    device.service.remember_person("tess", "Tess Technician", "technician")
    device.service.remember_person("sam", "Sam Supervisor", "supervisor")
    yield device
    device.close()


@pytest.fixture
def controller(session: DeviceSession, monkeypatch: pytest.MonkeyPatch) -> Controller:
    tools = (*toolbox.TOOLS, NOTEBOOK)
    monkeypatch.setattr(ctl, "BY_KEY", {t.key: t for t in tools})
    monkeypatch.setattr(
        ctl,
        "tools_for",
        lambda role: () if role is None else tuple(t for t in tools if t.may_open(role)),
    )
    return Controller(session, lambda *_a: None)


def test_each_role_sees_the_tools_the_role_table_allows() -> None:
    keys = {role: {t.key for t in tools_for(role)} for role in ROLES}
    assert "conflicts" not in keys["technician"] and "conflicts" not in keys["crew"]
    assert {"sync", "conflicts"} <= keys["supervisor"] <= keys["admin"]
    assert tools_for(None) == ()
    assert "sync" in keys["technician"]


def test_the_open_tool_gets_the_scans_and_a_fresh_read(controller: Controller) -> None:
    controller.show(ctl.MORE)
    assert controller.desk("notebook") is not None
    controller.show("notebook")
    desk: Any = controller.desk("notebook")
    before = desk.refreshes
    controller.wedge_scan("TT-0000001-X")
    controller.refresh()
    assert desk.scans == ["TT-0000001-X"]
    assert desk.refreshes == before + 1
    assert desk.kit.person() is controller.person


def test_a_new_person_starts_with_fresh_tools(controller: Controller) -> None:
    controller.show("notebook")
    first = controller.desk("notebook")
    controller.switch_person("tess")
    assert controller.tab == ctl.SCAN
    assert controller.desk("notebook") is not first


def test_a_tool_the_role_may_not_open_has_no_desk(controller: Controller) -> None:
    controller.switch_person("tess")
    assert controller.desk("conflicts") is None  # drawn by the controller, and not hers
    assert "conflicts" not in {t.key for t in controller.tools}
