"""Weights, locations, custody holders and vocabularies."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assets.catalogue import CATEGORIES, DATA_BEARING_CATEGORIES, Model
from assets.conflicts import CONFLICT_TYPES
from assets.custody import HOLDER_KINDS, parse_holder
from assets.disposition import (
    COMMODITIES,
    OUTCOME_STATUS,
    OUTCOMES,
    SANITIZATION_METHODS,
    landfill_diversion,
)
from assets.errors import InvalidLocation, InvalidOperation, InvalidWeight
from assets.locations import LEVELS, parse_location, site_of
from assets.pallets import PALLET_STATES
from assets.statuses import STATUSES, is_terminal
from assets.weights import Weight, parse_weight, total_kg, within_tolerance


def test_weights_convert_and_compare() -> None:
    lb = parse_weight({"value": "220.462", "unit": "LB"})
    assert lb.unit == "lb"
    assert round(lb.kg, 2) == Decimal("100.00")
    assert within_tolerance(lb, Weight(Decimal(100), "kg"), Decimal(1))
    assert not within_tolerance(Weight(Decimal(97), "kg"), Weight(Decimal(100), "kg"), Decimal(2))
    assert total_kg([Weight(Decimal(1), "kg"), Weight(Decimal(1), "kg")]) == 2
    assert str(Weight(Decimal("1.5"), "kg")) == "1.5 kg"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"value": "-1", "unit": "kg"}, "zero or more"),
        ({"value": "abc", "unit": "kg"}, "not a number"),
        ({"value": "Infinity", "unit": "kg"}, "zero or more"),
        ({"value": "5", "unit": "oz"}, "not kg or lb"),
        ({"value": "5"}, "unit"),
        ({"unit": "kg"}, "numeric"),
        ({"value": True, "unit": "kg"}, "numeric"),
        ("5 kg", "object"),
        ({"value": "200000", "unit": "kg"}, "check the scale"),
    ],
)
def test_bad_weights(data: object, message: str) -> None:
    with pytest.raises(InvalidWeight, match=message):
        parse_weight(data)


def test_locations() -> None:
    loc = parse_location(" dal1/b2/closet-3/shelf-a/ ")
    assert loc.key == "DAL1/B2/CLOSET-3/SHELF-A"
    assert loc.site == "DAL1" and loc.level == "shelf"
    parent = loc.parent()
    assert parent is not None and parent.level == "room"
    assert parent.contains(loc) and not loc.contains(parent)
    assert parse_location("DAL1").parent() is None
    assert site_of("nyc1/b1") == "NYC1"
    assert list(LEVELS) == ["site", "building", "room", "shelf"]


@pytest.mark.parametrize("path", ["", "/", "a/b/c/d/e", "DAL 1", "dal1//b2", "-x", "é"])
def test_bad_locations(path: str) -> None:
    with pytest.raises(InvalidLocation):
        parse_location(path)


def test_holders() -> None:
    assert parse_holder("Person: Ann Lee") == "person:Ann Lee"
    for bad in ("ann", "robot:r2", "person:", 5, "person:" + "x" * 200):
        with pytest.raises(InvalidOperation):
            parse_holder(bad)


def test_vocabularies_carry_value_label_and_colour() -> None:
    for vocabulary in (
        STATUSES,
        CATEGORIES,
        CONFLICT_TYPES,
        HOLDER_KINDS,
        OUTCOMES,
        SANITIZATION_METHODS,
        COMMODITIES,
        PALLET_STATES,
        LEVELS,
    ):
        assert len(vocabulary) > 0
        for value, choice in vocabulary.items():
            assert choice.value == value and choice.label
            assert choice.colour.startswith("#") and len(choice.colour) == 7
        assert vocabulary.label("nope") == "nope"
    assert set(OUTCOME_STATUS) == set(OUTCOMES)
    assert all(is_terminal(s) for s in OUTCOME_STATUS.values())
    assert set(CATEGORIES) >= DATA_BEARING_CATEGORIES


def test_model_and_diversion() -> None:
    model = Model("Dell", "Latitude 5420", "laptop", True, Weight(Decimal("1.4"), "kg"))
    assert model.key == "Dell/Latitude 5420"
    assert landfill_diversion(Decimal(90), Decimal(100)) == Decimal("0.9")
    assert landfill_diversion(Decimal(0), Decimal(0)) is None
