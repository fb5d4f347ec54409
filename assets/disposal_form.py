"""What a disposition record needs for each outcome, and when a filled-in form is enough.

One table says which details each outcome asks for (a resale its value, a recycling its
commodity and weight, a destruction its certificate); the ITAD control itself is
`assets.itad`, asked separately so the person sees it before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from assets import fields as f
from assets.disposition import COMMODITIES, OUTCOMES
from assets.errors import InvalidOperation


@dataclass(frozen=True, slots=True)
class Needs:
    value: bool = False  # amount and currency recovered
    commodity: bool = False  # what it was recycled as
    weight: bool = False
    vendor: bool = False  # the downstream vendor who takes it
    certificate: bool = False  # the vendor's certificate number


NEEDS: dict[str, Needs] = {
    "redeploy": Needs(),
    "resale": Needs(value=True, vendor=True),
    "harvest": Needs(),
    "recycle": Needs(commodity=True, weight=True, vendor=True),
    "destruction": Needs(vendor=True, certificate=True),
}
assert set(NEEDS) == set(OUTCOMES)


@dataclass(frozen=True, slots=True)
class DisposalDraft:
    tag: str | None = None  # the asset (without `asset:`)
    outcome: str | None = None
    amount: str = ""
    currency: str = "USD"
    commodity: str | None = None
    weight: str = ""
    unit: str = "kg"
    vendor: str = ""
    certificate: str = ""


def _weight(draft: DisposalDraft) -> dict[str, str] | None:
    return {"value": draft.weight.strip(), "unit": draft.unit} if draft.weight.strip() else None


def _value(draft: DisposalDraft) -> dict[str, str] | None:
    if not draft.amount.strip():
        return None
    return {"amount": draft.amount.strip(), "currency": draft.currency.strip()}


def _missing(draft: DisposalDraft, needs: Needs) -> str | None:
    label = OUTCOMES.label(draft.outcome or "").lower()
    if needs.value and not draft.amount.strip():
        return f"Type the value recovered by the {label}"
    if needs.commodity and draft.commodity is None:
        return "Pick the commodity it is recycled as"
    if needs.weight and not draft.weight.strip():
        return f"Type the weight for the {label}"
    if needs.vendor and not draft.vendor.strip():
        return "Type the downstream vendor who takes it"
    if needs.certificate and not draft.certificate.strip():
        return "Type the certificate number from the vendor"
    return None


def disposal_form_refusal(draft: DisposalDraft) -> str | None:
    """Why the form cannot be recorded yet, in the person's words; None when it can."""
    if draft.tag is None:
        return "Scan the asset's tag first"
    if draft.outcome not in NEEDS:
        return "Pick the outcome"
    if (missing := _missing(draft, NEEDS[draft.outcome])) is not None:
        return missing
    if draft.commodity is not None and draft.commodity not in COMMODITIES:
        return "Pick the commodity from the list"
    checks = (
        ("Weight", "weight", _weight(draft), lambda d, n: f.weight(d, n, required=False)),
        ("Value", "value", _value(draft), f.money),
    )
    for label, name, wire, check in checks:
        try:
            check({name: wire}, name)
        except InvalidOperation as exc:
            return f"{label}: {exc.message}"
    for label, text in (("Vendor", draft.vendor), ("Certificate number", draft.certificate)):
        if text.strip() and not text.strip().isprintable():
            return f"{label}: retype it without control characters"
    return None


class DisposalDetails(TypedDict, total=False):
    weight: dict[str, str] | None
    value: dict[str, str] | None
    commodity: str | None
    vendor: str | None
    certificate: str | None


def disposal_details(draft: DisposalDraft) -> DisposalDetails:
    """`DeviceService.dispose`'s keyword arguments for a checked draft (only what the outcome
    takes, so a field left from another outcome is not recorded)."""
    needs = NEEDS[draft.outcome or ""]
    details: DisposalDetails = {"weight": _weight(draft)}
    if needs.value or draft.outcome == "resale":
        details["value"] = _value(draft)
    if draft.outcome == "recycle":
        details["commodity"] = draft.commodity
    if draft.vendor.strip():
        details["vendor"] = draft.vendor.strip()
    if draft.certificate.strip():
        details["certificate"] = draft.certificate.strip()
    return details
