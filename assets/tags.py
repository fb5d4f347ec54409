"""TagTrail's own tags (asset, location, pallet) and the resolution of any scanned payload.

A tag reads `{prefix}-{number}-{check}`, e.g. `TA-0001234-K`: a configurable prefix per kind, a
zero-padded number and an ISO 7064 MOD 37,36 check character over prefix and digits. Scans may
arrive lowercase or without hyphens (wedge scanners, hand typing); they are canonicalised.

`resolve` says what a payload is. It never raises: whatever comes off a camera, a keyboard
wedge or a user's fingers gets a `Resolution` whose `kind` is one of `RESOLUTION_KINDS`:

| kind             | label                      | key                  | main fields               |
|------------------|----------------------------|----------------------|---------------------------|
| asset_tag        | TagTrail asset tag         | `asset:TA-0001234-4` | tag, tag_kind, number,    |
| location_tag     | TagTrail location tag      | `location:TL-…`      |   source (text or url)    |
| pallet_tag       | TagTrail pallet tag        | `pallet:TP-…`        |                           |
| invalid_tag      | Damaged TagTrail tag       | None                 | tag_kind, source; problem |
| foreign_itam_url | Label of another ITAM tool | None                 | tool, host, asset_id/_tag |
| gs1              | GS1 barcode                | None                 | gtin, serial, batch, date |
| gs1_digital_link | GS1 Digital Link           | None                 | as gs1, plus url, host    |
| ean_upc          | Retail product code        | None                 | gtin, symbology, upc_a    |
| serial           | Manufacturer serial        | None                 | serial, part_number …     |
| url              | Web link                   | None                 | url, host                 |
| unknown          | Unrecognised code          | None                 | problem when unreadable   |

A TagTrail tag read from one of the configured URL bases resolves to the tag's own kind, with
`fields["source"] == "url"`. `problem` is None when the reading can be used as it is; otherwise
it is a short sentence for the technician (a wrong check character never yields a valid tag).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from urllib.parse import parse_qsl, unquote, urlsplit

from assets import gs1, serials
from assets.checksums import mod37_36_check
from assets.errors import InvalidTag
from assets.vocabulary import Choice, Vocabulary

TAG_KINDS = ("asset", "location", "pallet")
MAX_PAYLOAD_CHARS = 4096  # above any real tag; a full QR of text is about 4300 characters

RESOLUTION_KINDS: Vocabulary = Vocabulary(
    "scan resolution",
    (
        Choice("asset_tag", "TagTrail asset tag", "#2e7d32", "An asset label printed by TagTrail"),
        Choice("location_tag", "TagTrail location tag", "#1565c0", "A shelf, room or site label"),
        Choice("pallet_tag", "TagTrail pallet tag", "#6a1b9a", "A pallet or gaylord label"),
        Choice("invalid_tag", "Damaged TagTrail tag", "#c62828", "Looks like ours, fails a check"),
        Choice("foreign_itam_url", "Label of another ITAM tool", "#00838f", "Snipe-IT, Shelf…"),
        Choice("gs1", "GS1 barcode", "#ef6c00", "GTIN, SSCC, serial, batch and dates"),
        Choice("gs1_digital_link", "GS1 Digital Link", "#ef6c00", "A web link carrying GS1 data"),
        Choice("ean_upc", "Retail product code", "#795548", "EAN-13, EAN-8, UPC-A, UPC-E"),
        Choice("serial", "Manufacturer serial", "#455a64", "A serial number or service tag"),
        Choice("url", "Web link", "#546e7a", "A link TagTrail does not know"),
        Choice("unknown", "Unrecognised code", "#9e9e9e", "Can be claimed by a new asset"),
    ),
)

CHECK_MISMATCH = "check character does not match — retype or rescan"


@dataclass(frozen=True)
class TagConfig:
    """How this deployment prints its tags; frozen so it can key caches of compiled patterns."""

    prefixes: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType({"asset": "TA", "location": "TL", "pallet": "TP"}),
        hash=False,
    )
    url_bases: tuple[str, ...] = ("https://tagtrail.local/t/",)
    number_width: int = 7
    # GS1 dates carry two-digit years; the app (which may read a clock) passes today's year.
    reference_year: int | None = None

    def __post_init__(self) -> None:
        prefixes = {kind: str(prefix).upper() for kind, prefix in dict(self.prefixes).items()}
        if sorted(prefixes) != sorted(TAG_KINDS):
            raise InvalidTag(f"tag prefixes are needed for exactly {', '.join(TAG_KINDS)}")
        for prefix in prefixes.values():
            if not re.fullmatch(r"[A-Z]{1,6}", prefix):
                raise InvalidTag(f"tag prefix '{prefix}' must be 1 to 6 letters")
        if len(set(prefixes.values())) != len(prefixes):
            raise InvalidTag("each tag kind needs its own prefix")
        if not 1 <= self.number_width <= 12:
            raise InvalidTag("tag number width must be between 1 and 12 digits")
        if not self.url_bases or not all(
            base.lower().startswith(("http://", "https://")) for base in self.url_bases
        ):
            raise InvalidTag("tag URL bases must be one or more http(s) addresses")
        if self.reference_year is not None and not 1900 <= self.reference_year <= 9999:
            raise InvalidTag("the GS1 reference year must be a four-digit year")
        object.__setattr__(self, "prefixes", MappingProxyType(prefixes))
        object.__setattr__(self, "url_bases", tuple(self.url_bases))

    def __hash__(self) -> int:
        prefixes = tuple(sorted(self.prefixes.items()))
        return hash((prefixes, self.url_bases, self.number_width, self.reference_year))

    def kind_of(self, prefix: str) -> str | None:
        """The tag kind a prefix stands for, or None."""
        for kind, known in self.prefixes.items():
            if known == prefix.upper():
                return kind
        return None


DEFAULT_TAG_CONFIG = TagConfig()


def check_character(text: str) -> str:
    """The MOD 37,36 check character of a tag body such as `TA0001234` (hyphens ignored)."""
    return mod37_36_check(text.replace("-", "").upper())


def make_tag(kind: str, number: int, config: TagConfig = DEFAULT_TAG_CONFIG) -> str:
    """The printed text of tag `number` of `kind`, e.g. `make_tag("asset", 1234)`."""
    if kind not in config.prefixes:
        raise InvalidTag(f"unknown tag kind '{kind}': use one of {', '.join(TAG_KINDS)}")
    if isinstance(number, bool) or not isinstance(number, int):
        raise InvalidTag("a tag number must be a whole number")
    if not 0 <= number < 10**config.number_width:
        raise InvalidTag(f"tag numbers run from 0 to {10**config.number_width - 1}")
    prefix = config.prefixes[kind]
    digits = f"{number:0{config.number_width}d}"
    return f"{prefix}-{digits}-{check_character(prefix + digits)}"


def tag_url(tag: str, config: TagConfig = DEFAULT_TAG_CONFIG) -> str:
    """The link printed in a tag's QR code: the first URL base and the canonical tag."""
    found = _match_tag(tag.strip(), config)
    if found is None or found.problem is not None:
        raise InvalidTag(f"'{tag}' is not a valid TagTrail tag")
    return config.url_bases[0] + found.tag


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a scanned payload is. See the module docstring for the table of kinds."""

    kind: str
    payload: str
    key: str | None = None
    fields: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    hints: tuple[str, ...] = ()
    problem: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields", MappingProxyType(dict(self.fields)))

    @property
    def label(self) -> str:
        return RESOLUTION_KINDS.label(self.kind)

    @property
    def ok(self) -> bool:
        """True when the reading can be used as it is."""
        return self.problem is None

    @property
    def is_tagtrail_tag(self) -> bool:
        return self.key is not None


# --- TagTrail tags ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _TagMatch:
    kind: str
    tag: str  # canonical text
    number: int
    problem: str | None


@dataclass(frozen=True, slots=True)
class _TagPatterns:
    full: re.Pattern[str]  # prefix, number, check; hyphens or spaces optional
    wrong_width: re.Pattern[str]  # hyphenated, but the number has the wrong width
    no_check: re.Pattern[str]  # prefix and number without a check character


@lru_cache(maxsize=16)
def _patterns(config: TagConfig) -> _TagPatterns:
    prefixes = "|".join(sorted(config.prefixes.values(), key=len, reverse=True))
    flags = re.IGNORECASE | re.ASCII
    width = config.number_width
    prefix, digits, check = (
        rf"(?P<prefix>{prefixes})",
        rf"(?P<digits>\d{{{width}}})",
        "(?P<check>[0-9A-Z])",
    )
    return _TagPatterns(
        re.compile(rf"{prefix}[-\s]?{digits}[-\s]?{check}", flags),
        re.compile(rf"{prefix}-(?P<digits>\d{{1,12}})-{check}", flags),
        re.compile(rf"{prefix}-?{digits}", flags),
    )


def _match_tag(text: str, config: TagConfig) -> _TagMatch | None:
    """Read `text` as a TagTrail tag; None when it does not look like one at all."""
    patterns = _patterns(config)
    match = patterns.full.fullmatch(text)
    if match is not None:
        prefix, digits = match["prefix"].upper(), match["digits"]
        kind = config.kind_of(prefix) or ""
        check = match["check"].upper()
        tag = f"{prefix}-{digits}-{check}"
        problem = None if check_character(prefix + digits) == check else CHECK_MISMATCH
        return _TagMatch(kind, tag, int(digits), problem)
    for pattern, problem in (
        (patterns.wrong_width, f"tag number must have {config.number_width} digits — retype"),
        (patterns.no_check, "check character missing — type the whole tag"),
    ):
        match = pattern.fullmatch(text)
        if match is not None:
            kind = config.kind_of(match["prefix"]) or ""
            return _TagMatch(kind, text.upper(), int(match["digits"]), problem)
    return None


def _tag_resolution(text: str, found: _TagMatch, source: str) -> Resolution:
    hints = ("TagTrail link",) if source == "url" else ()
    if found.problem is not None:
        fields = {"tag_kind": found.kind, "source": source}
        return Resolution("invalid_tag", text, None, fields, hints, found.problem)
    fields = {
        "tag": found.tag,
        "tag_kind": found.kind,
        "number": str(found.number),
        "source": source,
    }
    return Resolution(f"{found.kind}_tag", text, f"{found.kind}:{found.tag}", fields, hints)


# --- links ------------------------------------------------------------------------------------


def _tagtrail_link(text: str, config: TagConfig) -> Resolution | None:
    lowered = text.lower()
    for base in config.url_bases:
        if lowered.startswith(base.lower()):
            rest = re.split(r"[?#]", text[len(base) :], maxsplit=1)[0]
            found = _match_tag(unquote(rest).strip("/ "), config)
            if found is None:
                fields = {"url": text, "source": "url"}
                problem = "TagTrail link without a readable tag — rescan"
                return Resolution("invalid_tag", text, None, fields, ("TagTrail link",), problem)
            return _tag_resolution(text, found, "url")
    return None


def _foreign_itam(host: str, segments: list[str], query: str) -> dict[str, str] | None:
    """The tool and asset identity of another ITAM product's label link, or None."""
    for index, segment in enumerate(segments[:-1]):
        following = segments[index + 1]
        if segment == "hardware" and following.isascii() and following.isdigit():
            return {"tool": "Snipe-IT", "asset_id": following}
        if segment == "ht" and index + 2 == len(segments):
            return {"tool": "Snipe-IT", "asset_tag": following}  # Snipe-IT's by-tag route
    if host == "shelf.nu" or host.endswith(".shelf.nu"):
        if len(segments) >= 2 and segments[0] == "qr":
            return {"tool": "Shelf", "qr_id": segments[1]}
        if len(segments) >= 2 and segments[0] == "assets":
            return {"tool": "Shelf", "asset_id": segments[1]}
    if len(segments) >= 2 and segments[-2] == "front" and segments[-1].endswith(".form.php"):
        item_id = dict(parse_qsl(query)).get("id", "")
        if item_id.isascii() and item_id.isdigit():
            item_type = segments[-1].removesuffix(".form.php")
            return {"tool": "GLPI", "item_type": item_type, "asset_id": item_id}
    return None


def _resolve_url(text: str, config: TagConfig) -> Resolution | None:
    """Resolve a payload that is a URL; None when it is not one."""
    if not re.match(r"[A-Za-z][A-Za-z0-9+.\-]*://", text):
        return None
    own = _tagtrail_link(text, config)
    if own is not None:
        return own
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower()
    except ValueError:
        return Resolution("unknown", text, problem="link is malformed")
    if parts.scheme.lower() not in ("http", "https") or not host:
        return Resolution("unknown", text, hints=(f"{parts.scheme} link",))
    link = gs1.parse_digital_link(text, config.reference_year)
    if link is not None:
        hints = link.hints + _gs1_serial_hints(link.fields)
        fields = {**link.fields, "url": text, "host": host}
        return Resolution("gs1_digital_link", text, None, fields, hints, link.problem)
    segments = [unquote(segment) for segment in parts.path.split("/") if segment]
    foreign = _foreign_itam(host, segments, parts.query)
    if foreign is not None:
        fields = {**foreign, "host": host, "url": text}
        return Resolution("foreign_itam_url", text, None, fields, (foreign["tool"],))
    return Resolution("url", text, None, {"url": text, "host": host})


# --- GS1, retail codes, serials ---------------------------------------------------------------


def _gs1_serial_hints(fields: Mapping[str, str]) -> tuple[str, ...]:
    serial = fields.get("serial")
    return serials.serial_hints(serial.upper()) if serial else ()


def _gs1_resolution(text: str, data: gs1.Gs1Data, hints: tuple[str, ...] = ()) -> Resolution:
    all_hints = tuple(dict.fromkeys(hints + data.hints + _gs1_serial_hints(data.fields)))
    return Resolution("gs1", text, None, data.fields, all_hints, data.problem)


def _envelope_resolution(text: str, config: TagConfig) -> Resolution | None:
    envelope = serials.read_envelope(text)
    if envelope is None:
        return None
    hint = "ISO/IEC 15434 label"
    if envelope.format == "05":
        data = gs1.parse_element_string(envelope.data, config.reference_year)
        problem = data.problem or envelope.problem
        return _gs1_resolution(text, gs1.Gs1Data(data.elements, data.fields, problem), (hint,))
    if envelope.format == "06" and "serial" in envelope.fields:
        hints = (hint, *serials.serial_hints(envelope.fields["serial"].upper()))
        return Resolution("serial", text, None, envelope.fields, hints, envelope.problem)
    problem = envelope.problem or f"label format {envelope.format!r} holds no serial"
    return Resolution("unknown", text, None, envelope.fields, (hint,), problem)


def _resolve_digits(text: str, symbology: str | None) -> Resolution | None:
    retail = gs1.read_retail(text, symbology)
    if retail is not None:
        fields = {"gtin": retail.gtin, "symbology": retail.symbology}
        if retail.upc_a:
            fields["upc_a"] = retail.upc_a
        if retail.addon:
            fields["addon"] = retail.addon
        return Resolution("ean_upc", text, None, fields, retail.hints, retail.problem)
    if symbology in ("ean13", "ean8", "upca", "upce"):
        name = {"ean13": "EAN-13", "ean8": "EAN-8", "upca": "UPC-A", "upce": "UPC-E"}[symbology]
        return Resolution("unknown", text, problem=f"not a valid {name} number — rescan")
    return None


def _unmarked_gs1(text: str, config: TagConfig) -> Resolution | None:
    """GS1 data whose FNC1 marker was lost (a wedge scanner that drops it): accept it only
    when it opens with a GS1 key and parses cleanly, check digits included."""
    if len(text) < 16 or text[:2] not in ("00", "01", "02") or not text[:16].isascii():
        return None
    data = gs1.parse_element_string(text, config.reference_year)
    if data.problem is not None:
        return None
    return _gs1_resolution(text, data, ("GS1 data without its FNC1 marker",))


def _resolve_serial(text: str, symbology: str | None) -> Resolution | None:
    lenovo = serials.read_lenovo_product_code(text.upper())
    if lenovo is not None:
        lenovo_hints = (
            "Lenovo product barcode (1S + machine type + serial)",
            serials.LENOVO_SERIAL,
        )
        return Resolution("serial", text, None, lenovo, lenovo_hints)
    plain = symbology in _PLAIN_SERIAL_SYMBOLOGIES
    if not serials.looks_like_serial(text, plain_symbology=plain):
        return None
    upper = text.upper()
    hints: tuple[str, ...] = serials.serial_hints(upper)
    fields = serials.serial_fields(upper)
    fields["serial"] = text
    if not hints and upper.startswith("S") and serials.serial_hints(upper[1:]):
        # ANSI data identifier `S` printed in front of the serial on many device labels.
        hints = ("serial with an 'S' data identifier", *serials.serial_hints(upper[1:]))
        fields = {**serials.serial_fields(upper[1:]), "serial": text[1:]}
    return Resolution("serial", text, None, fields, hints)


# --- cleaning the payload ---------------------------------------------------------------------

# Whitespace, the Enter/Tab a wedge scanner sends, STX/ETX framing, NUL padding and a BOM.
_EDGE_CHARACTERS = " \t\r\n\x0b\x0c\x00\x02\x03\x85\u00a0\u2028\u2029\ufeff"
_SYMBOLOGY_IDENTIFIER = re.compile(r"\](?P<code>[A-Za-z])(?P<modifier>[0-9A-Za-z])")
_GS1_IDENTIFIERS = frozenset({"C1", "e0", "e1", "e2", "d2", "Q3", "Q4", "J1"})
_IDENTIFIER_SYMBOLOGY: Mapping[str, str] = MappingProxyType(
    {"E": "ean13", "A": "code39", "C": "code128", "I": "itf", "Q": "qr", "d": "datamatrix",
     "L": "pdf417"}
)  # fmt: skip
_SYMBOLOGY_ALIASES: Mapping[str, str] = MappingProxyType(
    {"qr": "qr", "qrcode": "qr", "microqr": "qr", "microqrcode": "qr", "datamatrix": "datamatrix",
     "code128": "code128", "code39": "code39", "code93": "code93", "codabar": "codabar",
     "ean13": "ean13", "ean8": "ean8", "upca": "upca", "upce": "upce", "itf": "itf",
     "itf14": "itf", "i25": "itf", "interleaved2of5": "itf", "pdf417": "pdf417",
     "gs1128": "code128", "gs1datamatrix": "datamatrix", "gs1qr": "qr", "gs1qrcode": "qr",
     "databar": "databar", "gs1databar": "databar", "databarexpanded": "databar",
     "rss14": "databar"}
)  # fmt: skip
_GS1_SYMBOLOGY_NAMES = frozenset(
    {"gs1128", "gs1datamatrix", "gs1qr", "gs1qrcode", "databar", "gs1databar", "databarexpanded"}
)
# Symbologies that often carry a bare serial (device labels), unlike QR codes and typed text.
_PLAIN_SERIAL_SYMBOLOGIES = frozenset(
    {"code39", "code128", "code93", "codabar", "itf", "datamatrix", "pdf417"}
)


def _symbology(name: str | None) -> tuple[str | None, bool]:
    """Normalise a scanner's symbology name (zxing-cpp, pyzbar, ours) and tell if it is GS1."""
    if not isinstance(name, str):
        return None, False
    squashed = re.sub(r"[^a-z0-9]", "", name.lower())
    return _SYMBOLOGY_ALIASES.get(squashed), squashed in _GS1_SYMBOLOGY_NAMES


def _decode(payload: object) -> tuple[str, str | None]:
    """Text of the payload and a problem that stops resolution, if any."""
    if isinstance(payload, bytes | bytearray | memoryview):
        raw = bytes(payload[: MAX_PAYLOAD_CHARS * 4 + 4])
        if len(payload) > MAX_PAYLOAD_CHARS * 4:
            return _preview(raw.decode("utf-8", "replace")), "payload too long"
        try:
            payload = raw.decode("utf-8")
        except UnicodeDecodeError:
            return _preview(raw.decode("utf-8", "replace")), "not valid UTF-8 — check the scanner"
    if not isinstance(payload, str):
        return "", "not text"
    if len(payload) > MAX_PAYLOAD_CHARS:
        return _preview(payload), "payload too long"
    return payload, None


def _preview(text: str) -> str:
    return text[:64] + ("…" if len(text) > 64 else "")


def _bad_controls(text: str) -> bool:
    """Control, format or surrogate characters other than the separators labels use."""
    allowed = {gs1.GS}
    if text.startswith(serials.ENVELOPE_HEADER):
        allowed |= {serials.RS, serials.EOT}
    return any(
        not (" " <= character <= "~")
        and character not in allowed
        and unicodedata.category(character) in ("Cc", "Cf", "Cs")
        for character in text
    )


# --- resolution -------------------------------------------------------------------------------


def resolve(
    payload: str | bytes,
    symbology: str | None = None,
    config: TagConfig = DEFAULT_TAG_CONFIG,
) -> Resolution:
    """Say what a scanned payload is. Never raises, whatever the payload."""
    try:
        return resolve_strictly(payload, symbology, config)
    except Exception:  # a last guard for the scan loop; the property tests run without it
        return Resolution("unknown", "", problem="could not read this code — rescan")


def resolve_strictly(
    payload: str | bytes,
    symbology: str | None = None,
    config: TagConfig = DEFAULT_TAG_CONFIG,
) -> Resolution:
    """`resolve` without its last-resort guard, so tests can prove no path needs the guard."""
    text, problem = _decode(payload)
    if problem is not None:
        return Resolution("unknown", text, problem=problem)
    name, gs1_marked = _symbology(symbology)
    text = text.strip(_EDGE_CHARACTERS)
    identifier = _SYMBOLOGY_IDENTIFIER.match(text)
    if identifier is not None:
        # A leading `]Cm` AIM identifier says which symbology and whether the data is GS1.
        text = text[identifier.end() :]
        gs1_marked |= identifier["code"] + identifier["modifier"] in _GS1_IDENTIFIERS
        if name is None:
            name = _IDENTIFIER_SYMBOLOGY.get(identifier["code"])
            if identifier["code"] == "E" and identifier["modifier"] == "4":
                name = "ean8"
    if name in (None, "code39") and len(text) > 2 and text[0] == text[-1] == "*":
        text = text[1:-1]  # Code39 start/stop characters some wedge scanners pass through
    if not text.strip(gs1.GS):
        return Resolution("unknown", text, problem="nothing was scanned")
    if _bad_controls(text):
        shown = "".join(c if c.isprintable() else "�" for c in text)
        return Resolution("unknown", shown, problem="contains control characters — check scanner")
    return _classify(text, name, gs1_marked, config)


def _classify(text: str, name: str | None, gs1_marked: bool, config: TagConfig) -> Resolution:
    envelope = _envelope_resolution(text, config)
    if envelope is not None:
        return envelope
    if gs1_marked or gs1.GS in text:
        data = gs1.parse_element_string(text.strip(gs1.GS), config.reference_year)
        if data.elements:
            return _gs1_resolution(text, data)
        if gs1_marked:
            return Resolution("unknown", text, problem=f"marked as GS1 but {data.problem}")
    if text.startswith("(") and re.match(r"\(\d{2,4}\)", text):
        return _gs1_resolution(text, gs1.parse_bracketed(text, config.reference_year))
    found = _resolve_url(text, config)
    if found is None:
        tag = _match_tag(text, config)
        found = _tag_resolution(text, tag, "text") if tag is not None else None
    if found is None and text.isascii() and text.isdigit():
        found = _resolve_digits(text, name)
    if found is None and name not in ("qr", "pdf417"):
        found = _unmarked_gs1(text, config)
    return found or _resolve_serial(text, name) or Resolution("unknown", text)
