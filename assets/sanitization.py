"""What a sanitization record holds: the fields of the NIST SP 800-88 Rev. 1 Appendix G
certificate of sanitization, as vocabularies and one table of which technique fits which
method. The arguments themselves are parsed in assets.operations (`sanitize`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from assets.vocabulary import Choice, Vocabulary

MEDIA_TYPES: Vocabulary = Vocabulary(
    "media type",
    (
        Choice("hdd", "Hard disk", "#455a64", "Magnetic hard disk drive"),
        Choice("ssd", "SSD (SATA/SAS)", "#1565c0", "Flash solid-state drive on SATA or SAS"),
        Choice("nvme", "NVMe SSD", "#0d47a1", "Flash solid-state drive on NVMe"),
        Choice("flash", "Flash card / USB", "#6a1b9a", "USB stick, SD or CF card, eMMC"),
        Choice("mobile", "Phone or tablet", "#00838f", "Built-in storage of a mobile device"),
        Choice("tape", "Tape", "#5d4037", "Magnetic tape cartridge"),
        Choice("optical", "Optical disc", "#9e9d24", "CD, DVD or Blu-ray"),
        Choice("other", "Other", "#757575", "Any other media (name it in the notes)"),
    ),
)

TECHNIQUES: Vocabulary = Vocabulary(
    "sanitization technique",
    (
        Choice("overwrite", "Overwrite", "#f9a825", "Write patterns over every addressable block"),
        Choice("block_erase", "Block erase", "#ef6c00", "The drive's firmware erases its blocks"),
        Choice("crypto_erase", "Cryptographic erase", "#e65100", "The media key is replaced"),
        Choice("degauss", "Degauss", "#bf360c", "A strong magnetic field (magnetic media)"),
        Choice("factory_reset", "Factory reset", "#f57f17", "The device's own reset (clear)"),
        Choice("shred", "Shred", "#b71c1c", "Cut into pieces"),
        Choice("disintegrate", "Disintegrate", "#b71c1c", "Broken up to particles"),
        Choice("pulverize", "Pulverize", "#b71c1c", "Crushed to powder"),
        Choice("incinerate", "Incinerate", "#b71c1c", "Burnt in a licensed furnace"),
        Choice("other", "Other", "#757575", "Say which in the method details"),
    ),
)

# Which techniques carry out each method (SP 800-88 Rev. 1, section 2.5 and Appendix A).
TECHNIQUES_BY_METHOD: dict[str, frozenset[str]] = {
    "clear": frozenset({"overwrite", "factory_reset", "other"}),
    "purge": frozenset({"overwrite", "block_erase", "crypto_erase", "degauss", "other"}),
    "destroy": frozenset({"shred", "disintegrate", "pulverize", "incinerate", "other"}),
}

VERIFICATION_METHODS: Vocabulary = Vocabulary(
    "verification method",
    (
        Choice("full", "Full", "#2e7d32", "Every addressable location read back"),
        Choice("quick_sampling", "Quick sampling", "#558b2f", "A sample of locations read back"),
        Choice("visual", "Visual inspection", "#33691e", "Destroyed media inspected"),
        Choice("other", "Other", "#757575", "Say which in the notes"),
    ),
)

DESTINATIONS: Vocabulary = Vocabulary(
    "post-sanitization destination",
    (
        Choice("internal_reuse", "Internal reuse", "#1b5e20", "Back into use in the company"),
        Choice("external_reuse", "External reuse", "#2e7d32", "Sold or donated for reuse"),
        Choice("recycling", "Recycling facility", "#33691e", "Sent for material recovery"),
        Choice("manufacturer", "Manufacturer", "#0d47a1", "Returned to its maker"),
        Choice("destroyed", "Destroyed", "#b71c1c", "Nothing left to send on"),
        Choice("other", "Other", "#757575", "Say where in the notes"),
    ),
)


def technique_refusal(method: str, technique: str) -> str | None:
    """Why `technique` cannot carry out `method`, or None when it can."""
    allowed = TECHNIQUES_BY_METHOD.get(method, frozenset())
    if technique in allowed:
        return None
    names = ", ".join(TECHNIQUES.label(t).lower() for t in TECHNIQUES if t in allowed)
    return f"{TECHNIQUES.label(technique)} does not {method} media; {method} takes {names}"


@dataclass(frozen=True, slots=True)
class WipeDraft:
    """One drive's sanitization record as the person fills it in (the Appendix G fields)."""

    drive: str = ""  # the drive's serial
    drive_tag: str | None = None  # the drive's own asset tag, when it has one
    source: str | None = None  # the asset the drive belongs to (tag without `asset:`)
    media_type: str | None = None
    media_make: str = ""
    media_model: str = ""
    method: str | None = None
    technique: str | None = None
    tool: str = ""
    tool_version: str = ""
    verification_method: str | None = None
    verified: bool | None = None  # the verification's result; None: not answered
    operator: str = ""
    validator: str = ""
    performed_at: str = ""  # ISO 8601
    destination: str | None = None
    notes: str = ""


# (what must be filled, the sentence when it is not), in the order the form shows them.
_REQUIRED: tuple[tuple[str, str], ...] = (
    ("drive", "Scan the drive (its serial or its own tag)"),
    ("source", "Scan the asset the drive came from"),
    ("media_type", "Pick the media type"),
    ("method", "Pick the method: clear, purge or destroy"),
    ("technique", "Pick the technique"),
    ("tool", "Type the tool used (software, degausser or shredder)"),
    ("verification_method", "Pick how the result was verified"),
    ("operator", "Type who did the sanitization"),
    ("validator", "Type who validated it (someone other than the operator)"),
    ("performed_at", "Type when it was done"),
    ("destination", "Pick where the media goes afterwards"),
)
_CHOICES: dict[str, Vocabulary] = {
    "media_type": MEDIA_TYPES,
    "technique": TECHNIQUES,
    "verification_method": VERIFICATION_METHODS,
    "destination": DESTINATIONS,
}


def when_refusal(text: str) -> str | None:
    """Why `text` is not a time of day with a date (ISO 8601), or None."""
    try:
        datetime.fromisoformat(text.strip())
    except ValueError:
        return "The time must read like 2026-12-01T14:30Z (date, T, time)"
    return None


def wipe_refusal(draft: WipeDraft) -> str | None:
    """Why the record cannot be written yet, in the person's words; None when it can."""
    for name, sentence in _REQUIRED:
        value = getattr(draft, name)
        if value is None or (isinstance(value, str) and not value.strip()):
            return sentence
    for name, vocabulary in _CHOICES.items():
        if getattr(draft, name) not in vocabulary:
            return f"Pick the {vocabulary.name} from the list"
    if draft.method not in TECHNIQUES_BY_METHOD:
        return "Pick the method: clear, purge or destroy"
    assert draft.technique is not None  # checked above
    if (why := technique_refusal(draft.method, draft.technique)) is not None:
        return why
    if draft.verified is None:
        return "Say whether the verification passed"
    if draft.operator.strip().casefold() == draft.validator.strip().casefold():
        return "The validator must be someone other than the operator"
    return when_refusal(draft.performed_at)


def wipe_details(draft: WipeDraft) -> dict[str, object]:
    """The record's optional certificate fields (`DeviceService.sanitize`'s details)."""
    details: dict[str, object] = {
        "media_type": draft.media_type,
        "technique": draft.technique,
        "verification_method": draft.verification_method,
        "validated_by": draft.validator.strip(),
        "destination": draft.destination,
    }
    for name, value in (
        ("media_make", draft.media_make),
        ("media_model", draft.media_model),
        ("tool_version", draft.tool_version),
        ("notes", draft.notes),
    ):
        if value.strip():
            details[name] = value.strip()
    if draft.drive_tag is not None:
        details["media_asset"] = f"asset:{draft.drive_tag}"
    return details
