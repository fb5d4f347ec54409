"""The Dispose tool's state: scan the asset, pick the outcome and its details; the ITAD control
(which drive lacks a verified sanitization record) is shown as soon as the asset and outcome
are known, and a disposal it refuses is not written."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import flet as ft

from app.ui import sounds, words
from app.ui.desks.scans import ASSET, read
from app.ui.desks.taps import GivesFocusBack
from app.ui.handlers import action
from assets import itad
from assets.disposal_form import DisposalDraft, disposal_details, disposal_form_refusal
from assets.disposition import COMMODITIES, OUTCOMES, REUSE_OUTCOMES
from assets.merge import AssetState
from assets.weights import UNITS

if TYPE_CHECKING:  # the toolbox imports the desks
    from app.ui.toolbox import Kit

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Control:
    """The ITAD control for the asset and outcome on screen."""

    passes: bool
    sentence: str  # what the screen says
    gaps: tuple[tuple[str, str], ...]  # (drive serial, what it lacks)


def control_for(state: AssetState, outcome: str | None) -> Control:
    gaps = itad.drive_gaps(state)
    if not state.data_bearing:
        return Control(True, "Holds no data: no sanitization record needed.", ())
    if not gaps:
        return Control(True, "Every drive has a verified sanitization record.", ())
    if outcome is not None and outcome not in REUSE_OUTCOMES:
        return Control(True, "Destruction destroys the data with the device.", gaps)
    if outcome is None:
        return Control(
            False, "Before reuse or recycling, every drive needs a verified record:", gaps
        )
    return Control(False, words.capitalised(itad.disposal_refusal(state, outcome) or ""), gaps)


@ft.observable
class DisposeDesk(GivesFocusBack):
    def __init__(self, kit: Kit) -> None:
        self._kit = kit
        self.draft = DisposalDraft()
        self.asset: AssetState | None = None
        self.recorded: tuple[str, ...] = ()  # this session's disposals, newest first

    def failed(self, exc: BaseException) -> None:
        self._kit.failed("dispose", exc)

    @action
    def refresh(self) -> None:
        """Re-read the asset: a wipe recorded here or pulled by sync changes the control."""
        tag = self.draft.tag
        self.asset = self._kit.service.asset(tag).state if tag else None

    @property
    def control(self) -> Control | None:
        return control_for(self.asset, self.draft.outcome) if self.asset is not None else None

    @property
    def missing(self) -> str | None:
        return disposal_form_refusal(self.draft)

    @action
    def scan(self, text: str) -> None:
        scanned = read(self._kit.service, text)
        if scanned.kind != ASSET:
            self._kit.refuse(f"{scanned.label} “{scanned.value}”: scan the asset's tag")
            return
        state = self._kit.service.asset(scanned.value).state
        if not state.registered:
            self._kit.refuse(f"{scanned.value} is not registered: take it in on Intake first")
            return
        weight = state.nominal_weight or {}
        self.draft = DisposalDraft(
            tag=scanned.value, weight=weight.get("value", ""), unit=weight.get("unit", "kg")
        )
        self.asset = state
        self._kit.tell(f"{scanned.value}: pick the outcome.", True)
        self._kit.beep(sounds.OK)

    @action
    def pick_outcome(self, value: str) -> None:
        if value not in OUTCOMES:
            self._kit.refuse("Pick one of the outcomes shown")
            return
        self.draft = replace(self.draft, outcome=value)

    @action
    def pick_commodity(self, value: str) -> None:
        if value not in COMMODITIES:
            self._kit.refuse("Pick one of the commodities shown")
            return
        self.draft = replace(self.draft, commodity=value)

    @action
    def pick_unit(self, unit: str) -> None:
        if unit not in UNITS:
            self._kit.refuse("Pick kg or lb")
            return
        self.draft = replace(self.draft, unit=unit)

    @action
    def type_in(self, name: str, text: str) -> None:
        """A typed field: amount, currency, weight, vendor, certificate number."""
        limits = {"amount": 24, "currency": 3, "weight": 24, "vendor": 120, "certificate": 120}
        if name not in limits:
            self._kit.refuse("That is not a field of this form")
            return
        value = text[: limits[name]]
        if name in ("amount", "weight"):
            value = value.replace(",", ".")  # a decimal comma, as many docks type it
        if name == "currency":
            value = value.upper()
        self.draft = replace(self.draft, **{name: value})

    @action
    def start_over(self) -> None:
        self.draft, self.asset = DisposalDraft(), None

    @action
    def record(self) -> None:
        """Write the disposal, unless the form is incomplete or the ITAD control refuses it."""
        draft = self.draft
        if (why := disposal_form_refusal(draft)) is not None or draft.tag is None:
            self._kit.refuse(why or "Scan the asset's tag first")
            return
        assert draft.outcome is not None  # the form check needs one
        self.refresh()  # the control reads the latest state, not the one scanned
        state = self.asset
        if state is not None and (blocked := itad.disposal_refusal(state, draft.outcome)):
            self._kit.refuse(blocked)
            return
        self._kit.service.dispose(draft.tag, draft.outcome, **disposal_details(draft))
        label = OUTCOMES.label(draft.outcome)
        self.recorded = (f"{draft.tag}: {label}", *self.recorded)[:20]
        self._kit.tell(f"{draft.tag}: {label} recorded.", True)
        self._kit.beep(sounds.OK)
        self.draft, self.asset = DisposalDraft(), None
