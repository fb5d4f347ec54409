"""A pallet's receipt at the facility against what was sealed: the same rules the fold
applies when the receipt is folded (seal number, weight within tolerance, contents against the
manifest), worked out before the receipt is written, so the crew sees what a supervisor will.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from assets.merge import PalletState
from assets.weights import Weight, within_tolerance


@dataclass(frozen=True, slots=True)
class ReceiptCheck:
    sealed_seal: str | None  # the seal number recorded at sealing (None: never sealed)
    seal: str  # the seal number read at the facility ("" until typed)
    sealed_kg: Decimal | None
    received: Weight | None  # None until a weight is typed (or while it is not a number)
    tolerance_pct: Decimal
    expected: tuple[str, ...]  # asset keys on the manifest
    scanned: tuple[str, ...]
    missing: tuple[str, ...]
    extra: tuple[str, ...]

    @property
    def seal_matches(self) -> bool | None:
        """None until there is a seal number on both sides."""
        if self.sealed_seal is None or not self.seal:
            return None
        return self.seal == self.sealed_seal

    @property
    def difference_kg(self) -> Decimal | None:
        if self.sealed_kg is None or self.received is None:
            return None
        return self.received.kg - self.sealed_kg

    @property
    def difference_pct(self) -> Decimal | None:
        diff = self.difference_kg
        if diff is None or self.sealed_kg is None or self.sealed_kg == 0:
            return None
        return diff * 100 / self.sealed_kg

    @property
    def weight_ok(self) -> bool | None:
        """Within tolerance of the sealed weight (the fold's test); None until both known."""
        if self.sealed_kg is None or self.received is None:
            return None
        return within_tolerance(self.received, Weight(self.sealed_kg, "kg"), self.tolerance_pct)

    @property
    def contents_checked(self) -> bool:
        return bool(self.scanned)

    @property
    def differences(self) -> tuple[str, ...]:
        """What a supervisor will be asked about, in the conflicts' own words."""
        found = []
        if self.seal_matches is False:
            found.append("seal_mismatch")
        if self.weight_ok is False:
            found.append("weight_mismatch")
        if self.contents_checked and (self.missing or self.extra):
            found.append("manifest_mismatch")
        return tuple(found)


def check_receipt(
    state: PalletState,
    seal: str,
    received: Weight | None,
    scanned: Iterable[str],
    tolerance_pct: Decimal,
) -> ReceiptCheck:
    """Compare what is read at the facility with the pallet's sealed state."""
    expected = tuple(sorted(state.manifest))
    seen = tuple(dict.fromkeys(scanned))
    return ReceiptCheck(
        sealed_seal=state.seal_number,
        seal=seal.strip(),
        sealed_kg=Decimal(state.gross_kg) if state.gross_kg is not None else None,
        received=received,
        tolerance_pct=tolerance_pct,
        expected=expected,
        scanned=seen,
        missing=tuple(k for k in expected if k not in seen) if seen else (),
        extra=tuple(k for k in seen if k not in expected),
    )
