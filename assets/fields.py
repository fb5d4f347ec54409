"""Small checkers for operation fields: each returns a clean value or raises InvalidOperation
naming the field, so every message says exactly what to fix."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from decimal import Decimal
from decimal import InvalidOperation as DecimalError

from assets.errors import AssetsError, InvalidOperation
from assets.weights import Weight, parse_weight

MAX_TEXT = 200
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
MAX_LIST = 500
# Money: the largest amount one record may carry, and its finest fraction (a ten-thousandth),
# so every total stays exact and within what reports can add up.
MAX_AMOUNT = Decimal(10) ** 12
AMOUNT_QUANTUM = Decimal("0.0001")


def text(data: Mapping[str, object], name: str, *, max_len: int = MAX_TEXT) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InvalidOperation(name, "is required and must be text")
    return checked_text(value, name, max_len=max_len)


def optional_text(data: Mapping[str, object], name: str, *, max_len: int = MAX_TEXT) -> str | None:
    value = data.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidOperation(name, "must be text")
    return checked_text(value, name, max_len=max_len)


def checked_text(value: str, name: str, *, max_len: int = MAX_TEXT) -> str:
    value = value.strip()
    if len(value) > max_len:
        raise InvalidOperation(name, f"is longer than {max_len} characters")
    if not value.isprintable():
        raise InvalidOperation(name, "contains control characters: rescan or retype it")
    return value


def choice(data: Mapping[str, object], name: str, allowed: Mapping[str, object]) -> str:
    value = data.get(name)
    if not isinstance(value, str) or value not in allowed:
        raise InvalidOperation(name, f"must be one of {', '.join(allowed)}, not {value!r:.60}")
    return value


def flag(data: Mapping[str, object], name: str, default: bool = False) -> bool:
    value = data.get(name, default)
    if not isinstance(value, bool):
        raise InvalidOperation(name, "must be true or false")
    return value


def text_list(
    data: Mapping[str, object], name: str, *, required: bool = False, max_items: int = MAX_LIST
) -> tuple[str, ...]:
    value = data.get(name)
    if value is None and not required:
        return ()
    if not isinstance(value, list):
        raise InvalidOperation(name, "must be a list of text")
    if len(value) > max_items:
        raise InvalidOperation(name, f"has more than {max_items} items")
    items: list[str] = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise InvalidOperation(name, "must hold only non-empty text")
        items.append(checked_text(item, name))
    return tuple(sorted(set(items)))


def weight(data: Mapping[str, object], name: str, *, required: bool = True) -> Weight | None:
    value = data.get(name)
    if value is None and not required:
        return None
    try:
        return parse_weight(value)
    except AssetsError as exc:
        raise InvalidOperation(name, str(exc)) from exc


def money(data: Mapping[str, object], name: str) -> tuple[Decimal, str] | None:
    """An amount with its ISO currency, e.g. {"amount": "120.00", "currency": "USD"}."""
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InvalidOperation(name, "must be an object with amount and currency")
    raw = value.get("amount")
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise InvalidOperation(name, "needs a numeric amount")
    try:
        amount = Decimal(str(raw))
    except DecimalError as exc:
        raise InvalidOperation(name, f"'{raw}' is not an amount") from exc
    if not amount.is_finite() or amount < 0:
        raise InvalidOperation(name, "amount must be zero or more")
    if amount > MAX_AMOUNT:
        raise InvalidOperation(name, f"amount must be at most {MAX_AMOUNT:,.0f}")
    if amount != amount.quantize(AMOUNT_QUANTUM):
        raise InvalidOperation(name, "amount may have at most 4 decimal places")
    currency = value.get("currency")
    if not isinstance(currency, str) or len(currency) != 3 or not currency.isalpha():
        raise InvalidOperation(name, "currency must be a three-letter code such as USD or EUR")
    return amount, currency.upper()


def uuid_text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise InvalidOperation(name, "must be a UUID")
    if _CANONICAL_UUID.fullmatch(value):
        return value  # already the form str(uuid.UUID(value)) gives
    try:
        return str(uuid.UUID(value))
    except ValueError as exc:
        raise InvalidOperation(name, f"'{value[:60]}' is not a UUID") from exc
