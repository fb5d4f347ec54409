"""The UI's observable state: one object per browser session, mutated by handlers.

Changing a field re-renders the components that read it (flet's observable dataclasses).
It holds what the screen shows, never the business state itself, which lives in the device
database behind `DeviceSession` and is re-read at each render through `revision`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import flet as ft

from app.ui.scanflow import ScanOutcome
from sync.device.people import Person
from sync.device.progress import SyncProgress

SCAN, ASSET, PALLET, SYNC, CONFLICTS = "scan", "asset", "pallet", "sync", "conflicts"
SUPERVISOR_ROLES = frozenset({"supervisor", "admin"})


@ft.observable
@dataclass
class AppState:
    enrolled: bool
    person: Person | None
    progress: SyncProgress
    tab: str = SCAN
    scans: list[ScanOutcome] = field(default_factory=list)
    location: str | None = None
    asset_tag: str | None = None
    pallet_tag: str | None = None
    notice: str | None = None  # a one-line message under the top bar
    notice_ok: bool = True
    busy: str | None = None  # a long job in progress, in words ("Signing in…")
    revision: int = 0  # bumped after each write so views re-read the device database
    flash: int = 0  # bumped on each acknowledged scan: the scan field flashes
    dark: bool = True
    sound: bool = True  # a beep acknowledges each scan; a technician can turn it off

    def tell(self, text: str, ok: bool = True) -> None:
        self.notice, self.notice_ok = text, ok

    @property
    def supervisor(self) -> bool:
        return self.person is not None and self.person.role in SUPERVISOR_ROLES
