"""The model catalogue: what a make and model is, whether it holds data, what it weighs."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

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


def _kg(value: str) -> Weight:
    return Weight(Decimal(value), "kg")


# The models a site's technicians meet most; a model not listed is entered by hand, and then
# the person says whether it holds data (the catalogue cannot).
MODELS: tuple[Model, ...] = (
    Model("Dell", "Latitude 5420", "laptop", True, _kg("1.49")),
    Model("Dell", "Latitude 7440", "laptop", True, _kg("1.26")),
    Model("Dell", "OptiPlex 7090", "desktop", True, _kg("5.10")),
    Model("Dell", "PowerEdge R740", "server", True, _kg("28.60")),
    Model("HP", "EliteBook 840 G8", "laptop", True, _kg("1.33")),
    Model("HP", "EliteDesk 800 G6", "desktop", True, _kg("5.20")),
    Model("HP", "LaserJet M507", "printer", True, _kg("12.70")),
    Model("Lenovo", "ThinkPad T14 Gen 2", "laptop", True, _kg("1.47")),
    Model("Lenovo", "ThinkCentre M720q", "desktop", True, _kg("1.32")),
    Model("Apple", "MacBook Pro 14 (2021)", "laptop", True, _kg("1.60")),
    Model("Apple", "iPhone 12", "phone", True, _kg("0.16")),
    Model("Apple", "iPad (9th gen)", "tablet", True, _kg("0.49")),
    Model("Cisco", "Catalyst 2960-X", "network", True, _kg("4.50")),
    Model("Samsung", "870 EVO 1TB", "storage_device", True, _kg("0.05")),
    Model("Samsung", "PM9A1 512GB", "storage_device", True, _kg("0.01")),
    Model("Seagate", "Exos 7E8 4TB", "storage_device", True, _kg("0.72")),
    Model("WD", "Blue 1TB", "storage_device", True, _kg("0.45")),
    Model("Dell", "P2422H", "monitor", False, _kg("4.30")),
    Model("Logitech", "K120", "peripheral", False, _kg("0.55")),
)
BY_KEY: dict[str, Model] = {m.key: m for m in MODELS}
assert len(BY_KEY) == len(MODELS), "two catalogue entries share a make and model"
assert all(m.category in CATEGORIES for m in MODELS)


def find_model(make: str | None, model: str | None) -> Model | None:
    """The catalogue's entry for a make and model, whatever their case and spacing."""
    if not make or not model:
        return None
    wanted = (" ".join(make.split()).casefold(), " ".join(model.split()).casefold())
    for entry in MODELS:
        if (entry.make.casefold(), entry.model.casefold()) == wanted:
            return entry
    return None


def model_label(entry: Model) -> str:
    """How a model reads in a picker: `Dell Latitude 5420 · Laptop`."""
    return f"{entry.make} {entry.model} · {CATEGORIES.label(entry.category)}"
