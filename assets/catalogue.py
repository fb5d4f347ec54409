"""The model catalogue: what a make and model is, whether it holds data, what it weighs."""

from __future__ import annotations

from dataclasses import dataclass

from assets.vocabulary import Choice, Vocabulary
from assets.weights import Weight

CATEGORIES: Vocabulary = Vocabulary(
    "category",
    (
        Choice("laptop", "Laptop", "#1565c0"),
        Choice("desktop", "Desktop", "#283593"),
        Choice("server", "Server", "#4527a0"),
        Choice("storage_device", "Storage device", "#c62828", "Hard drive, SSD, tape"),
        Choice("phone", "Phone", "#00838f"),
        Choice("tablet", "Tablet", "#00695c"),
        Choice("network", "Network gear", "#2e7d32"),
        Choice("monitor", "Monitor", "#6d4c41"),
        Choice("printer", "Printer", "#5d4037"),
        Choice("peripheral", "Peripheral", "#757575"),
        Choice("other", "Other", "#9e9e9e"),
    ),
)

# Categories that hold data unless a model says otherwise.
DATA_BEARING_CATEGORIES = frozenset(
    {"laptop", "desktop", "server", "storage_device", "phone", "tablet", "network", "printer"}
)


@dataclass(frozen=True, slots=True)
class Model:
    make: str
    model: str
    category: str
    data_bearing: bool
    nominal_weight: Weight | None = None

    @property
    def key(self) -> str:
        return f"{self.make}/{self.model}"
