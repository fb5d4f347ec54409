"""Check characters: ISO 7064 MOD 37,36 for TagTrail tags and the GS1 mod-10 digit for GTINs."""

from __future__ import annotations

from assets.errors import InvalidTag

ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_VALUE = {character: value for value, character in enumerate(ALPHANUMERIC)}
_MOD = 36  # ISO 7064 hybrid system MOD 37,36: M = 36, M + 1 = 37


def _mod37_36_product(text: str) -> int:
    product = _MOD
    for character in text:
        value = _VALUE.get(character)
        if value is None:
            raise InvalidTag(f"'{character}' is not a check alphabet character (0-9, A-Z)")
        total = (product + value) % _MOD or _MOD
        product = (total * 2) % (_MOD + 1)
    return product


def mod37_36_check(text: str) -> str:
    """The ISO 7064 MOD 37,36 check character of uppercase 0-9A-Z `text`.

    The hybrid system catches every single substitution and every adjacent transposition, which
    are the errors hand typing and a smudged label produce.
    """
    return ALPHANUMERIC[(_MOD + 1 - _mod37_36_product(text)) % _MOD]


def mod37_36_valid(text_with_check: str) -> bool:
    """True when the last character of `text_with_check` is the right MOD 37,36 check."""
    if len(text_with_check) < 2:
        return False
    check = _VALUE.get(text_with_check[-1])
    try:
        product = _mod37_36_product(text_with_check[:-1])
    except InvalidTag:
        return False
    return check is not None and (product + check) % _MOD == 1


def gs1_check_digit(digits: str) -> str:
    """The GS1 mod-10 check digit for the digits of a key without its check digit.

    Weights 3 and 1 alternate from the rightmost digit, as for every GS1 key length.
    """
    if not digits.isascii() or not digits.isdigit():
        raise InvalidTag(f"a GS1 key holds digits only, not '{digits}'")
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str((10 - total % 10) % 10)


def gs1_check_valid(key: str) -> bool:
    """True when `key` is all digits and ends with its GS1 check digit."""
    if len(key) < 2 or not key.isascii() or not key.isdigit():
        return False
    return gs1_check_digit(key[:-1]) == key[-1]
