"""The Intake tool's state: scan the asset's tag, pick its model, scan its drives (and the tag of
the asset it sits in, for a drive), then Done. The rules are assets.intake's; this desk keeps
the draft and writes it through the device service."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import flet as ft

from app.ui import sounds
from app.ui.desks.scans import ASSET, SERIAL, read
from app.ui.desks.taps import GivesFocusBack
from app.ui.handlers import action
from assets import intake
from assets.catalogue import BY_KEY, CATEGORIES, MODELS, Model
from assets.intake import IntakeDraft

if TYPE_CHECKING:  # the toolbox imports the desks
    from app.ui.toolbox import Kit

log = logging.getLogger(__name__)
MATCHES = 6  # catalogue entries offered for what was typed


@dataclass(frozen=True, slots=True)
class TakenIn:
    tag: str
    summary: str  # "Dell Latitude 5420, 2 drives"


def matching(text: str) -> tuple[Model, ...]:
    """Catalogue entries whose make and model hold every word typed."""
    typed = text.casefold().split()
    if not typed:
        return ()
    found = [m for m in MODELS if all(w in f"{m.make} {m.model}".casefold() for w in typed)]
    return tuple(found[:MATCHES])


@ft.observable
class IntakeDesk(GivesFocusBack):
    def __init__(self, kit: Kit) -> None:
        self._kit = kit
        self.draft = IntakeDraft()
        self.search = ""
        self.taken_in: tuple[TakenIn, ...] = ()  # this session's intakes, newest first

    def failed(self, exc: BaseException) -> None:
        self._kit.failed("intake", exc)

    def refresh(self) -> None:
        """Nothing is read while a draft is open: the draft is the person's own."""

    @property
    def matches(self) -> tuple[Model, ...]:
        return matching(self.search)

    @property
    def missing(self) -> str | None:
        return intake.refusal(self.draft)

    # ---- scans ------------------------------------------------------------------------

    @action
    def scan(self, text: str) -> None:
        """The asset's tag first; then a serial is a drive, another asset tag the parent."""
        scanned = read(self._kit.service, text)
        if scanned.kind == ASSET and self.draft.tag in (None, scanned.value):
            self._open(scanned.value)
            return
        if scanned.kind == ASSET:
            draft, why = intake.with_parent(self.draft, scanned.value)
            said = f"Inside {scanned.value}."
        elif scanned.kind == SERIAL:
            draft, why = intake.with_drive(self.draft, scanned.value)
            said = f"Drive {scanned.value} added."
        else:
            first = "the asset's tag" if self.draft.tag is None else "a drive serial or a tag"
            self._kit.refuse(f"{scanned.label} “{scanned.value}”: scan {first} here")
            return
        if why is not None:
            self._kit.refuse(why)
            return
        self.draft = draft
        self._kit.tell(said, True)
        self._kit.beep(sounds.OK)

    def _open(self, tag: str) -> None:
        """Start the draft for `tag`, from what this device knows of it."""
        if self.draft.tag == tag:
            self._kit.beep(sounds.OK)
            return
        state = self._kit.service.asset(tag).state
        if state.registered:
            self.draft = IntakeDraft(
                tag=tag,
                known=True,
                serial=state.serial or "",
                make=state.make or "",
                model=state.model or "",
                category=state.category,
                data_bearing=state.data_bearing,
                drives=state.storage_serials,
                parent=state.parent.split(":", 1)[1] if state.parent else None,
            )
            self._kit.tell(f"{tag} is registered: check its details, then Done.", True)
        else:
            self.draft = IntakeDraft(tag=tag)
            self._kit.tell(f"{tag}: pick its model, then scan its drives.", True)
        self.search = ""
        self._kit.beep(sounds.OK)

    # ---- the form ---------------------------------------------------------------------

    @action
    def find(self, text: str) -> None:
        self.search = text[:80]

    @action
    def pick_model(self, key: str) -> None:
        entry = BY_KEY.get(key)
        if entry is None:
            self._kit.refuse("Pick a model from the list")
            return
        self.draft = intake.with_model(self.draft, entry)
        self.search = ""

    @action
    def set_make(self, text: str) -> None:
        self.draft = replace(self.draft, make=text[:80])

    @action
    def set_model(self, text: str) -> None:
        self.draft = replace(self.draft, model=text[:120])

    @action
    def set_serial(self, text: str) -> None:
        self.draft = replace(self.draft, serial=text[:80])

    @action
    def set_category(self, value: str) -> None:
        if value not in CATEGORIES:
            self._kit.refuse("Pick the kind of device from the list")
            return
        self.draft = replace(self.draft, category=value)

    @action
    def answer_data(self, holds_data: bool) -> None:
        self.draft = replace(self.draft, data_bearing=holds_data)

    @action
    def add_drive(self, text: str) -> None:
        """A drive serial typed by hand (a scan does the same)."""
        if not text.strip():
            self._kit.refuse("Type the drive's serial first")
            return
        draft, why = intake.with_drive(self.draft, text)
        if why is not None:
            self._kit.refuse(why)
            return
        self.draft = draft

    @action
    def remove_drive(self, serial: str) -> None:
        self.draft = replace(self.draft, drives=tuple(d for d in self.draft.drives if d != serial))

    @action
    def clear_parent(self) -> None:
        self.draft = replace(self.draft, parent=None)

    @action
    def start_over(self) -> None:
        self.draft, self.search = IntakeDraft(), ""

    @action
    def done(self) -> None:
        draft = self.draft
        why = intake.refusal(draft)
        if why is not None or draft.tag is None:
            self._kit.refuse(why or "Scan the asset's tag first")
            return
        recorded, listed = self._kit.service.take_in(draft.tag, intake.register_args(draft))
        drives = len(draft.drives)
        summary = f"{recorded.op.args.make} {recorded.op.args.model}" + (
            f", {drives} drive{'s' if drives != 1 else ''}" if drives else ""
        )
        if listed is not None and draft.parent is not None:
            summary += f", listed in {draft.parent}"
        self.taken_in = (TakenIn(draft.tag, summary), *self.taken_in)[:20]
        verb = "New details for" if draft.known else "Taken in:"
        self._kit.tell(f"{verb} {draft.tag}, {summary}.", True)
        self._kit.beep(sounds.OK)
        self.draft, self.search = IntakeDraft(), ""
