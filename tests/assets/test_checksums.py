"""Check characters: published vectors and the error classes each system promises to catch."""

from __future__ import annotations

import pytest

from assets.checksums import (
    ALPHANUMERIC,
    gs1_check_digit,
    gs1_check_valid,
    mod37_36_check,
    mod37_36_valid,
)
from assets.errors import InvalidTag


def test_mod37_36_published_vector() -> None:
    # The worked example used by ISO 7064 implementations (python-stdnum's documentation).
    assert mod37_36_check("A12425GABC1234002") == "M"
    assert mod37_36_valid("A12425GABC1234002M")
    assert not mod37_36_valid("A12425GABC1234002N")


def test_mod37_36_catches_every_single_substitution() -> None:
    body = "TA0001234"
    check = mod37_36_check(body)
    for position in range(len(body)):
        for character in ALPHANUMERIC:
            if character != body[position]:
                typo = body[:position] + character + body[position + 1 :]
                assert not mod37_36_valid(typo + check), typo


def test_mod37_36_refuses_foreign_characters() -> None:
    with pytest.raises(InvalidTag):
        mod37_36_check("ta0001234")  # callers uppercase first
    assert not mod37_36_valid("TA-0001234-4")
    assert not mod37_36_valid("4")


@pytest.mark.parametrize(
    ("body", "check"),
    [
        ("0950600013435", "2"),  # GTIN-14 09506000134352 (GS1's example GTIN)
        ("400638133393", "1"),  # EAN-13 4006381333931
        ("9638507", "4"),  # EAN-8 96385074
        ("03600029145", "2"),  # UPC-A 036000291452
        ("10614141123456789", "7"),  # SSCC 106141411234567897
        ("952132100001", "8"),  # GLN 9521321000018
    ],
)
def test_gs1_check_digit_vectors(body: str, check: str) -> None:
    assert gs1_check_digit(body) == check
    assert gs1_check_valid(body + check)
    assert not gs1_check_valid(body + str((int(check) + 1) % 10))


def test_gs1_check_digit_refuses_non_digits() -> None:
    with pytest.raises(InvalidTag):
        gs1_check_digit("12A4")
    with pytest.raises(InvalidTag):
        gs1_check_digit("١٢٣")  # Arabic-Indic digits are digits to str.isdigit, not to GS1
    assert not gs1_check_valid("١٢٣")
    assert not gs1_check_valid("7")
