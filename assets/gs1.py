"""GS1 data on scanned labels: the Application Identifier (AI) table, element strings in their
FNC1/GS-separated and parenthesised forms, and GS1 Digital Link URLs.

Everything is table-driven: an AI's length, character set, check digit and meaning live in
`AI_TABLE`, and parsing consults nothing else. Results carry a `problem` rather than raising,
because a bad label must be shown to the technician, not crash the scan loop.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Literal
from urllib.parse import parse_qsl, unquote, urlsplit

from assets.checksums import gs1_check_digit, gs1_check_valid

GS = "\x1d"  # how decoders transmit FNC1 as a field separator

Charset = Literal["N", "X"]  # N: digits; X: GS1 character set 82
ValueKind = Literal["text", "date", "decimal", "count", "grai"]

# GS1 character set 82: the characters an alphanumeric AI value may hold.
CSET82 = frozenset(
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
)


@dataclass(frozen=True, slots=True)
class AiSpec:
    """One Application Identifier: how its value is shaped and the field name it fills."""

    ai: str
    field: str  # key of the value in Resolution.fields
    title: str  # the GS1 data title, as printed on labels
    length: int  # exact length when `fixed`, maximum length otherwise
    fixed: bool
    charset: Charset = "X"
    check_digit: bool = False
    kind: ValueKind = "text"
    decimals: int = 0  # for measures: digits after the decimal point (the AI's last digit)


def _key(ai: str, field: str, title: str, length: int) -> AiSpec:
    return AiSpec(ai, field, title, length, fixed=True, charset="N", check_digit=True)


def _text(ai: str, field: str, title: str, max_length: int) -> AiSpec:
    return AiSpec(ai, field, title, max_length, fixed=False)


def _date(ai: str, field: str, title: str) -> AiSpec:
    return AiSpec(ai, field, title, 6, fixed=True, charset="N", kind="date")


def _count(ai: str, field: str, title: str) -> AiSpec:
    return AiSpec(ai, field, title, 8, fixed=False, charset="N", kind="count")


def _measures(family: str, field: str, title: str) -> tuple[AiSpec, ...]:
    # 310n and friends: six digits with n implied decimals.
    return tuple(
        AiSpec(f"{family}{n}", field, title, 6, True, "N", kind="decimal", decimals=n)
        for n in range(6)
    )


_SPECS: tuple[AiSpec, ...] = (
    _key("00", "sscc", "SSCC", 18),
    _key("01", "gtin", "GTIN", 14),
    _key("02", "content_gtin", "CONTENT", 14),
    _text("10", "batch", "BATCH/LOT", 20),
    _date("11", "production_date", "PROD DATE"),
    _date("12", "due_date", "DUE DATE"),
    _date("13", "packaging_date", "PACK DATE"),
    _date("15", "best_before_date", "BEST BEFORE"),
    _date("16", "sell_by_date", "SELL BY"),
    _date("17", "expiry_date", "USE BY"),
    AiSpec("20", "variant", "VARIANT", 2, fixed=True, charset="N"),
    _text("21", "serial", "SERIAL", 20),
    _text("22", "consumer_product_variant", "CPV", 20),
    _text("235", "third_party_serial", "TPX", 28),
    _text("240", "additional_id", "ADDITIONAL ID", 30),
    _text("241", "customer_part_number", "CUST. PART No.", 30),
    AiSpec("242", "made_to_order_variant", "MTO VARIANT", 6, fixed=False, charset="N"),
    _text("243", "packaging_component", "PCN", 20),
    _text("250", "secondary_serial", "SECONDARY SERIAL", 30),
    _text("251", "source_reference", "REF. TO SOURCE", 30),
    _text("254", "gln_extension", "GLN EXTENSION COMPONENT", 20),
    _count("30", "variable_count", "VAR. COUNT"),
    *_measures("310", "net_weight_kg", "NET WEIGHT (kg)"),
    *_measures("320", "net_weight_lb", "NET WEIGHT (lb)"),
    *_measures("330", "gross_weight_kg", "GROSS WEIGHT (kg)"),
    *_measures("340", "gross_weight_lb", "GROSS WEIGHT (lb)"),
    _count("37", "count", "COUNT"),
    _text("400", "order_number", "ORDER NUMBER", 30),
    _text("401", "consignment_number", "GINC", 30),
    _key("402", "shipment_id", "GSIN", 17),
    _text("403", "routing_code", "ROUTE", 30),
    _key("410", "ship_to_gln", "SHIP TO LOC", 13),
    _key("411", "bill_to_gln", "BILL TO", 13),
    _key("412", "purchased_from_gln", "PURCHASE FROM", 13),
    _key("413", "ship_for_gln", "SHIP FOR LOC", 13),
    _key("414", "gln", "LOC No.", 13),
    _key("415", "pay_to_gln", "PAY TO", 13),
    _key("416", "production_gln", "PROD/SERV LOC", 13),
    _text("420", "ship_to_postal_code", "SHIP TO POST", 20),
    AiSpec("422", "country_of_origin", "ORIGIN", 3, fixed=True, charset="N"),
    # GRAI: a filler 0, a 13-digit key with its check digit, then an optional serial.
    AiSpec("8003", "grai", "GRAI", 30, fixed=False, charset="X", kind="grai"),
    _text("8004", "giai", "GIAI", 30),
    _text("90", "internal_90", "INTERNAL", 30),
    *(_text(str(ai), f"internal_{ai}", "INTERNAL", 90) for ai in range(91, 100)),
)

AI_TABLE: Mapping[str, AiSpec] = MappingProxyType({spec.ai: spec for spec in _SPECS})

# Digital Link: the keys that may open a path, and the short names of older Digital Link URIs.
DIGITAL_LINK_PRIMARY_KEYS = frozenset({"00", "01", "401", "402", "414", "8003", "8004"})
_DIGITAL_LINK_ALIASES: Mapping[str, str] = MappingProxyType(
    {"gtin": "01", "cpv": "22", "lot": "10", "ser": "21", "sscc": "00", "gln": "414",
     "glnx": "254", "giai": "8004", "grai": "8003", "ginc": "401", "gsin": "402", "exp": "17"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Gs1Element:
    """One AI and its raw value. `spec` is None for an AI the table does not hold."""

    ai: str
    value: str
    spec: AiSpec | None


@dataclass(frozen=True, slots=True)
class Gs1Data:
    """Parsed GS1 data: the elements in order, their readable fields, and the first problem."""

    elements: tuple[Gs1Element, ...]
    fields: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    problem: str | None = None
    hints: tuple[str, ...] = ()

    @property
    def element_string(self) -> str:
        """The canonical human-readable form, e.g. `(01)09506000134352(21)ABC`."""
        return "".join(f"({element.ai}){element.value}" for element in self.elements)


def match_ai(text: str, position: int = 0) -> AiSpec | None:
    """The AI starting at `position`, trying 2, 3 then 4 digits (GS1 AIs are prefix-free)."""
    for width in (2, 3, 4):
        spec = AI_TABLE.get(text[position : position + width])
        if spec is not None:
            return spec
    return None


def gs1_date(yymmdd: str, reference_year: int | None = None) -> date | None:
    """A GS1 YYMMDD date; DD=00 means the last day of the month. None when not a date.

    The century follows GS1's sliding window around `reference_year` (49 years back, 50
    ahead). Without one, the year is 20YY: the core reads no clock, so a caller that
    knows today's year passes it.
    """
    if len(yymmdd) != 6 or not yymmdd.isascii() or not yymmdd.isdigit():
        return None
    yy, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:])
    if reference_year is None:
        year = 2000 + yy
    else:
        century = reference_year - reference_year % 100
        difference = yy - reference_year % 100
        if difference >= 51:
            century -= 100
        elif difference <= -50:
            century += 100
        year = century + yy
    if not 1 <= month <= 12 or not 1 <= year <= 9999:
        return None
    last_day = calendar.monthrange(year, month)[1]
    if day == 0:
        day = last_day
    if day > last_day:
        return None
    return date(year, month, day)


def _value_problem(element: Gs1Element) -> str | None:
    """What is wrong with one element's value, in words a technician can act on."""
    spec, value = element.spec, element.value
    label = f"AI ({element.ai})"
    if spec is None:
        return None if value and all(c in CSET82 for c in value) else f"{label} is malformed"
    if not value:
        return f"{label} {spec.title} is empty"
    if spec.fixed and len(value) != spec.length:
        return f"{label} {spec.title} needs {spec.length} characters, has {len(value)}"
    if len(value) > spec.length:
        return f"{label} {spec.title} is longer than {spec.length} characters"
    if spec.charset == "N" and not (value.isascii() and value.isdigit()):
        return f"{label} {spec.title} must be digits only"
    if spec.charset == "X" and not all(c in CSET82 for c in value):
        return f"{label} {spec.title} holds characters GS1 does not allow"
    if spec.check_digit and not gs1_check_valid(value):
        return f"{spec.title} check digit wrong — rescan or check the label"
    if spec.kind == "grai" and not (
        len(value) >= 14
        and value[0] == "0"
        and gs1_check_valid(value[1:14])
        and len(value) - 14 <= 16
    ):
        return f"{label} GRAI is malformed or its check digit is wrong"
    return None


def _readable(element: Gs1Element, reference_year: int | None) -> str | None:
    """The value as it goes into Resolution.fields: ISO dates, decimal measures, plain counts."""
    spec = element.spec
    if spec is None or spec.kind in ("text", "grai"):
        return element.value
    if spec.kind == "date":
        parsed = gs1_date(element.value, reference_year)
        return parsed.isoformat() if parsed else None
    if spec.kind == "decimal":
        return str(Decimal(element.value).scaleb(-spec.decimals))
    return str(int(element.value))


def read_elements(
    elements: Iterable[Gs1Element],
    reference_year: int | None = None,
    problem: str | None = None,
    hints: tuple[str, ...] = (),
) -> Gs1Data:
    """Validate elements and turn them into readable fields; keeps the first problem found."""
    items = tuple(elements)
    fields: dict[str, str] = {}
    extra_hints = list(hints)
    for element in items:
        found = _value_problem(element)
        readable = None if found else _readable(element, reference_year)
        if found is None and readable is None:
            found = f"AI ({element.ai}) {element.value} is not a valid date"
        problem = problem or found
        name = element.spec.field if element.spec else f"ai_{element.ai}"
        if element.spec is None:
            extra_hints.append(f"AI ({element.ai}) is not in TagTrail's table")
        if name in fields and fields[name] != (readable or element.value):
            problem = problem or f"AI ({element.ai}) appears twice with different values"
        fields.setdefault(name, readable if readable is not None else element.value)
    if not items:
        problem = problem or "no GS1 data found"
    fields["element_string"] = "".join(f"({element.ai}){element.value}" for element in items)
    return Gs1Data(items, MappingProxyType(fields), problem, tuple(dict.fromkeys(extra_hints)))


def parse_element_string(text: str, reference_year: int | None = None) -> Gs1Data:
    """Parse AIs written back to back, variable-length ones ended by GS (FNC1) or the end.

    A fixed-length AI needs no separator, but a GS after one is tolerated (some printers add it).
    """
    elements: list[Gs1Element] = []
    position = 0
    while position < len(text):
        if text[position] == GS:
            position += 1
            continue
        spec = match_ai(text, position)
        if spec is None:
            return read_elements(
                elements,
                reference_year,
                f"unknown GS1 Application Identifier at '{text[position : position + 4]}'",
            )
        start = position + len(spec.ai)
        if spec.fixed:
            end = start + spec.length
            separator = text.find(GS, start, end)
            end = separator if separator >= 0 else min(end, len(text))
        else:
            separator = text.find(GS, start)
            end = separator if separator >= 0 else len(text)
        elements.append(Gs1Element(spec.ai, text[start:end], spec))
        position = end
    return read_elements(elements, reference_year)


_BRACKETED_AI = re.compile(r"\((\d{2,4})\)")


def parse_bracketed(text: str, reference_year: int | None = None) -> Gs1Data:
    """Parse the human-readable form `(01)09506000134352(17)290100(10)AB-12`."""
    markers = list(_BRACKETED_AI.finditer(text))
    if not markers or markers[0].start() != 0:
        return read_elements((), reference_year, "GS1 text must start with an AI in brackets")
    elements = []
    for marker, following in zip(markers, [*markers[1:], None], strict=True):
        end = following.start() if following else len(text)
        value = text[marker.end() : end].strip(" ")
        ai = marker.group(1)
        elements.append(Gs1Element(ai, value, AI_TABLE.get(ai)))
    return read_elements(elements, reference_year)


def _digital_link_element(name: str, value: str) -> Gs1Element | None:
    ai = _DIGITAL_LINK_ALIASES.get(name.lower(), name)
    spec = AI_TABLE.get(ai)
    if spec is None:
        return None
    if ai == "01" and value.isascii() and value.isdigit() and len(value) in (8, 12, 13):
        value = value.zfill(14)  # Digital Link accepts GTIN-8/12/13 and means the GTIN-14
    return Gs1Element(ai, value, spec)


def _plausible_primary(element: Gs1Element) -> bool:
    """Whether a path pair looks like a GS1 key at all (else the URL is an ordinary link)."""
    if element.spec is None or element.ai not in DIGITAL_LINK_PRIMARY_KEYS:
        return False
    value = element.value
    if element.spec.charset == "N" and not (value.isascii() and value.isdigit()):
        return False
    return len(value) == element.spec.length if element.spec.fixed else bool(value)


def parse_digital_link(url: str, reference_year: int | None = None) -> Gs1Data | None:
    """Parse a GS1 Digital Link URI on any host; None when the URL holds no GS1 key.

    Path: optional custom prefix, then `/{primary AI}/{key}` and key qualifiers as pairs;
    query: further AIs by number (`?17=290101&3103=000195`). Other query parameters (linkType,
    context) are not GS1 data and are ignored.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    segments = [unquote(segment) for segment in parts.path.split("/") if segment]
    for start in range(len(segments) - 1):
        primary = _digital_link_element(segments[start], segments[start + 1])
        if primary is not None and _plausible_primary(primary):
            break
    else:
        return None
    elements: list[Gs1Element] = []
    problem = None
    path = segments[start:]
    if len(path) % 2:
        problem = f"Digital Link path ends with '{path[-1]}' and no value"
    for index in range(0, len(path) - 1, 2):
        element = _digital_link_element(path[index], path[index + 1])
        if element is None:
            problem = problem or f"'{path[index]}' in the Digital Link path is not a GS1 AI"
            break
        elements.append(element)
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        element = _digital_link_element(name, value) if name.isascii() else None
        if element is not None and (name.isdigit() or name.lower() in _DIGITAL_LINK_ALIASES):
            elements.append(element)
    return read_elements(elements, reference_year, problem, ("GS1 Digital Link",))


# Retail symbols: EAN-13, EAN-8, UPC-A, UPC-E and ITF-14 all carry a GTIN.


@dataclass(frozen=True, slots=True)
class RetailCode:
    """A retail barcode read as a GTIN. `problem` is set when the check digit is wrong."""

    symbology: str  # EAN-13, EAN-8, UPC-A, UPC-E, ITF-14 or GTIN-14
    digits: str  # as scanned (UPC-E: the 8-digit form)
    gtin: str  # the GTIN-14 the symbol stands for
    problem: str | None = None
    upc_a: str | None = None  # UPC-E only: its expansion
    addon: str | None = None  # a 2- or 5-digit supplement (periodicals, books)

    @property
    def hints(self) -> tuple[str, ...]:
        gtin13 = self.gtin[1:]
        if gtin13.startswith(("978", "979")):
            return ("ISBN (Bookland EAN)",)
        if gtin13.startswith("977"):
            return ("ISSN (periodical)",)
        if gtin13[:2] in {f"{n:02d}" for n in range(20, 30)} or gtin13.startswith("02"):
            return ("in-store number (restricted circulation), not a product",)
        return ()


def expand_upc_e(digits: str) -> str | None:
    """The 11-digit UPC-A body (no check digit) of a UPC-E number system + six digits."""
    if len(digits) != 7 or not digits.isascii() or not digits.isdigit() or digits[0] not in "01":
        return None
    system, d = digits[0], digits[1:]
    last = d[5]
    if last in "012":
        body = d[0:2] + last + "0000" + d[2:5]
    elif last == "3":
        body = d[0:3] + "00000" + d[3:5]
    elif last == "4":
        body = d[0:4] + "00000" + d[4]
    else:
        body = d[0:5] + "0000" + last
    return system + body


def _retail(symbology: str, digits: str, gtin: str, **extra: str | None) -> RetailCode:
    problem = None if gs1_check_valid(gtin) else f"{symbology} check digit wrong — rescan"
    return RetailCode(symbology, digits, gtin, problem, **extra)


def _upc_e(digits: str) -> RetailCode | None:
    if len(digits) == 6:
        digits = "0" + digits  # decoders that drop the number system report 6 digits
    body = expand_upc_e(digits[:7])
    if body is None or len(digits) not in (7, 8):
        return None
    check = digits[7] if len(digits) == 8 else gs1_check_digit(body)
    scanned = digits[:7] + check
    return _retail("UPC-E", scanned, "00" + body + check, upc_a=body + gs1_check_digit(body))


# A retail symbology fixes the length; unmarked digits are read by their length alone.
_MARKED: Mapping[str, tuple[int, str]] = MappingProxyType(
    {"ean13": (13, "EAN-13"), "ean8": (8, "EAN-8"), "upca": (12, "UPC-A"), "itf": (14, "ITF-14")}
)
_UNMARKED: Mapping[int, str] = MappingProxyType(
    {8: "EAN-8", 12: "UPC-A", 13: "EAN-13", 14: "GTIN-14"}
)


def read_retail(digits: str, symbology: str | None = None) -> RetailCode | None:
    """Read all-digit `digits` as a retail GTIN, or None when it is not one.

    `symbology` is a normalised name (ean13, ean8, upca, upce, itf) or None/another. A retail
    symbology makes the reading definite, so a wrong check digit becomes a problem; without
    one only a valid check digit makes a digit string a GTIN (otherwise it may be a serial).
    """
    if not digits.isascii() or not digits.isdigit():
        return None
    if symbology == "upce":
        return _upc_e(digits)
    if symbology is None or symbology not in _MARKED:
        name = _UNMARKED.get(len(digits))
        if name is None or not gs1_check_valid(digits):
            return None
        return _retail(name, digits, digits.zfill(14))
    length, name = _MARKED[symbology]
    if symbology == "upca" and len(digits) in (13, 15, 18) and digits[0] == "0":
        digits = digits[1:]  # decoders that report UPC-A in its EAN-13 form
    addon = None
    if symbology != "itf" and len(digits) - length in (2, 5):
        digits, addon = digits[:length], digits[length:]
    if len(digits) != length:
        return None
    return _retail(name, digits, digits.zfill(14), addon=addon)
