"""One device behind one object: its database, service, sync engine, place book and scan flow.

The app builds one `DeviceSession` per process (a web-mode process is one device with one
outbox) and hands the UI this object; the UI calls its methods and reads its snapshots, never
SQL. Network calls (enrol, sign in, sync now) block: the UI runs them in a worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.ui.places import PlaceBook
from app.ui.scanflow import ScanFlow
from sync.device import audit, history
from sync.device.audit_history import fetch_audits
from sync.device.database import DeviceDatabase
from sync.device.engine import SyncEngine
from sync.device.people import Person
from sync.device.progress import SyncProgress
from sync.device.service import DeviceService, Recorded
from sync.device.state import load_state
from sync.device.store_desk import StoreDesk
from sync.errors import DeviceError, NotEnrolled, NotSignedIn
from sync.protocol import AuditView

PLACES_SUFFIX = ".places.json"


@dataclass(frozen=True, slots=True)
class DeviceStatus:
    device_id: str
    enrolled: bool
    server_url: str
    person: Person | None


class DeviceSession:
    def __init__(
        self, db_path: Path, server_url: str, *, interval_s: float = 30.0, start: bool = True
    ) -> None:
        self.db = DeviceDatabase(db_path)
        self.server_url = server_url
        self.engine = SyncEngine(self.db, server_url, interval_s=interval_s)
        self.service = DeviceService(self.db, on_recorded=self._recorded)
        self.places = PlaceBook(db_path.with_name(db_path.name + PLACES_SUFFIX))
        self.flow = ScanFlow(self.service, self.places)
        if start and self.enrolled:
            self.engine.start()

    def _recorded(self, _recorded: Recorded) -> None:
        self.engine.nudge()  # push soon after each change (the engine debounces)

    # ---- who and where ---------------------------------------------------------------------

    @property
    def enrolled(self) -> bool:
        with self.db.read() as conn:
            return bool(load_state(conn).token)

    def status(self) -> DeviceStatus:
        return DeviceStatus(
            self.db.device_id, self.enrolled, self.server_url, self.service.current_person()
        )

    def enrol(self, code: str, name: str) -> bool:
        self.engine.enrol(code.strip(), name.strip() or "TagTrail device")
        self.engine.start()
        return True

    def sign_in(self, username: str, pin: str) -> Person:
        person = self.engine.sign_in(username.strip(), pin.strip())
        self.engine.nudge()  # pull what this person may see now
        return person

    def switch_person(self, name: str) -> Person:
        return self.service.switch_person(name)

    def sign_out(self) -> None:
        self.service.sign_out()
        self.flow.clear_location()

    # ---- history ---------------------------------------------------------------------------

    def store_history(self, tag: str) -> list[history.HistoryEntry] | None:
        """The store's full log of an asset (blocking: run it in a worker thread), or None
        when it cannot be had now (offline, not enrolled, unknown to the store)."""
        with self.db.read() as conn:
            token = load_state(conn).token
        person = self.service.current_person()
        if not token:
            return None
        try:
            return history.fetch(self.server_url, token, person.token if person else None, tag)
        except DeviceError:
            return None

    def store_audits(self, tag: str) -> list[AuditView] | None:
        """The store's audit history of a location tag (blocking), or None when it cannot be
        had now (offline, not enrolled, unknown to the store)."""
        with self.db.read() as conn:
            token = load_state(conn).token
        person = self.service.current_person()
        if not token:
            return None
        try:
            return fetch_audits(self.server_url, token, person.token if person else None, tag)
        except DeviceError:
            return None

    def store_desk(self) -> StoreDesk:
        """The signed-in person's calls to the store: reports, imports, exports, certificates,
        runs of new tags (each call blocks: run it in a worker thread)."""
        with self.db.read() as conn:
            token = load_state(conn).token
        person = self.service.current_person()
        if not token:
            raise NotEnrolled("this device is not enrolled with a central store")
        if person is None:
            raise NotSignedIn("sign in first")
        return StoreDesk(self.server_url, token, person.token)

    # ---- tamper evidence -------------------------------------------------------------------

    def audit_log(self) -> audit.AuditReport:
        """Check the store's log against the signed heads this device kept (blocking)."""
        return audit.audit(self.service, self.server_url)

    # ---- sync ------------------------------------------------------------------------------

    @property
    def progress(self) -> SyncProgress:
        return self.engine.progress

    def sync_now(self, timeout_s: float = 60.0) -> SyncProgress:
        return self.engine.sync_now(timeout_s)

    def close(self) -> None:
        if self.engine.running:
            self.engine.stop()
        self.db.close()
