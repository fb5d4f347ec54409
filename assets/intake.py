"""Intake: what a technician says about an asset when it is taken in, and when that is enough.

Make and model come from the catalogue when it knows them (category, data-bearing flag and
nominal weight follow); otherwise the person picks the category and answers whether it holds
data. The flag is never assumed: an unanswered question stops the intake. Drives are listed by
their serials on the asset; a drive with its own tag names the asset it sits in as its parent.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from assets.catalogue import CATEGORIES, Model, find_model

MAX_DRIVES = 64  # the register arguments' limit on storage serials
STORAGE = "storage_device"


@dataclass(frozen=True, slots=True)
class IntakeDraft:
    """One asset being taken in, as far as the person has got."""

    tag: str | None = None  # the asset's tag (without `asset:`)
    known: bool = False  # already registered: the intake records new details (describe)
    serial: str = ""
    make: str = ""
    model: str = ""
    category: str | None = None  # None: not said (needed only when the catalogue is silent)
    data_bearing: bool | None = None  # None: not answered (ditto)
    drives: tuple[str, ...] = ()  # storage serials, in scan order
    parent: str | None = None  # the asset it sits in (a drive inside a laptop)

    @property
    def entry(self) -> Model | None:
        """The catalogue's entry for the make and model typed or picked, if it has one."""
        return find_model(self.make, self.model)

    @property
    def final_category(self) -> str | None:
        entry = self.entry
        return entry.category if entry is not None else self.category

    @property
    def holds_data(self) -> bool | None:
        """The data-bearing flag as it will be recorded; None while nobody has said."""
        entry = self.entry
        return entry.data_bearing if entry is not None else self.data_bearing


def with_model(draft: IntakeDraft, entry: Model) -> IntakeDraft:
    return replace(draft, make=entry.make, model=entry.model)


def with_drive(draft: IntakeDraft, serial: str) -> tuple[IntakeDraft, str | None]:
    """Add a scanned drive serial; (the draft, why it was not added or None)."""
    serial = serial.strip()
    if draft.tag is None:
        return draft, "Scan the asset's tag first, then its drives"
    if serial.upper() in (d.upper() for d in draft.drives):
        return draft, f"Drive {serial} is already on the list"
    if serial.upper() == draft.serial.strip().upper():
        return draft, f"{serial} is the asset's own serial, not a drive's"
    if len(draft.drives) >= MAX_DRIVES:
        return draft, f"An asset lists at most {MAX_DRIVES} drives"
    return replace(draft, drives=(*draft.drives, serial)), None


def with_parent(draft: IntakeDraft, parent: str) -> tuple[IntakeDraft, str | None]:
    """The asset this one sits in (scanned after the asset's own tag)."""
    if draft.tag is None:
        return draft, "Scan the asset's own tag first, then the tag of the asset it sits in"
    if parent == draft.tag:
        return draft, "An asset cannot sit inside itself"
    return replace(draft, parent=parent), None


def refusal(draft: IntakeDraft) -> str | None:
    """Why the intake cannot be recorded yet, in the person's words; None when it can."""
    if draft.tag is None:
        return "Scan the asset's tag first"
    if not draft.make.strip() or not draft.model.strip():
        return "Pick the make and model from the catalogue, or type both"
    category = draft.final_category
    if category is None or category not in CATEGORIES:
        return "This model is not in the catalogue: pick what kind of device it is"
    holds = draft.holds_data
    if holds is None:
        return "This model is not in the catalogue: say whether it holds data (Yes or No)"
    if draft.drives and not holds:
        return "It has drives listed, so it holds data: answer Yes, or remove the drives"
    if draft.parent is not None and category == STORAGE and not draft.serial.strip():
        return "Type the drive's serial, so the asset it sits in can list it"
    return None


def register_args(draft: IntakeDraft) -> dict[str, object]:
    """The register (or describe) arguments of a finished draft (check `refusal` first)."""
    entry = draft.entry
    args: dict[str, object] = {
        "category": draft.final_category or "other",
        "data_bearing": bool(draft.holds_data),
        "make": entry.make if entry else draft.make.strip(),
        "model": entry.model if entry else draft.model.strip(),
    }
    if draft.serial.strip():
        args["serial"] = draft.serial.strip()
    if draft.drives:
        args["storage_serials"] = list(draft.drives)
    if draft.parent is not None:
        args["parent"] = f"asset:{draft.parent}"
    if entry is not None and entry.nominal_weight is not None:
        args["nominal_weight"] = entry.nominal_weight.to_dict()
    return args
