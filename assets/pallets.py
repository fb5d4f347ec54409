"""Pallets: their states, and the tolerance a received weight may differ from the sealed one."""

from __future__ import annotations

from decimal import Decimal

from assets.vocabulary import Choice, Vocabulary

PALLET_STATES: Vocabulary = Vocabulary(
    "pallet state",
    (
        Choice("open", "Open", "#1565c0", "Being loaded"),
        Choice("sealed", "Sealed", "#6a1b9a", "Closed with a seal and weighed"),
        Choice("in_transit", "In transit", "#3949ab", "Handed to a carrier"),
        Choice("received", "Received", "#2e7d32", "Checked in at the facility"),
    ),
)

# Scales at two docks rarely agree to the gram: 2 % is the default before a supervisor looks.
DEFAULT_WEIGHT_TOLERANCE_PCT = Decimal(2)
