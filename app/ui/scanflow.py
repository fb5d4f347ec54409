"""What one scan does, whatever delivered it (keyboard wedge, camera, typed by hand).

The "current location" workflow: scan a location (tag or path) once, then every asset scanned
is recorded as seen there. Which place a location tag marks is shared through sync (the device
service's `location_of` / `name_location`): a tag named on one device sets the place on every
other device after sync; a tag nobody has named yet asks once. A pallet tag opens the pallet; an asset tag nobody has registered,
or a foreign code (serial, GS1, another tool's label), can be claimed for a new asset. Each
scan yields a `ScanOutcome` the scan list shows; the flow itself never touches the UI.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace

from app.ui import words
from app.ui.places import PlaceBook, as_location_path
from sync.device.outbox import ActorOperation
from sync.device.service import DeviceService, Recorded
from sync.errors import DeviceError

# Outcome kinds, each with the colour its row is drawn in.
LOCATION = "location"  # the current location was set
BIND = "bind_location"  # a location tag nobody has named yet: ask which place it marks
SEEN = "seen"  # an asset recorded as seen at the current location
ASSET = "asset"  # an asset scanned with no location set: nothing recorded, tap to open
PALLET = "pallet"  # a pallet tag: open the pallet
CLAIM = "claim"  # unknown to TagTrail: may be claimed for a new asset
CLAIMED = "claimed"  # a new asset registered by a claim
PROBLEM = "problem"  # unreadable or damaged: rescan
REFUSED = "refused"  # the service refused it (a sentence says why)
REPEAT = "repeat"  # the same code again within a moment: acknowledged, not recorded twice

OK_KINDS = frozenset({LOCATION, SEEN, ASSET, PALLET, CLAIMED, REPEAT})
REPEAT_WINDOW_S = 2.0
MAX_RESULTS = 60
EARLIER = "Earlier: "  # a row rebuilt from the outbox (recorded before this app started)


@dataclass(frozen=True, slots=True)
class ScanOutcome:
    kind: str
    payload: str
    title: str  # the big line of the row
    detail: str  # the small line
    tag: str | None = None  # the asset/pallet/location tag it concerns, if any
    serial: str | None = None  # what a claim would record as the serial
    seq: int | None = None  # the outbox sequence number written, if any
    at: float = 0.0
    where: str | None = None  # the location a sighting was recorded at

    @property
    def ok(self) -> bool:
        return self.kind in OK_KINDS


class ScanFlow:
    """The scan workflow of one device session."""

    def __init__(
        self,
        service: DeviceService,
        places: PlaceBook,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.service = service
        self.places = places
        self.clock = clock
        self.location: str | None = None
        self.location_tag: str | None = None
        self.claim_serial: str | None = None  # a serial waiting for an asset tag to claim it
        self.person = ""  # whose scan list `results` is: each person sees their own
        self._lists: dict[str, deque[ScanOutcome]] = {}
        self._last: tuple[str, float] | None = None

    @property
    def results(self) -> deque[ScanOutcome]:
        """The signed-in person's scan outcomes, newest first."""
        return self._lists.setdefault(self.person, deque(maxlen=MAX_RESULTS))

    def switch_person(self, person: str) -> None:
        """Someone else signs in: their own list, no location or claim carried over. A list
        this process has not seen yet (the app restarted) is rebuilt from what the person
        recorded on this device."""
        if person and person not in self._lists:
            self._lists[person] = deque(self._earlier(person), maxlen=MAX_RESULTS)
        self.person = person
        self.clear_location()
        self.claim_serial = None
        self._last = None

    def _earlier(self, person: str) -> list[ScanOutcome]:
        try:
            work = self.service.recent_work(person, MAX_RESULTS * 3)
        except DeviceError:
            return []  # a list that cannot be read back starts empty; the scans are safe
        rows = [row for row in map(_earlier_row, work) if row is not None]
        kept: list[ScanOutcome] = []
        for row in rows:  # newest first; a claim's sighting was written right after it
            seen = kept[-1] if kept else None
            if (
                row.kind == CLAIMED
                and seen is not None
                and seen.kind == SEEN
                and (seen.tag, seen.seq) == (row.tag, (row.seq or 0) + 1)
            ):
                kept[-1] = replace(
                    row, detail=f"{row.detail} · {seen.detail.removeprefix(EARLIER)}"
                )
            else:
                kept.append(row)
        return kept[:MAX_RESULTS]

    def recorded_here(self) -> int:
        """How many of the list's sightings were recorded at the current location."""
        if self.location is None:
            return 0
        return sum(1 for r in self.results if r.where == self.location and r.seq is not None)

    def failed(self, text: str, why: str) -> ScanOutcome:
        """A scan that could not be handled: its text is kept on the list with the reason."""
        return self._keep(ScanOutcome(REFUSED, text, text, why, at=self.clock()))

    # ---- entry points -----------------------------------------------------------------

    def scan(self, payload: str, symbology: str | None = None) -> ScanOutcome:
        """Handle one scanned payload; the outcome is also put at the head of `results`."""
        text = payload.strip()
        now = self.clock()
        if (
            self._last is not None
            and self._last[0] == text
            and now - self._last[1] < (REPEAT_WINDOW_S)
        ):
            return self._keep(ScanOutcome(REPEAT, text, text, "Already scanned", at=now))
        self._last = (text, now)
        return self._keep(self._handle(text, symbology, now))

    def set_location(self, path: str, tag: str | None = None) -> ScanOutcome:
        """Set the current location from a path (typed, picked from recent, or bound to a tag)."""
        return self._keep(self._set_location(path, tag))

    def _set_location(self, path: str, tag: str | None = None) -> ScanOutcome:
        found = as_location_path(path if "/" in path else f"location:{path}")
        if found is None:
            return ScanOutcome(REFUSED, path, path, "Not a location: use SITE/BUILDING/ROOM/SHELF")
        self.location, self.location_tag = found, tag
        self.places.used(found)
        where = f"Tag {tag} · " if tag else ""
        return ScanOutcome(
            LOCATION, path, found, f"{where}Assets scanned now are recorded here", tag
        )

    def bind_location(self, tag: str, path: str) -> ScanOutcome:
        """Say which place a new location tag marks (recorded, so every device learns it by
        sync), and make it the current location."""
        try:
            recorded = self.service.name_location(tag, path)
        except DeviceError as exc:
            return self._keep(ScanOutcome(REFUSED, path, path, _sentence(exc), tag))
        outcome = self._set_location(recorded.op.args.path, tag)
        if recorded.conflicts:
            outcome = replace(outcome, detail=f"{outcome.detail} · raised a conflict for review")
        return self._keep(outcome)

    def clear_location(self) -> None:
        self.location = self.location_tag = None

    def start_claim(self, serial: str | None) -> None:
        """The next unregistered asset tag scanned is claimed for this serial."""
        self.claim_serial = serial

    def claim(self, tag: str, serial: str | None = None, **details: str) -> ScanOutcome:
        """Register a new asset on `tag` (then record it here if a location is set)."""
        serial = serial or self.claim_serial
        try:
            recorded = self.service.claim_tag(
                tag,
                serial=serial,
                make=details.get("make") or None,
                model=details.get("model") or None,
                category=details.get("category") or "other",
            )
        except DeviceError as exc:
            return self._keep(ScanOutcome(REFUSED, tag, tag, _sentence(exc), tag))
        self.claim_serial = None
        # the offer to claim is answered: the new row replaces it
        answered = [
            r
            for r in self.results
            if r.kind == CLAIM
            and r.tag in (tag, None)
            and (r.tag == tag or (serial and r.serial == serial))
        ]
        for row in answered:
            self.results.remove(row)
        detail = f"New asset, serial {serial}" if serial else "New asset registered"
        where = None
        if self.location:
            try:
                self.service.observe(tag, self.location)
                detail += f" · seen at {self.location}"
                where = self.location
            except DeviceError as exc:
                detail += f" · not recorded here: {_sentence(exc)}"
        return self._keep(
            ScanOutcome(
                CLAIMED, tag, tag, detail, tag, serial, recorded.device_seq, self.clock(), where
            )
        )

    # ---- the decision -------------------------------------------------------------------

    def _keep(self, outcome: ScanOutcome) -> ScanOutcome:
        self.results.appendleft(outcome)
        return outcome

    def _handle(self, text: str, symbology: str | None, now: float) -> ScanOutcome:
        path = as_location_path(text)
        if path is not None:
            return self._set_location(path)
        found = self.service.read_scan(text, symbology)
        if found.kind == "location_tag":
            tag = found.fields["tag"]
            try:
                place = self._place_of(tag)
            except DeviceError as exc:
                return ScanOutcome(REFUSED, text, tag, _sentence(exc), tag, at=now)
            if place is None:
                return ScanOutcome(
                    BIND, text, tag, "New location tag: say which place it marks", tag, at=now
                )
            return self._set_location(place, tag)
        if found.kind == "pallet_tag":
            tag = found.fields["tag"]
            return ScanOutcome(PALLET, text, tag, "Pallet: open to load, seal or confirm", tag)
        if found.kind == "asset_tag":
            return self._asset(found.fields["tag"], text, now)
        if found.problem is not None:
            return ScanOutcome(PROBLEM, text, text, found.problem.capitalize(), at=now)
        serial = found.fields.get("serial") or found.fields.get("asset_id") or text
        return ScanOutcome(
            CLAIM, text, text, f"{found.label}: claim it for a new asset", serial=serial, at=now
        )

    def _place_of(self, tag: str) -> str | None:
        """The place a location tag marks: as the service knows it (shared), else from this
        device's old place book — recorded through the service once, then dropped there."""
        place = self.service.location_of(tag)
        if place is not None:
            return place
        legacy = self.places.legacy_place(tag)
        if legacy is None:
            return None
        place = self.service.name_location(tag, legacy).op.args.path
        self.places.imported(tag)
        return str(place)

    def _asset(self, tag: str, text: str, now: float) -> ScanOutcome:
        try:
            seen = self.service.asset(tag)
        except DeviceError as exc:
            return ScanOutcome(REFUSED, text, tag, _sentence(exc), tag, at=now)
        if not seen.known or not seen.state.registered:
            if self.claim_serial is not None:
                claimed = self.claim(tag)
                self.results.popleft()  # scan() keeps it
                return claimed
            return ScanOutcome(CLAIM, text, tag, "Tag not registered yet: claim it", tag, at=now)
        if self.location is None:
            return ScanOutcome(
                ASSET, text, tag, _describe(seen.state.make, seen.state.model), tag, at=now
            )
        before = seen.state.location
        try:
            recorded = self.service.observe(tag, self.location)
        except DeviceError as exc:
            return ScanOutcome(REFUSED, text, tag, _sentence(exc), tag, at=now)
        return ScanOutcome(
            SEEN,
            text,
            tag,
            _seen_detail(before, self.location, recorded),
            tag,
            seq=recorded.device_seq,
            at=now,
            where=self.location,
        )


def _sentence(exc: Exception) -> str:
    return words.sentence(exc)


def _describe(make: str | None, model: str | None) -> str:
    name = " ".join(part for part in (make, model) if part) or "Asset"
    return f"{name} · scan a location first to record sightings"


def _seen_detail(before: str | None, here: str, recorded: Recorded) -> str:
    if before and before != here:
        text = f"Moved from {before}"
    elif before == here:
        text = "Seen here again"
    else:
        text = f"Seen at {here}"
    if recorded.conflicts:
        text += " · raised a conflict for review"
    return text


def _earlier_row(op: ActorOperation) -> ScanOutcome | None:
    """A scan-list row for an operation recorded before this process started, or None for
    work done on other screens. It counts for no "recorded here" (`where` is unset)."""
    kind, _, tag = op.target.partition(":")
    at = op.created_ms / 1000
    if op.kind == "observe" and kind == "asset":
        where = op.args.get("location")
        return ScanOutcome(
            SEEN, tag, tag, f"{EARLIER}seen at {where}", tag, seq=op.device_seq, at=at
        )
    if op.kind == "register" and kind == "asset":
        serial = op.args.get("serial")
        said = (
            f"{EARLIER}new asset, serial {serial}" if serial else f"{EARLIER}new asset registered"
        )
        return ScanOutcome(
            CLAIMED, tag, tag, said, tag, str(serial) if serial else None, op.device_seq, at
        )
    if op.kind == "register" and kind == "location":
        path = str(op.args.get("path"))
        return ScanOutcome(LOCATION, path, path, f"{EARLIER}tag {tag} named this place", tag, at=at)
    return None
