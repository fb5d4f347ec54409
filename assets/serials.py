"""Manufacturer serials on device labels: shape hints (Dell, HP, Lenovo, Apple), the Lenovo `1S`
product barcode, and ISO/IEC 15434 envelopes with ANSI MH10.8.2 data identifiers.

Shapes are hints, never certainties: a 7-character code may be a Dell service tag or anything
else. They help a technician confirm what they scanned; nothing decides on them alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

# Dell service tags: 7 of 0-9 and consonants (commonly described as vowel-free).
_DELL = re.compile(r"[0-9B-DF-HJ-NP-TV-Z]{7}")
# HP serials: 10 characters opening with a country/plant code.
HP_PLANT_CODES = frozenset(
    {"CND", "CNU", "CNF", "CNG", "CNC", "CNH", "CZC", "5CG", "5CD", "5CB", "8CG", "8CC", "4CE",
     "2CE", "2UA", "MXL", "MXQ", "MXJ", "SGH", "VNB", "VNC", "BRG", "JPB", "TWC"}
)  # fmt: skip
_HP = re.compile(r"([0-9A-Z]{3})[0-9A-Z]{7}")
# Lenovo PC serials: 8 characters with a known opening (ThinkPad PF/PC/R9..., ThinkCentre MJ/S...).
LENOVO_PREFIXES = (
    "PF",
    "PC",
    "PB",
    "PG",
    "PW",
    "PX",
    "PZ",
    "MP",
    "MJ",
    "MZ",
    "R9",
    "R8",
    "L3",
    "S",
)
_LENOVO = re.compile(r"[0-9A-Z]{8}")
# Lenovo product barcode: `1S` + machine type model (7 or 10) + serial (8).
_LENOVO_1S = re.compile(r"1S([0-9A-Z]{4})([0-9A-Z]{3}|[0-9A-Z]{6})([0-9A-Z]{8})")
# Apple: 12 characters (to 2020: plant, year, week, unit, model) or 10 random ones (2021 on).
_APPLE_YEAR = "CDFGHJKLMNPQRSTVWXYZ"
_APPLE_12 = re.compile(rf"[0-9A-Z]{{3}}[{_APPLE_YEAR}][0-9A-HJ-NP-Z]{{8}}")
_APPLE_10 = re.compile(r"[0-9B-DF-HJ-NP-TV-Z]{10}")
# What a serial may look like at all: letters, digits and a few inner separators.
_SERIAL = re.compile(r"[0-9A-Za-z](?:[0-9A-Za-z\-./_]{0,62}[0-9A-Za-z])?")

DELL_SERVICE_TAG = "Dell service tag"
HP_SERIAL = "HP serial"
LENOVO_SERIAL = "Lenovo serial"
APPLE_SERIAL = "Apple serial"


def _letters_and_digits(text: str) -> bool:
    return any(c.isdigit() for c in text) and any(c.isalpha() for c in text)


def dell_express_service_code(service_tag: str) -> str:
    """The Express Service Code Dell's phone support asks for: the tag read in base 36."""
    return str(int(service_tag, 36))


def serial_hints(text: str) -> tuple[str, ...]:
    """Which manufacturers' serial shapes `text` fits, most specific first."""
    hints: list[str] = []
    if _HP.fullmatch(text) and text[:3] in HP_PLANT_CODES and _letters_and_digits(text):
        hints.append(HP_SERIAL)
    if _LENOVO.fullmatch(text) and text.startswith(LENOVO_PREFIXES) and _letters_and_digits(text):
        hints.append(LENOVO_SERIAL)
    if _DELL.fullmatch(text) and _letters_and_digits(text):
        hints.append(DELL_SERVICE_TAG)
    # The 10-character Apple shape is too generic to add once a more specific one matched.
    apple = _APPLE_12.fullmatch(text) or (_APPLE_10.fullmatch(text) and not hints)
    if apple and _letters_and_digits(text):
        hints.append(APPLE_SERIAL)
    return tuple(hints)


def serial_fields(text: str) -> dict[str, str]:
    """Fields for a serial: the serial itself, and Dell's express service code when it fits."""
    fields = {"serial": text}
    if DELL_SERVICE_TAG in serial_hints(text):
        fields["dell_express_service_code"] = dell_express_service_code(text)
    return fields


def looks_like_serial(text: str, *, plain_symbology: bool) -> bool:
    """Whether `text` could be a serial number.

    From a symbology device labels use for bare serials (Code39, Code128, DataMatrix ...) any
    alphanumeric run could be one; from a QR code or typed text it must hold a digit, since
    plain words are more likely notes than serials.
    """
    if not text.isascii() or not _SERIAL.fullmatch(text) or len(text) < 4:
        return False
    return plain_symbology or any(c.isdigit() for c in text)


def read_lenovo_product_code(text: str) -> dict[str, str] | None:
    """Fields of Lenovo's `1S{machine type}{model}{serial}` product barcode, or None."""
    match = _LENOVO_1S.fullmatch(text)
    if match is None:
        return None
    machine_type, model, serial = match.groups()
    return {"machine_type": machine_type, "model": model, "serial": serial}


# ISO/IEC 15434: `[)>` RS, then formats `{NN}` GS data... RS, ended by EOT.
RS, GS, EOT = "\x1e", "\x1d", "\x04"
ENVELOPE_HEADER = "[)>" + RS

# ANSI MH10.8.2 data identifiers seen on IT hardware labels, and the field each fills.
DATA_IDENTIFIERS: Mapping[str, str] = MappingProxyType(
    {"S": "serial", "1P": "part_number", "P": "customer_part_number", "1T": "lot",
     "Q": "quantity", "4L": "country_of_origin", "10D": "date_code", "2P": "revision",
     "25S": "unique_item_id", "12V": "manufacturer_id", "V": "supplier_id", "1K": "order_number"}
)  # fmt: skip
_IDENTIFIER = re.compile(r"(\d{0,3}[A-Z])(.*)", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Envelope:
    """The content of an ISO/IEC 15434 envelope: one format code and its data elements."""

    format: str  # "05" (GS1 AIs) or "06" (data identifiers); others are kept raw
    data: str  # the format's data with GS separators, ready for the GS1 parser when "05"
    fields: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    problem: str | None = None


def read_envelope(text: str) -> Envelope | None:
    """Read the first format of an ISO/IEC 15434 envelope, or None when `text` is not one."""
    if not text.startswith(ENVELOPE_HEADER):
        return None
    body = text[len(ENVELOPE_HEADER) :].rstrip(EOT)
    problem = None if text.endswith(EOT) else "label data is cut short (no end of transmission)"
    first = body.split(RS, 1)[0]
    code, _, data = first.partition(GS)
    if code != "06":
        return Envelope(code, data, problem=problem)
    fields: dict[str, str] = {}
    for element in filter(None, data.split(GS)):
        match = _IDENTIFIER.fullmatch(element)
        name = DATA_IDENTIFIERS.get(match.group(1)) if match else None
        if match is None or name is None:
            fields.setdefault("unrecognised", element)
            continue
        fields.setdefault(name, match.group(2))
    return Envelope(code, data, MappingProxyType(fields), problem)
