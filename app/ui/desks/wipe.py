"""The Wipe tool's state: one drive's sanitization record (the NIST SP 800-88 Rev. 1 Appendix G
fields). Scan the drive (its serial, or its own tag), then the asset it came from; the form
keeps method, tool, people and destination for the next drive of the same batch."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import flet as ft

from app.ui import sounds
from app.ui.desks.scans import ASSET, SERIAL, read
from app.ui.desks.taps import GivesFocusBack
from app.ui.handlers import action
from assets import sanitization as sz
from assets.disposition import SANITIZATION_METHODS
from assets.itad import drive_gaps, required_sanitizations
from assets.merge import AssetState
from assets.sanitization import WipeDraft

if TYPE_CHECKING:  # the toolbox imports the desks
    from app.ui.toolbox import Kit

log = logging.getLogger(__name__)
STORAGE = "storage_device"


@dataclass(frozen=True, slots=True)
class Drive:
    """A drive of the source asset and what this device knows of its record."""

    serial: str
    record: str  # "No record", "Verified", "Not verified"


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%MZ")


def drives_of(state: AssetState) -> tuple[Drive, ...]:
    gaps = dict(drive_gaps(state))
    return tuple(
        Drive(
            s,
            "Verified"
            if s not in gaps
            else "Not verified"
            if s in state.sanitized
            else "No record",
        )
        for s in required_sanitizations(state)
    )


@ft.observable
class WipeDesk(GivesFocusBack):
    def __init__(self, kit: Kit) -> None:
        self._kit = kit
        person = kit.person()
        self.draft = WipeDraft(
            operator=person.display_name if person else "", performed_at=now_iso()
        )
        self.drives: tuple[Drive, ...] = ()  # the source asset's drives
        self.recorded: tuple[str, ...] = ()  # this session's records, newest first

    def failed(self, exc: BaseException) -> None:
        self._kit.failed("wipe", exc)

    @action
    def refresh(self) -> None:
        source = self.draft.source
        self.drives = drives_of(self._kit.service.asset(source).state) if source else ()

    @property
    def missing(self) -> str | None:
        return sz.wipe_refusal(self.draft)

    # ---- scans ------------------------------------------------------------------------

    @action
    def scan(self, text: str) -> None:
        """A serial is the drive; a drive's own tag is the drive (its parent the source);
        any other asset tag is the asset the drive came from."""
        scanned = read(self._kit.service, text)
        if scanned.kind == SERIAL:
            self._drive(scanned.value)
        elif scanned.kind == ASSET:
            self._asset(scanned.value)
        else:
            self._kit.refuse(f"{scanned.label} “{scanned.value}”: scan the drive, then its asset")
            return
        self._kit.beep(sounds.OK)

    def _drive(self, serial: str, tag: str | None = None) -> None:
        self.draft = replace(self.draft, drive=serial[:80], drive_tag=tag)
        then = "" if self.draft.source else " Now scan the asset it came from."
        self._kit.tell(f"Drive {serial}.{then}", True)

    def _asset(self, tag: str) -> None:
        state = self._kit.service.asset(tag).state
        if state.category == STORAGE and state.serial:
            self._drive(state.serial, tag)
            self.draft = replace(
                self.draft,
                media_make=state.make or self.draft.media_make,
                media_model=state.model or self.draft.media_model,
            )
            if state.parent:
                self._source(state.parent.split(":", 1)[1])
            return
        self._source(tag)

    def _source(self, tag: str) -> None:
        self.draft = replace(self.draft, source=tag)
        self.refresh()
        first = "" if self.draft.drive else " Now scan or pick the drive."
        self._kit.tell(f"From {tag}.{first}", True)

    # ---- the form ---------------------------------------------------------------------

    @action
    def pick_drive(self, serial: str) -> None:
        if serial not in {d.serial for d in self.drives}:
            self._kit.refuse("Pick one of the asset's drives, or scan the drive")
            return
        self.draft = replace(self.draft, drive=serial, drive_tag=None)

    @action
    def choose(self, name: str, value: str) -> None:
        """A pick from one of the form's lists (media type, method, technique…)."""
        allowed = {
            "media_type": sz.MEDIA_TYPES,
            "method": SANITIZATION_METHODS,
            "technique": sz.TECHNIQUES,
            "verification_method": sz.VERIFICATION_METHODS,
            "destination": sz.DESTINATIONS,
        }.get(name)
        if allowed is None or value not in allowed:
            self._kit.refuse("Pick one of the choices shown")
            return
        changed: dict[str, Any] = {name: value}
        draft = replace(self.draft, **changed)
        if name == "method" and draft.technique not in sz.TECHNIQUES_BY_METHOD[value]:
            draft = replace(draft, technique=None)  # a technique of another method
        self.draft = draft

    @action
    def type_in(self, name: str, text: str) -> None:
        """A typed field: drive serial, media make/model, tool, version, people, time, notes."""
        limits = {
            "drive": 80,
            "media_make": 80,
            "media_model": 120,
            "tool": 120,
            "tool_version": 40,
            "operator": 120,
            "validator": 120,
            "performed_at": 40,
            "notes": 1000,
        }
        if name not in limits:
            self._kit.refuse("That is not a field of this form")
            return
        changed: dict[str, Any] = {name: text[: limits[name]]}
        self.draft = replace(self.draft, **changed)

    @action
    def set_result(self, passed: bool) -> None:
        self.draft = replace(self.draft, verified=passed)

    @action
    def start_over(self) -> None:
        person = self._kit.person()
        self.draft = WipeDraft(
            operator=person.display_name if person else "", performed_at=now_iso()
        )
        self.drives = ()

    @action
    def record(self) -> None:
        draft = self.draft
        why = sz.wipe_refusal(draft)
        if why is not None or draft.source is None or draft.method is None:
            self._kit.refuse(why or "Scan the asset the drive came from")
            return
        self._kit.service.sanitize(
            draft.source,
            draft.drive.strip(),
            draft.method,
            draft.tool.strip(),
            verified=bool(draft.verified),
            performed_by=draft.operator.strip(),
            performed_at=draft.performed_at.strip(),
            details=sz.wipe_details(draft),
        )
        result = "verified" if draft.verified else "NOT verified"
        label = SANITIZATION_METHODS.label(draft.method).lower()
        self.recorded = (
            f"{draft.drive.strip()} of {draft.source}: {label}, {result}",
            *self.recorded,
        )[:20]
        # The next drive of the batch: same method, tool, people and destination.
        self.draft = replace(
            draft,
            drive="",
            drive_tag=None,
            media_make="",
            media_model="",
            notes="",
            verified=None,
            performed_at=now_iso(),
        )
        self.refresh()
        left = sum(1 for d in self.drives if d.record != "Verified")
        more = (
            f" {left} drive{'s' if left != 1 else ''} of {draft.source} "
            + ("still need one." if left != 1 else "still needs one.")
            if left
            else f" Every drive of {draft.source} has a verified record."
        )
        self._kit.tell(f"Sanitization of {draft.drive.strip()} recorded ({result}).{more}", True)
        self._kit.beep(sounds.OK)
