"""TagTrail tags and payload resolution: a table of real-world payload shapes, then properties."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assets.errors import AssetsError, InvalidTag
from assets.tags import (
    CHECK_MISMATCH,
    DEFAULT_TAG_CONFIG,
    RESOLUTION_KINDS,
    Resolution,
    TagConfig,
    check_character,
    make_tag,
    resolve,
    resolve_strictly,
    tag_url,
)

ASSET = "TA-0001234-4"  # make_tag("asset", 1234)
LOCATION = "TL-0000042-X"  # make_tag("location", 42)
PALLET = "TP-9999999-U"  # make_tag("pallet", 9_999_999)
GS = "\x1d"
ENVELOPE = "[)>\x1e"


@dataclass(frozen=True)
class Case:
    payload: str | bytes
    symbology: str | None
    kind: str
    key: str | None = None
    fields: dict[str, str] = field(default_factory=dict)  # must be a subset of the result's
    problem: str | None = None  # substring of the expected problem; None means no problem
    hints: tuple[str, ...] = ()  # must all be among the result's hints


CASES: dict[str, Case] = {
    # --- TagTrail's own tags ---
    "asset tag, Code128": Case(ASSET, "Code128", "asset_tag", f"asset:{ASSET}", {"tag": ASSET, "number": "1234", "source": "text"}),
    "asset tag, lowercase typed": Case("ta-0001234-4", None, "asset_tag", f"asset:{ASSET}"),
    "asset tag, no hyphens": Case("TA00012344", None, "asset_tag", f"asset:{ASSET}"),
    "asset tag, lowercase no hyphens": Case("ta00012344", None, "asset_tag", f"asset:{ASSET}"),
    "asset tag, wedge Enter": Case(ASSET + "\r\n", None, "asset_tag", f"asset:{ASSET}"),
    "asset tag, wedge Tab and indent": Case("\t " + ASSET + "\t", None, "asset_tag", f"asset:{ASSET}"),
    "asset tag, spaces for hyphens": Case("TA 0001234 4", None, "asset_tag", f"asset:{ASSET}"),
    "asset tag, STX/ETX framing": Case("\x02" + ASSET + "\x03", None, "asset_tag", f"asset:{ASSET}"),
    "asset tag, BOM": Case("\ufeff" + ASSET, None, "asset_tag", f"asset:{ASSET}"),
    "asset tag, bytes with CRLF": Case((ASSET + "\r\n").encode(), None, "asset_tag", f"asset:{ASSET}"),
    "asset tag, AIM identifier ]C0": Case("]C0" + ASSET, None, "asset_tag", f"asset:{ASSET}"),
    "location tag, QR": Case(LOCATION, "QR", "location_tag", f"location:{LOCATION}", {"tag_kind": "location", "number": "42"}),
    "location tag, typed lowercase": Case("tl0000042x", None, "location_tag", f"location:{LOCATION}"),
    "pallet tag, Code39": Case(PALLET, "Code39", "pallet_tag", f"pallet:{PALLET}"),
    "pallet tag, Code39 start/stop kept": Case(f"*{PALLET}*", "Code39", "pallet_tag", f"pallet:{PALLET}"),
    "tag, substituted check": Case("TA-0001234-5", None, "invalid_tag", None, {"tag_kind": "asset"}, CHECK_MISMATCH),
    "tag, transposed digits": Case("TA-0001243-4", "Code128", "invalid_tag", None, {}, CHECK_MISMATCH),
    "tag, wrong digit": Case("TL-0000043-X", None, "invalid_tag", None, {"tag_kind": "location"}, CHECK_MISMATCH),
    "tag, short number": Case("TA-1234-4", None, "invalid_tag", None, {}, "7 digits"),
    "tag, missing check": Case("TA-0001234", None, "invalid_tag", None, {}, "check character missing"),
    "tag, foreign prefix": Case("TX-0001234-4", "Code128", "serial", None, {"serial": "TX-0001234-4"}),
    # --- TagTrail links ---
    "tag link, QR": Case(f"https://tagtrail.local/t/{ASSET}", "QR", "asset_tag", f"asset:{ASSET}", {"source": "url"}, hints=("TagTrail link",)),
    "tag link, shouting, query": Case("HTTPS://TAGTRAIL.LOCAL/t/ta00012344?src=print", "QR", "asset_tag", f"asset:{ASSET}", {"source": "url"}),
    "tag link, trailing slash": Case(f"https://tagtrail.local/t/{LOCATION}/", "QR", "location_tag", f"location:{LOCATION}"),
    "tag link, escaped hyphens": Case("https://tagtrail.local/t/TP%2D9999999%2DU", "QR", "pallet_tag", f"pallet:{PALLET}"),
    "tag link, bad check": Case("https://tagtrail.local/t/TA-0001234-5", "QR", "invalid_tag", None, {"source": "url"}, CHECK_MISMATCH),
    "tag link, no tag": Case("https://tagtrail.local/t/", "QR", "invalid_tag", None, {}, "without a readable tag"),
    # --- GS1 element strings ---
    "GS1 DataMatrix ]d2": Case(f"]d2010950600013435217290100{GS}10ABC123{GS}21SN0001", "DataMatrix", "gs1", None, {"gtin": "09506000134352", "expiry_date": "2029-01-31", "batch": "ABC123", "serial": "SN0001"}),
    "GS1 leading FNC1 as GS": Case(f"{GS}0109506000134352{GS}21XYZ", "DataMatrix", "gs1", None, {"gtin": "09506000134352", "serial": "XYZ"}),
    "GS1-128 symbology name": Case(f"0109506000134352240DOCK-7{GS}21A1", "GS1-128", "gs1", None, {"additional_id": "DOCK-7", "serial": "A1"}),
    "GS1 bracketed HRI": Case("(01)09506000134352(17)290101(10)AB-12(21)12345", None, "gs1", None, {"gtin": "09506000134352", "expiry_date": "2029-01-01", "batch": "AB-12", "serial": "12345"}),
    "GS1 bracketed with spaces": Case("(01) 09506000134352 (21) 7788", "Code128", "gs1", None, {"serial": "7788"}),
    "SSCC bracketed": Case("(00)106141411234567897", None, "gs1", None, {"sscc": "106141411234567897"}),
    "SSCC GS1-128 ]C1": Case("]C100106141411234567897", None, "gs1", None, {"sscc": "106141411234567897"}),
    "SSCC wrong check digit": Case("(00)106141411234567890", None, "gs1", None, {}, "SSCC check digit wrong"),
    "GTIN wrong check digit": Case("(01)09506000134353", None, "gs1", None, {}, "GTIN check digit wrong"),
    "GS1 short GTIN": Case("]C1011234567890123", None, "gs1", None, {}, "needs 14 characters"),
    "GS1 without FNC1, net weight": Case("01095060001343523103001250", "Code128", "gs1", None, {"net_weight_kg": "1.250"}, hints=("GS1 data without its FNC1 marker",)),
    "GS1 production date + AI 240": Case("]C1010950600013435211240215240DOCK-01", None, "gs1", None, {"production_date": "2024-02-15", "additional_id": "DOCK-01"}),
    "GS1 GLN + extension": Case("(414)9521321000018(254)DOCK3", None, "gs1", None, {"gln": "9521321000018", "gln_extension": "DOCK3"}),
    "GS1 net weight lb": Case("(01)09506000134352(3202)000510", None, "gs1", None, {"net_weight_lb": "5.10"}),
    "GS1 content + count + order": Case("(02)09506000134352(37)12(400)PO-7788", None, "gs1", None, {"content_gtin": "09506000134352", "count": "12", "order_number": "PO-7788"}),
    "GS1 impossible date": Case("(01)09506000134352(17)291301", None, "gs1", None, {}, "not a valid date"),
    "GS1 serial that is a Lenovo serial": Case("(01)09506000134352(21)PF1ABCDE", None, "gs1", None, {"serial": "PF1ABCDE"}, hints=("Lenovo serial",)),
    "GS1 GIAI asset id": Case("(8004)0614141ASSET-0042", None, "gs1", None, {"giai": "0614141ASSET-0042"}),
    "GS1 GRAI with serial": Case("(8003)00614141000128ABC", None, "gs1", None, {"grai": "00614141000128ABC"}),
    "GS1 secondary serial, customer part": Case("(250)SEC123(241)CUST-9", None, "gs1", None, {"secondary_serial": "SEC123", "customer_part_number": "CUST-9"}),
    "GS1 marked but garbage": Case("]d2zzzz", None, "unknown", None, {}, "marked as GS1"),
    # --- GS1 Digital Link ---
    "Digital Link id.gs1.org": Case("https://id.gs1.org/01/09506000134352/10/ABC/21/XYZ?17=290101", "QR", "gs1_digital_link", None, {"gtin": "09506000134352", "batch": "ABC", "serial": "XYZ", "expiry_date": "2029-01-01", "host": "id.gs1.org"}),
    "Digital Link brand host, GTIN-13, prefix path": Case("https://brand.example.com/products/01/9506000134352/21/7788?linkType=gs1:pip", "QR", "gs1_digital_link", None, {"gtin": "09506000134352", "serial": "7788"}),
    "Digital Link SSCC": Case("https://id.gs1.org/00/106141411234567897", "QR", "gs1_digital_link", None, {"sscc": "106141411234567897"}),
    "Digital Link bad GTIN": Case("https://id.gs1.org/01/09506000134353", "QR", "gs1_digital_link", None, {}, "GTIN check digit wrong"),
    "Digital Link short names": Case("https://example.com/gtin/09506000134352/ser/ABC", "QR", "gs1_digital_link", None, {"serial": "ABC"}),
    "Digital Link GLN": Case("https://id.gs1.org/414/9521321000018/254/DOCK3", "QR", "gs1_digital_link", None, {"gln": "9521321000018", "gln_extension": "DOCK3"}),
    "Digital Link weight in query": Case("https://id.gs1.org/01/09506000134352?3103=000195", "QR", "gs1_digital_link", None, {"net_weight_kg": "0.195"}),
    # --- other ITAM tools ---
    "Snipe-IT hardware": Case("https://snipe.example.org/hardware/1337", "QR", "foreign_itam_url", None, {"tool": "Snipe-IT", "asset_id": "1337", "host": "snipe.example.org"}),
    "Snipe-IT under a subpath": Case("https://assets.corp.example/snipe/hardware/88/checkout", "QR", "foreign_itam_url", None, {"tool": "Snipe-IT", "asset_id": "88"}),
    "Snipe-IT by tag": Case("https://snipe.example.org/ht/ASSET-00042", "QR", "foreign_itam_url", None, {"tool": "Snipe-IT", "asset_tag": "ASSET-00042"}),
    "Shelf QR": Case("https://app.shelf.nu/qr/clq4x0m3b0001l208abcdefgh", "QR", "foreign_itam_url", None, {"tool": "Shelf", "qr_id": "clq4x0m3b0001l208abcdefgh"}),
    "GLPI computer": Case("https://glpi.example.org/front/computer.form.php?id=1234", "QR", "foreign_itam_url", None, {"tool": "GLPI", "item_type": "computer", "asset_id": "1234"}),
    # --- links and text ---
    "support link": Case("https://www.dell.com/support/home/en-us/product-support/servicetag/JG2NKF2", "QR", "url", None, {"host": "www.dell.com"}),
    "bare http link": Case("http://example.com", "QR", "url", None, {"host": "example.com"}),
    "ftp link": Case("ftp://files.example.com/x", "QR", "unknown"),
    "Wi-Fi QR": Case("WIFI:S:guest;T:WPA;P:secret;;", "QR", "unknown"),
    "sentence": Case("Hello, world!", "QR", "unknown"),
    "word from a QR": Case("ABCDEF", "QR", "unknown"),
    # --- retail codes ---
    "EAN-13": Case("4006381333931", "EAN-13", "ean_upc", None, {"gtin": "04006381333931", "symbology": "EAN-13"}),
    "EAN-13 wrong check": Case("4006381333932", "EAN-13", "ean_upc", None, {}, "EAN-13 check digit wrong"),
    "EAN-13 from a wedge": Case("4006381333931\r", None, "ean_upc", None, {"gtin": "04006381333931"}),
    "EAN-13 AIM ]E0": Case("]E04006381333931", None, "ean_upc", None, {"symbology": "EAN-13"}),
    "EAN-8": Case("96385074", "EAN-8", "ean_upc", None, {"gtin": "00000096385074", "symbology": "EAN-8"}),
    "UPC-A": Case("036000291452", "UPC-A", "ean_upc", None, {"gtin": "00036000291452", "symbology": "UPC-A"}),
    "UPC-A in EAN-13 form": Case("0036000291452", "UPC-A", "ean_upc", None, {"gtin": "00036000291452", "symbology": "UPC-A"}),
    "UPC-A wrong check": Case("123456789013", "UPC-A", "ean_upc", None, {}, "UPC-A check digit wrong"),
    "UPC-E 8 digits": Case("04252614", "UPC-E", "ean_upc", None, {"upc_a": "042100005264", "gtin": "00042100005264"}),
    "UPC-E 6 digits": Case("425261", "UPC-E", "ean_upc", None, {"upc_a": "042100005264"}),
    "ISBN": Case("9780306406157", "EAN-13", "ean_upc", None, {}, hints=("ISBN (Bookland EAN)",)),
    "ISBN with 5-digit add-on": Case("978030640615751299", "EAN-13", "ean_upc", None, {"addon": "51299"}),
    "ITF-14 carton": Case("10012345678902", "ITF", "ean_upc", None, {"gtin": "10012345678902", "symbology": "ITF-14"}),
    "EAN-13 symbology, wrong length": Case("12345", "EAN-13", "unknown", None, {}, "not a valid EAN-13"),
    "digits failing every check": Case("123456789013", None, "serial", None, {"serial": "123456789013"}),
    # --- manufacturer serials ---
    "HP notebook serial": Case("CND1234ABC", "Code128", "serial", None, {"serial": "CND1234ABC"}, hints=("HP serial",)),
    "HP 5CG serial": Case("5CG7281MXY", "Code39", "serial", None, {}, hints=("HP serial",)),
    "HP desktop serial": Case("MXL4210ZQB", "Code39", "serial", None, {}, hints=("HP serial",)),
    "Lenovo ThinkPad serial": Case("PF1ABCDE", "Code39", "serial", None, {"serial": "PF1ABCDE"}, hints=("Lenovo serial",)),
    "Lenovo R9 serial": Case("R90HX3K2", None, "serial", None, {}, hints=("Lenovo serial",)),
    "Lenovo 1S product barcode": Case("1S20L5CTO1WWPF1ABCDE", "Code128", "serial", None, {"machine_type": "20L5", "model": "CTO1WW", "serial": "PF1ABCDE"}),
    "Dell service tag": Case("JG2NKF2", "Code39", "serial", None, {"serial": "JG2NKF2", "dell_express_service_code": "42330781982"}, hints=("Dell service tag",)),
    "Apple 12-character serial": Case("C02XL0GUJGH5", "Code128", "serial", None, {}, hints=("Apple serial",)),
    "Apple 10-character serial": Case("H4XQ7Y3J2K", "DataMatrix", "serial", None, {}, hints=("Apple serial",)),
    "serial behind S identifier": Case("SPF1ABCDE", "Code39", "serial", None, {"serial": "PF1ABCDE"}, hints=("Lenovo serial",)),
    "ISO 15434 data identifiers": Case(f"{ENVELOPE}06{GS}S5CG7281MXY{GS}1P4XY12UT#ABA\x1e\x04", "DataMatrix", "serial", None, {"serial": "5CG7281MXY", "part_number": "4XY12UT#ABA"}, hints=("HP serial",)),
    "ISO 15434 GS1 format": Case(f"{ENVELOPE}05{GS}0109506000134352{GS}21XYZ\x1e\x04", "DataMatrix", "gs1", None, {"gtin": "09506000134352", "serial": "XYZ"}),
    "ISO 15434 cut short": Case(f"{ENVELOPE}06{GS}SABC123", "DataMatrix", "serial", None, {"serial": "ABC123"}, "cut short"),
    "plain asset serial": Case("SN-2024-000123", "Code128", "serial", None, {"serial": "SN-2024-000123"}),
    "letters-only Code39": Case("ABCDEF", "Code39", "serial", None, {"serial": "ABCDEF"}),
    "pyzbar symbology name": Case("PF1ABCDE", "CODE39", "serial", None, {}, hints=("Lenovo serial",)),
    # --- hardening ---
    "not UTF-8": Case(b"\xff\xfeTA", None, "unknown", None, {}, "not valid UTF-8"),
    "10 kB of text": Case("x" * 10_240, "QR", "unknown", None, {}, "too long"),
    "10 kB of bytes": Case(b"x" * 10_240, "QR", "unknown", None, {}, "too long"),
    "bell inside": Case("TA-00\x0712344", None, "unknown", None, {}, "control characters"),
    "NUL inside": Case("TA-0001234\x00-4", None, "unknown", None, {}, "control characters"),
    "zero-width space": Case(ASSET + "\u200b", None, "unknown", None, {}, "control characters"),
    "empty": Case("", None, "unknown", None, {}, "nothing was scanned"),
    "only whitespace": Case("   \r\n", None, "unknown", None, {}, "nothing was scanned"),
    "only GS": Case(GS + GS, "DataMatrix", "unknown", None, {}, "nothing was scanned"),
    "Arabic-Indic digits": Case("١٢٣٤٥٦٧٨", None, "unknown"),
    "tag with Arabic-Indic digits": Case("TA-٠٠٠١٢٣٤-4", None, "unknown"),
    "unknown symbology name": Case(ASSET, "Aztec", "asset_tag", f"asset:{ASSET}"),
}  # fmt: skip


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_resolve_payload_shapes(case: Case) -> None:
    result = resolve(case.payload, case.symbology)
    assert result.kind == case.kind, result
    assert result.kind in RESOLUTION_KINDS
    assert result.key == case.key, result
    for name, value in case.fields.items():
        assert result.fields.get(name) == value, (name, result)
    if case.problem is None:
        assert result.problem is None, result
    else:
        assert result.problem is not None and case.problem in result.problem, result
    assert set(case.hints) <= set(result.hints), result


def test_enough_real_world_shapes() -> None:
    assert len(CASES) >= 40


def test_tag_keys_are_only_given_to_valid_tags() -> None:
    for case in CASES.values():
        result = resolve(case.payload, case.symbology)
        assert (result.key is not None) == (result.kind.endswith("_tag") and result.ok)


def test_payload_is_cleaned_text() -> None:
    assert resolve(f"  {ASSET}\r\n").payload == ASSET
    assert resolve(f"*{PALLET}*", "Code39").payload == PALLET
    too_long = resolve("y" * 10_240)
    assert len(too_long.payload) <= 65


def test_resolution_is_frozen_and_hashable() -> None:
    result = resolve(ASSET)
    with pytest.raises(AttributeError):
        result.kind = "unknown"  # type: ignore[misc]
    with pytest.raises(TypeError):
        result.fields["tag"] = "x"  # type: ignore[index]
    copy = Resolution(**_as_kwargs(result))  # type: ignore[arg-type]
    assert copy == result and hash(copy) == hash(result)
    assert result.label == "TagTrail asset tag"


def _as_kwargs(result: Resolution) -> dict[str, object]:
    return {
        "kind": result.kind,
        "payload": result.payload,
        "key": result.key,
        "fields": dict(result.fields),
        "hints": result.hints,
        "problem": result.problem,
    }


def test_too_long_payload_is_refused_quickly() -> None:
    payload = "0" * 10_240
    start = time.perf_counter()
    for _ in range(100):
        assert resolve(payload).problem == "payload too long"
    assert time.perf_counter() - start < 0.5  # generous: it measures a few microseconds each


# --- building tags ----------------------------------------------------------------------------


def test_make_tag_and_check_character() -> None:
    assert make_tag("asset", 1234) == ASSET
    assert make_tag("location", 42) == LOCATION
    assert make_tag("pallet", 9_999_999) == PALLET
    assert check_character("TA0001234") == "4"
    assert check_character("ta-0001234") == "4"


@pytest.mark.parametrize(
    ("kind", "number", "message"),
    [
        ("bin", 1, "unknown tag kind"),
        ("asset", -1, "run from 0"),
        ("asset", 10_000_000, "run from 0"),
        ("asset", True, "whole number"),
        ("asset", 1.5, "whole number"),
    ],
)
def test_make_tag_refuses_bad_parts(kind: str, number: int, message: str) -> None:
    with pytest.raises(InvalidTag, match=message) as raised:
        make_tag(kind, number)
    assert isinstance(raised.value, AssetsError)


def test_check_character_refuses_characters_outside_its_alphabet() -> None:
    with pytest.raises(InvalidTag, match="check alphabet"):
        check_character("TA_0001")


def test_tag_url_canonicalises() -> None:
    assert tag_url("ta00012344") == f"https://tagtrail.local/t/{ASSET}"
    with pytest.raises(InvalidTag):
        tag_url("TA-0001234-5")
    with pytest.raises(InvalidTag):
        tag_url("hello")


def test_custom_config() -> None:
    config = TagConfig(
        prefixes={"asset": "acme", "location": "LOC", "pallet": "P"},
        url_bases=("https://assets.acme.example/tag/", "https://old.acme.example/t/"),
        number_width=6,
    )
    tag = make_tag("asset", 77, config)
    assert tag.startswith("ACME-000077-")
    assert tag_url(tag, config) == f"https://assets.acme.example/tag/{tag}"
    assert resolve(tag.lower().replace("-", ""), None, config).key == f"asset:{tag}"
    old_link = resolve(f"https://old.acme.example/t/{tag}", "QR", config)
    assert old_link.kind == "asset_tag" and old_link.fields["source"] == "url"
    pallet = make_tag("pallet", 5, config)
    assert resolve(pallet, None, config).kind == "pallet_tag"
    # The default prefixes mean nothing under this configuration.
    assert resolve(ASSET, "Code128", config).kind == "serial"
    assert resolve(tag).kind != "asset_tag"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"prefixes": {"asset": "TA", "location": "TL"}}, "exactly"),
        ({"prefixes": {"asset": "T1", "location": "TL", "pallet": "TP"}}, "letters"),
        ({"prefixes": {"asset": "TA", "location": "TA", "pallet": "TP"}}, "own prefix"),
        ({"number_width": 0}, "width"),
        ({"url_bases": ()}, "URL bases"),
        ({"url_bases": ("tagtrail.local/t/",)}, "URL bases"),
        ({"reference_year": 26}, "four-digit year"),
    ],
)
def test_config_refuses_bad_settings(arguments: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidTag, match=message):
        TagConfig(**arguments)  # type: ignore[arg-type]


def test_config_is_hashable_and_read_only() -> None:
    assert hash(TagConfig()) == hash(DEFAULT_TAG_CONFIG)
    assert TagConfig() == DEFAULT_TAG_CONFIG
    with pytest.raises(TypeError):
        DEFAULT_TAG_CONFIG.prefixes["asset"] = "XX"  # type: ignore[index]


def test_reference_year_moves_the_gs1_century() -> None:
    payload = "(01)09506000134352(17)991231"
    assert resolve(payload).fields["expiry_date"] == "2099-12-31"
    config = TagConfig(reference_year=2026)
    assert resolve(payload, None, config).fields["expiry_date"] == "1999-12-31"


# --- properties -------------------------------------------------------------------------------

_FRAGMENTS = st.sampled_from(
    ["(01)", "(17)", "(8003)", "(", ")", GS, "\x1e", "\x04", "[)>\x1e06", "]C1", "]d2", "]E0",
     "https://", "tagtrail.local/t/", "id.gs1.org", "/01/", "/hardware/", "?17=", "%", "%2",
     "TA-", "TL", "-", "0001234", "4", "09506000134352", "S", "1S", "*", "\r\n", "\x00",
     "\ufeff", "\ud800", "٣", "[", "]", ":", "/"]
)  # fmt: skip
_SYMBOLOGIES = st.sampled_from(
    [None, "QR", "DataMatrix", "Code128", "Code39", "EAN-13", "EAN-8", "UPC-A", "UPC-E",
     "ITF", "PDF417", "GS1-128", "nonsense"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(payload=st.text(max_size=300), symbology=_SYMBOLOGIES)
def test_resolve_never_raises_on_text(payload: str, symbology: str | None) -> None:
    result = resolve_strictly(payload, symbology)
    assert result.kind in RESOLUTION_KINDS


@settings(max_examples=300, deadline=None)
@given(payload=st.binary(max_size=300), symbology=_SYMBOLOGIES)
def test_resolve_never_raises_on_bytes(payload: bytes, symbology: str | None) -> None:
    assert resolve_strictly(payload, symbology).kind in RESOLUTION_KINDS


@settings(max_examples=600, deadline=None)
@given(
    parts=st.lists(st.one_of(_FRAGMENTS, st.text(max_size=4)), max_size=12), symbology=_SYMBOLOGIES
)
def test_resolve_never_raises_on_tag_like_text(parts: list[str], symbology: str | None) -> None:
    # Fragments of real payload shapes reach the deep paths random text rarely finds.
    result = resolve_strictly("".join(parts), symbology)
    assert result.kind in RESOLUTION_KINDS
    if result.key is not None:
        assert result.problem is None and result.kind.endswith("_tag")


_KINDS = st.sampled_from(["asset", "location", "pallet"])
_VALID_TAG_KINDS = ("asset_tag", "location_tag", "pallet_tag")
_NUMBERS = st.integers(min_value=0, max_value=9_999_999)


@settings(max_examples=200, deadline=None)
@given(kind=_KINDS, number=_NUMBERS)
def test_made_tags_resolve_to_their_key(kind: str, number: int) -> None:
    tag = make_tag(kind, number)
    for text in (tag, tag.lower(), tag.replace("-", ""), tag_url(tag)):
        assert resolve(text, "QR").key == f"{kind}:{tag}"


@settings(max_examples=300, deadline=None)
@given(
    kind=_KINDS,
    number=_NUMBERS,
    position=st.integers(min_value=0, max_value=9),
    replacement=st.sampled_from("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
)
def test_any_single_substitution_is_caught(
    kind: str, number: int, position: int, replacement: str
) -> None:
    compact = make_tag(kind, number).replace("-", "")  # e.g. TA00012344: 2 + 7 + 1 characters
    if compact[position] == replacement:
        return
    typo = compact[:position] + replacement + compact[position + 1 :]
    result = resolve(typo)
    # MOD 37,36 catches every single substitution, in the prefix too (TA -> TL stays refused).
    assert result.kind not in _VALID_TAG_KINDS and result.key is None
    if position == 9 or (position >= 2 and replacement.isdigit()):  # still tag-shaped
        assert result.kind == "invalid_tag"
        assert result.problem == CHECK_MISMATCH


def test_adjacent_transpositions_are_nearly_always_caught() -> None:
    # ISO 7064 hybrid systems catch every single substitution but not quite every adjacent
    # transposition: measured over swaps of two different digits, about 0.5 % slip through.
    rng = random.Random(7064)
    caught = total = 0
    for _ in range(3000):
        tag = make_tag(rng.choice(["asset", "location", "pallet"]), rng.randrange(10_000_000))
        compact = tag.replace("-", "")
        for position in range(2, 8):
            if compact[position] == compact[position + 1]:
                continue
            chars = list(compact)
            chars[position], chars[position + 1] = chars[position + 1], chars[position]
            total += 1
            caught += resolve("".join(chars)).kind == "invalid_tag"
    assert caught / total > 0.99
