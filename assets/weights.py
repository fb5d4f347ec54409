"""Weights always carry their unit, because docks in one company weigh in kg and in lb."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from decimal import InvalidOperation as DecimalError

from assets.errors import InvalidWeight

KG_PER_LB = Decimal("0.45359237")
UNITS = ("kg", "lb")
MAX_WEIGHT_KG = Decimal(100_000)  # a loaded truck; anything above is a typo


@dataclass(frozen=True, slots=True)
class Weight:
    value: Decimal
    unit: str

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise InvalidWeight(f"unit '{self.unit}' is not kg or lb")
        if not self.value.is_finite() or self.value < 0:
            raise InvalidWeight(f"weight {self.value} must be a number of zero or more")
        if self.kg > MAX_WEIGHT_KG:
            raise InvalidWeight(f"{self} is more than {MAX_WEIGHT_KG} kg: check the scale")

    @property
    def kg(self) -> Decimal:
        return self.value if self.unit == "kg" else self.value * KG_PER_LB

    def to_dict(self) -> dict[str, str]:
        return {"value": str(self.value), "unit": self.unit}

    def __str__(self) -> str:
        return f"{self.value} {self.unit}"


def parse_weight(data: object) -> Weight:
    """Accept {"value": "12.5", "unit": "kg"} (value as a string or a number)."""
    if not isinstance(data, dict):
        raise InvalidWeight("a weight is an object with a value and a unit")
    raw = data.get("value")
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise InvalidWeight("a weight needs a numeric value")
    try:
        value = Decimal(str(raw))
    except DecimalError as exc:
        raise InvalidWeight(f"'{raw}' is not a number") from exc
    unit = data.get("unit")
    if not isinstance(unit, str):
        raise InvalidWeight("a weight needs its unit, kg or lb")
    return Weight(value, unit.strip().lower())


def within_tolerance(measured: Weight, expected: Weight, tolerance_pct: Decimal) -> bool:
    """True when two weights agree within a percentage of the expected one."""
    allowed = expected.kg * tolerance_pct / 100
    return abs(measured.kg - expected.kg) <= allowed


def total_kg(weights: list[Weight]) -> Decimal:
    return sum((w.kg for w in weights), Decimal(0))
