"""The Receive tool's state: a pallet's receipt at the facility.

Scan the pallet, re-scan what is on it, type the seal number and the gross weight (kg or lb,
as on the seal screen) and where it arrived: the screen compares each with what was sealed,
with the store's weight tolerance as this device last pulled it (known offline). Receive
records the `receive` operation; what differs becomes a supervisor item when it is folded.
Nothing is written before Receive.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

import flet as ft

from app.ui import present, sounds, words
from app.ui.desks.taps import GivesFocusBack
from app.ui.handlers import action
from assets.errors import AssetsError
from assets.merge import PalletState
from assets.receipts import ReceiptCheck, check_receipt
from assets.weights import UNITS, Weight, parse_weight
from sync.device import store_settings

if TYPE_CHECKING:  # the toolbox imports the desks; a desk only names its Kit
    from app.ui.toolbox import Kit

MAX_TYPED = 120  # longer typing is cut (a seal number is at most 40, a facility 120)


@dataclass(frozen=True, slots=True)
class Sealed:
    """The pallet as this device's replica has it (sealed weights as entered, when here)."""

    tag: str
    state: PalletState
    entered_gross: dict[str, str] | None  # the seal's gross as the crew typed it, if sealed here


def typed_weight(text: str, unit: str) -> tuple[Weight | None, str | None]:
    """A typed gross weight, or the sentence saying why it is not one (never an exception)."""
    cleaned = text.strip().replace(",", ".")
    if not cleaned:
        return None, None
    if unit not in UNITS:
        return None, f"Weight unit {unit[:10]!r} is not kg or lb."
    try:
        return parse_weight({"value": cleaned, "unit": unit}), None
    except AssetsError as exc:
        return None, words.capitalised(f"Gross weight: {printable(str(exc))[:120]}")


def printable(text: str) -> str:
    """Typed text as it may be shown back: a control or unpaired character becomes "?"."""
    return "".join(c if c.isprintable() and not 0xD800 <= ord(c) <= 0xDFFF else "?" for c in text)


def _pct(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.1'))} %"


def weight_difference(check: ReceiptCheck, unit: str) -> str:
    """Received against sealed, in the unit weighed in: "+50.0 kg (12.5 %)"; "—" until known."""
    diff, pct = check.difference_kg, check.difference_pct
    if diff is None:
        return "—"
    sign = "+" if diff > 0 else ""
    shown = present.kg_text(str(diff), unit)
    return f"{sign}{shown}" + (f" ({sign}{_pct(pct)})" if pct is not None else "")


def receipt_sentence(tag: str, check: ReceiptCheck) -> str:
    """What a recorded receipt found, in one sentence."""
    found = []
    if check.seal_matches is False:
        found.append(f"seal {check.seal} is not the sealed {check.sealed_seal}")
    if check.weight_ok is False:
        found.append(
            f"weight {weight_difference(check, check.received.unit if check.received else 'kg')}"
            f" off the sealed weight (tolerance {_pct(check.tolerance_pct)})"
        )
    if check.contents_checked and check.missing:
        found.append(f"{len(check.missing)} missing")
    if check.contents_checked and check.extra:
        found.append(f"{len(check.extra)} extra")
    if not found:
        checked = "as on the manifest" if check.contents_checked else "not scanned"
        return f"Pallet {tag} received: seal and weight match; contents {checked}."
    return (
        f"Pallet {tag} received with differences: {'; '.join(found)}. A supervisor will review it."
    )


def _holder(text: str) -> str:
    name = text.strip()
    return name if name.lower().startswith("facility:") else f"facility:{name}"


@ft.observable
class ReceiveDesk(GivesFocusBack):
    def __init__(self, kit: Kit) -> None:
        self._kit = kit
        self.pallet: Sealed | None = None
        self.scanned: tuple[str, ...] = ()  # asset keys re-scanned at the facility
        self.seal = ""
        self.gross = ""
        self.unit = "kg"
        self.facility = ""
        self.weight_problem: str | None = None
        self.tolerance_pct: Decimal = store_settings.DEFAULT.weight_tolerance_pct
        self.check: ReceiptCheck | None = None
        self.received: str | None = None  # what the last Receive recorded, in words

    # ---- what goes wrong ---------------------------------------------------------------

    def failed(self, exc: BaseException) -> None:
        self._kit.failed("receive", exc)

    # ---- reading -----------------------------------------------------------------------

    @action
    def refresh(self) -> None:
        self.tolerance_pct = store_settings.read(self._kit.service.db).weight_tolerance_pct
        if self.pallet is not None:
            self.pallet = self._read(self.pallet.tag)
        self._recheck()

    def _read(self, tag: str) -> Sealed:
        svc = self._kit.service
        state = svc.pallet(tag).state
        entered = svc.seal_weights(tag)
        return Sealed(tag, state, entered[0] if entered else None)

    def _recheck(self) -> None:
        weight, problem = typed_weight(self.gross, self.unit)
        self.weight_problem = problem
        if self.pallet is None:
            self.check = None
            return
        self.check = check_receipt(
            self.pallet.state, self.seal, weight, self.scanned, self.tolerance_pct
        )

    # ---- scans and typing ----------------------------------------------------------------

    @action
    def scan(self, text: str) -> None:
        """A pallet tag opens the receipt; an asset tag counts as found on the pallet."""
        found = self._kit.service.read_scan(text)
        if found.kind == "pallet_tag":
            self.open(found.fields["tag"])
        elif found.kind == "asset_tag" and self.pallet is not None:
            key = found.key or ""
            if key not in self.scanned:
                self.scanned = (*self.scanned, key)
            self._recheck()
            self._kit.beep(sounds.OK)
        else:
            first = "Scan the pallet's tag first" if self.pallet is None else "Not an asset tag"
            self._kit.tell(f"{first}: {text.strip()[:60]}", False)
            self._kit.beep(sounds.ERROR)

    @action
    def open(self, tag: str) -> None:
        found = self._kit.service.read_scan(tag)
        if found.kind != "pallet_tag":
            self._kit.tell(f"{tag.strip()[:60]} is not a pallet tag.", False)
            return
        self.pallet = self._read(found.fields["tag"])
        self.scanned, self.seal, self.gross, self.received = (), "", "", None
        self._recheck()
        self._kit.beep(sounds.OK)

    @action
    def set_seal(self, text: str) -> None:
        self.seal = text[:MAX_TYPED]
        self._recheck()

    @action
    def set_gross(self, text: str) -> None:
        self.gross = text[:MAX_TYPED]
        self._recheck()

    @action
    def set_unit(self, unit: str) -> None:
        self.unit = unit if unit in UNITS else "kg"
        self._recheck()

    @action
    def set_facility(self, text: str) -> None:
        self.facility = text[:MAX_TYPED]

    @action
    def clear(self) -> None:
        self.pallet, self.check, self.scanned, self.received = None, None, (), None

    # ---- the receipt -------------------------------------------------------------------------

    def missing_input(self) -> str | None:
        """Why Receive cannot be pressed yet, in words (None: it can)."""
        if self.pallet is None:
            return "Scan the pallet's tag first."
        if not self.seal.strip():
            return "Type the seal number on the pallet."
        if self.weight_problem is not None:
            return self.weight_problem
        if not self.gross.strip():
            return "Type the gross weight from the facility's scale."
        if not self.facility.strip():
            return "Type the facility it arrived at."
        return None

    @action
    def receive(self) -> None:
        problem = self.missing_input()
        if problem is not None or self.pallet is None:
            self._kit.tell(problem or "Scan the pallet's tag first.", False)
            return
        weight, _ = typed_weight(self.gross, self.unit)
        assert weight is not None  # missing_input checked it
        check = self.check
        self._kit.service.receive(
            self.pallet.tag,
            self.seal.strip(),
            weight.to_dict(),
            _holder(self.facility),
            list(self.scanned) if self.scanned else None,
        )
        said = receipt_sentence(self.pallet.tag, check) if check else "Received."
        self.received = said
        self._kit.tell(said, not (check and check.differences))
        self._kit.beep(sounds.ATTENTION if check and check.differences else sounds.OK)
        self.pallet = self._read(self.pallet.tag)
        # A second press must not record the receipt twice: what was read is cleared (the
        # facility stays, for the next pallet at the same dock).
        self.scanned, self.seal, self.gross = (), "", ""
        self._recheck()
