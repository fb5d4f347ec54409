"""Disposition outcomes, data sanitization methods and landfill diversion."""

from __future__ import annotations

from decimal import Decimal

from assets.vocabulary import Choice, Vocabulary

OUTCOMES: Vocabulary = Vocabulary(
    "disposition outcome",
    (
        Choice("redeploy", "Redeploy", "#1b5e20", "Back into use in the company"),
        Choice("resale", "Resale", "#2e7d32", "Sold for reuse"),
        Choice("harvest", "Parts harvest", "#558b2f", "Taken apart for spare parts"),
        Choice("recycle", "Recycling", "#33691e", "Recycled by commodity and weight"),
        Choice("destruction", "Destruction", "#b71c1c", "Shredded or crushed"),
    ),
)

# The lifecycle status each outcome ends in.
OUTCOME_STATUS: dict[str, str] = {
    "redeploy": "redeployed",
    "resale": "resold",
    "harvest": "harvested",
    "recycle": "recycled",
    "destruction": "destroyed",
}

# Outcomes that let the device (and its data) leave the company's control intact.
REUSE_OUTCOMES = frozenset({"redeploy", "resale", "harvest", "recycle"})

# Weight kept out of landfill: everything but destruction without material recovery.
DIVERTED_OUTCOMES = frozenset({"redeploy", "resale", "harvest", "recycle"})

SANITIZATION_METHODS: Vocabulary = Vocabulary(
    "sanitization method",
    (
        Choice("clear", "Clear", "#f9a825", "Overwrite with logical techniques (NIST SP 800-88)"),
        Choice("purge", "Purge", "#ef6c00", "Firmware erase or cryptographic erase"),
        Choice("destroy", "Destroy", "#b71c1c", "Shred, disintegrate, pulverise or incinerate"),
    ),
)

COMMODITIES: Vocabulary = Vocabulary(
    "commodity",
    (
        Choice("mixed_electronics", "Mixed electronics", "#757575"),
        Choice("circuit_boards", "Circuit boards", "#2e7d32"),
        Choice("ferrous", "Ferrous metal", "#5d4037"),
        Choice("aluminium", "Aluminium", "#90a4ae"),
        Choice("copper", "Copper", "#bf360c"),
        Choice("plastics", "Plastics", "#1565c0"),
        Choice("batteries", "Batteries", "#f9a825"),
        Choice("glass", "Glass", "#00838f"),
    ),
)


def landfill_diversion(diverted_kg: Decimal, retired_kg: Decimal) -> Decimal | None:
    """Diverted weight over total weight retired, as a fraction; None when nothing was retired."""
    if retired_kg <= 0:
        return None
    return diverted_kg / retired_kg
