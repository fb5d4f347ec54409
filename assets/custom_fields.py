"""Custom fields: an asset's extra facts that TagTrail has no column of its own for (purchase
cost, company, a Snipe-IT custom column ...), kept as name -> text so they replicate with it.

Values may hold line breaks and tabs (Snipe-IT notes do); every other control character, a lone
surrogate or an over-long value is refused, naming the field.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from assets.errors import InvalidOperation

MAX_FIELDS = 100
MAX_NAME = 80
MAX_VALUE = 2000
_ALLOWED_CONTROLS = str.maketrans("", "", "\n\t")  # deleted before the printable check

Fields = tuple[tuple[str, str], ...]  # sorted (name, value) pairs: hashable, order-free


@functools.lru_cache(maxsize=4096)  # every row of a file repeats the same names
def field_name(raw: str, where: str) -> str:
    name = raw.strip()
    if not name:
        raise InvalidOperation(where, "a custom field needs a name")
    if len(name) > MAX_NAME:
        raise InvalidOperation(where, f"a field name is at most {MAX_NAME} characters")
    if not name.isprintable():
        raise InvalidOperation(where, "the field name contains control characters")
    return name


def field_value(raw: str, where: str) -> str:
    """The value, stripped, with CR LF and lone CR made LF."""
    value = raw.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(value) > MAX_VALUE:
        raise InvalidOperation(where, f"is longer than {MAX_VALUE} characters")
    if not value.isprintable() and not value.translate(_ALLOWED_CONTROLS).isprintable():
        raise InvalidOperation(where, "contains control characters (NUL, escape ...): retype it")
    return value


def parse_fields(raw: object, where: str = "fields") -> Fields:
    """An object of text values -> sorted pairs; empty values are dropped (no value = no field).
    Two names that differ only in letter case are refused: they would read as one column."""
    if raw is None:
        return ()
    if not isinstance(raw, Mapping):
        raise InvalidOperation(where, "must be an object of text values")
    if len(raw) > MAX_FIELDS:
        raise InvalidOperation(where, f"has more than {MAX_FIELDS} custom fields")
    out: dict[str, str] = {}
    folded: set[str] = set()
    for name, value in raw.items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise InvalidOperation(where, "must be an object of text values")
        clean = field_name(name, f"{where}.{name[:40]}")
        if clean.casefold() in folded:
            raise InvalidOperation(f"{where}.{clean[:40]}", "is given twice")
        folded.add(clean.casefold())
        text = field_value(value, f"{where}.{clean[:40]}")
        if text:
            out[clean] = text
    return tuple(sorted(out.items()))


def search_text(value: str) -> str:
    """How a value is stored for search: case-folded, cut to the indexed width."""
    return value.casefold()[:200]
