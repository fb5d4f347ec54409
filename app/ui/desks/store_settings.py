"""The Store settings tool's state (admins): the settings every device follows as the central
store holds them, an admin's change saved through the store, and this device's own copy of
them refreshed after a save.

The store alone judges a value (one home per rule: sync.server.store_settings): a refusal is
shown under the setting it names, in the store's sentence with the setting's name in people's
words. Online only."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import flet as ft

from app.ui.desks.reports import said
from app.ui.desks.taps import GivesFocusBack
from app.ui.handlers import action
from sync.device import store_settings
from sync.device.store_desk import StoreSaid
from sync.protocol import StoreSettingsView

if TYPE_CHECKING:  # the toolbox lists this desk: a runtime import would be a cycle
    from app.ui.toolbox import Kit

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Setting:
    name: str  # the store's name for it (a StoreSettingsView field)
    label: str  # the field's label
    hint: str  # one line under the field


SETTINGS: tuple[Setting, ...] = (
    Setting("organisation_name", "Organisation name", "Printed on every certificate"),
    Setting("label_base_url", "Label web address", "What a label's QR code starts with"),
    Setting(
        "weight_tolerance_pct",
        "Weight tolerance (%)",
        "How far a received pallet may weigh from its seal",
    ),
)
NAMES = tuple(s.name for s in SETTINGS)
assert set(NAMES) == set(StoreSettingsView.model_fields), "a store setting has no field"

# The request checker's phrases (pydantic's) in people's words; the store's own sentences
# ("must be from 0 to 50") already are.
_PHRASES = (
    (re.compile(r"^Value error, "), ""),
    (re.compile(r"^String should have at most (\d+) characters?"), r"is too long: at most \1"),
    (
        re.compile(r"^Input should be a valid string.*"),
        "holds characters that are not text (a broken paste): type it again",
    ),
)


def refusal(said: str) -> tuple[str | None, str]:
    """(the setting a store's refusal names, or None; the sentence to show)."""
    text = " ".join(said.split()).removeprefix("body.")
    for setting in SETTINGS:
        if text.startswith(setting.name):
            rest = text[len(setting.name) :].lstrip(":").strip()
            for pattern, words in _PHRASES:
                rest = pattern.sub(words, rest)
            return setting.name, f"{setting.label} {rest}"
    return None, text[:1].upper() + text[1:]


@ft.observable
class SettingsDesk(GivesFocusBack):
    def __init__(self, kit: Kit) -> None:
        self._kit = kit
        self._asked = 0  # the newest read asked for: an older answer is dropped
        self.current: StoreSettingsView | None = None  # as the store holds them
        self.version = 0  # counts changes of `current`: the form starts again from them
        self.problems: dict[str, str] = {}  # setting -> why the store refused the value
        self.problem: str | None = None  # why nothing is shown or saved (offline, a role…)
        self.saved: str | None = None  # what the last save did, in words
        self.loading = False

    def failed(self, exc: BaseException) -> None:
        log.warning("store settings: %r", exc)
        self._kit.tell(said(exc), False)

    # ---- what the person does ----------------------------------------------------------

    def scan(self, text: str) -> None:
        self._kit.tell("Scans are recorded on the Scan screen; Store settings only edits.", False)

    def refresh(self) -> None:
        self._kit.run(self.load)

    def save(self, values: Mapping[str, str]) -> None:
        self._kit.run(self._save, dict(values))

    @action
    async def load(self) -> None:
        self._asked += 1
        asked = self._asked
        self.loading = True
        try:
            desk = self._kit.session.store_desk()
            found = await asyncio.to_thread(desk.settings)
            if asked == self._asked:
                self._hold(found)
                self.problem = None
        except Exception as exc:
            log.info("store settings not read: %r", exc)
            if asked == self._asked:
                self.problem = said(exc)
        finally:
            if asked == self._asked:
                self.loading = False

    @action
    async def _save(self, values: dict[str, str]) -> None:
        """Send the values that differ from the store's (all or none are kept)."""
        current = self.current
        if current is None or self.loading:
            return
        changed = {k: v for k, v in values.items() if k in NAMES and v != getattr(current, k)}
        self.saved = None
        if not changed:
            self.problems = {}
            self._kit.tell("Nothing changed: the store keeps its settings.", True)
            return
        desk = self._kit.session.store_desk()
        self._asked += 1  # a read under way would show the values from before the save
        self.loading = True
        try:
            found = await asyncio.to_thread(desk.change_settings, changed)
        except StoreSaid as refused:
            self._refused(refused)
            return
        finally:
            self.loading = False
        svc = self._kit.service
        await asyncio.to_thread(store_settings.pulled, svc.db, found, svc.now_ms())
        self._hold(found)
        self.problems, self.problem = {}, None
        names = ", ".join(s.label for s in SETTINGS if s.name in changed)
        self.saved = f"Saved at the central store: {names}. Every device follows at its next sync."
        self._kit.tell(self.saved, True)

    def _refused(self, refused: StoreSaid) -> None:
        name, words = refusal(refused.said) if refused.status in (400, 422) else (None, "")
        if name is None:
            words = said(refused)
        self.problems = {name: words} if name else {}
        self.problem = None if name else words
        self._kit.refuse(words)

    def _hold(self, found: StoreSettingsView) -> None:
        if found != self.current:  # equal values leave the form (and what is typed) alone
            self.current = found
            self.version += 1
