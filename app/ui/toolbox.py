"""The More screen's tools: which exist, who may open each, and what each is made of.

A tool is a screen of its own. Most have their own observable state, a *desk*, that owns the
tool's actions the way the controller owns the main screens' (components take its data and
callbacks). A desk reaches the device side only through the `Kit` the controller hands it.
The controller routes a wedge or camera scan to the open tool's desk, and re-reads the desk
when a sync moved data. Sync and Conflicts are tools the controller draws itself (no desk).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import flet as ft

from app.ui import sounds, words
from app.ui.desks.data import DataDesk
from app.ui.desks.dispose import DisposeDesk
from app.ui.desks.intake import IntakeDesk
from app.ui.desks.labels import LabelsDesk, may_print
from app.ui.desks.receive import ReceiveDesk
from app.ui.desks.reports import ReportsDesk
from app.ui.desks.store_settings import SettingsDesk
from app.ui.desks.wipe import WipeDesk
from app.ui.files import Files
from app.ui.session import DeviceSession
from app.ui.views.data import DataView
from app.ui.views.dispose import DisposeView
from app.ui.views.intake import IntakeView
from app.ui.views.labels import LabelsView
from app.ui.views.receive import ReceiveView
from app.ui.views.reports import ReportsView
from app.ui.views.store_settings import SettingsView
from app.ui.views.wipe import WipeView
from assets.roles import may, may_use
from sync.device.people import Person
from sync.device.service import DeviceService

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Kit:
    """What a desk may use: the device side, and the controller's voice and worker."""

    service: DeviceService
    session: DeviceSession
    tell: Callable[[str, bool], None]  # a sentence at the top of the screen (ok or not)
    beep: Callable[[str | None], None]  # a sound from app.ui.sounds (OK, ERROR…)
    run: Callable[..., Any]  # start an async job on the page's loop
    long_job: Callable[..., Awaitable[Any]]  # (label, fn, *args): blocking work with the busy bar
    person: Callable[[], Person | None]
    files: Callable[[], Files | None]  # downloads and uploads (None until the page is up)
    action_began: Callable[[], int]  # the controller's count of field focus events
    refocus: Callable[[str, int], None]  # (action, count when it began): focus back after a tap

    def failed(self, tool: str, exc: BaseException) -> None:
        """An action of `tool` raised: log it and say it in people's words."""
        log.warning("%s: %r", tool, exc, exc_info=exc)
        self.tell(words.sentence(exc), False)

    def refuse(self, text: str) -> None:
        """A form refused what was typed or scanned: its sentence and the error sound."""
        self.tell(words.capitalised(text), False)
        self.beep(sounds.ERROR)


class Desk(Protocol):
    def scan(self, text: str) -> None:
        """A wedge or camera scan while this tool is open."""

    def refresh(self) -> None:
        """Re-read what the tool shows (opened again, or a sync moved data)."""


@dataclass(frozen=True, slots=True)
class Tool:
    key: str  # also the controller's tab name and the tile's test id (`tool-<key>`)
    label: str
    hint: str  # one line under the label, in the person's words
    icon: ft.IconData
    may_open: Callable[[str], bool]  # role -> whether this person may open it
    make: Callable[[Kit], Desk] | None = None  # None: the controller draws the screen
    draw: Callable[[Any], ft.Control] | None = None  # the desk -> its component


def records(kind: str) -> Callable[[str], bool]:
    """A tool for people who may record operations of `kind` (the role table decides)."""
    return lambda role: may(role, kind)


def uses(api_action: str) -> Callable[[str], bool]:
    """A tool for people who may use the store's `api_action` (reports, settings…)."""
    return lambda role: may_use(role, api_action)


TOOLS: tuple[Tool, ...] = (
    Tool("sync", "Sync", "What waits for the store; sync now", ft.Icons.SYNC, uses("push")),
    Tool(
        "conflicts",
        "Conflicts",
        "Decide what two devices disagree on",
        ft.Icons.GAVEL,
        uses("decide"),
    ),
    Tool(
        "intake",
        "Intake",
        "Take in an asset: its model, drives and where it sits",
        ft.Icons.ADD_BOX,
        records("register"),
        make=IntakeDesk,
        draw=IntakeView,
    ),
    Tool(
        "wipe",
        "Wipe",
        "A drive's sanitization record (NIST SP 800-88)",
        ft.Icons.CLEANING_SERVICES,
        records("sanitize"),
        make=WipeDesk,
        draw=WipeView,
    ),
    Tool(
        "dispose",
        "Dispose",
        "An asset's outcome, after its data control",
        ft.Icons.RECYCLING,
        records("dispose"),
        make=DisposeDesk,
        draw=DisposeView,
    ),
    Tool(
        "receive",
        "Receive",
        "Check a pallet in at the facility against its seal",
        ft.Icons.MOVE_TO_INBOX,
        records("receive"),
        make=ReceiveDesk,
        draw=ReceiveView,
    ),
    Tool(
        "labels",
        "Labels",
        "Print tags: scanned ones, or a run of new ones (PDF)",
        ft.Icons.QR_CODE_2,
        may_print,
        make=LabelsDesk,
        draw=LabelsView,
    ),
    Tool(
        "reports",
        "Reports",
        "Assets, storage age, value, diversion, devices: charts and CSV",
        ft.Icons.BAR_CHART,
        uses("report"),
        make=ReportsDesk,
        draw=ReportsView,
    ),
    Tool(
        "data",
        "Data",
        "Import a CSV, export CSVs, download certificates",
        ft.Icons.IMPORT_EXPORT,
        uses("report"),
        make=DataDesk,
        draw=DataView,
    ),
    Tool(
        "settings",
        "Store settings",
        "Organisation name, label web address, weight tolerance",
        ft.Icons.TUNE,
        uses("configure"),
        make=SettingsDesk,
        draw=SettingsView,
    ),
)
BY_KEY = {tool.key: tool for tool in TOOLS}
assert len(BY_KEY) == len(TOOLS), "two tools share a key"


def tools_for(role: str | None) -> tuple[Tool, ...]:
    """The tools a person of `role` may open, in the More screen's order."""
    return () if role is None else tuple(t for t in TOOLS if t.may_open(role))
