"""GS1: the AI table, element strings, dates, Digital Link and retail symbols."""

from __future__ import annotations

from datetime import date

import pytest

from assets.gs1 import (
    AI_TABLE,
    GS,
    expand_upc_e,
    gs1_date,
    match_ai,
    parse_bracketed,
    parse_digital_link,
    parse_element_string,
    read_retail,
)

GTIN = "09506000134352"


def test_table_has_the_required_ais() -> None:
    for ai in ("00", "01", "02", "10", "11", "13", "15", "17", "21", "240", "241", "250",
               "30", "37", "400", "414", "3100", "3105", "3200", "3205"):  # fmt: skip
        assert ai in AI_TABLE, ai
    assert AI_TABLE["01"].fixed and AI_TABLE["01"].check_digit and AI_TABLE["01"].length == 14
    assert not AI_TABLE["10"].fixed and AI_TABLE["10"].length == 20
    assert AI_TABLE["3103"].decimals == 3


def test_ai_table_is_prefix_free() -> None:
    # Reading AIs without brackets relies on no AI being the start of another.
    for ai in AI_TABLE:
        for other in AI_TABLE:
            assert ai == other or not other.startswith(ai), (ai, other)


def test_match_ai() -> None:
    assert match_ai("3103000195") is AI_TABLE["3103"]
    assert match_ai("x0112", 1) is AI_TABLE["01"]
    assert match_ai("99") is AI_TABLE["99"]
    assert match_ai("05") is None


@pytest.mark.parametrize(
    ("yymmdd", "expected"),
    [
        ("240215", date(2024, 2, 15)),
        ("240200", date(2024, 2, 29)),  # DD=00: last day of the month, leap year
        ("250200", date(2025, 2, 29 - 1)),
        ("291200", date(2029, 12, 31)),
        ("241301", None),
        ("240230", None),
        ("24021", None),
        ("2402AB", None),
    ],
)
def test_gs1_date(yymmdd: str, expected: date | None) -> None:
    assert gs1_date(yymmdd) == expected


def test_gs1_date_sliding_window() -> None:
    # GS1 General Specifications 7.12: up to 49 years back, 50 ahead of the reference year.
    assert gs1_date("760101", 2026) == date(2076, 1, 1)
    assert gs1_date("770101", 2026) == date(1977, 1, 1)
    assert gs1_date("010101", 2090) == date(2101, 1, 1)
    assert gs1_date("410101", 2090) == date(2041, 1, 1)
    assert gs1_date("400101", 2090) == date(2140, 1, 1)  # 50 back is outside the window


def test_element_string_with_separators() -> None:
    data = parse_element_string(f"01{GTIN}10LOT-1{GS}17290100{GS}21S/N 1")
    assert data.problem == "AI (21) SERIAL holds characters GS1 does not allow"  # the space
    data = parse_element_string(f"01{GTIN}10LOT-1{GS}1729010021SN1")
    assert data.problem is None
    assert [(e.ai, e.value) for e in data.elements] == [
        ("01", GTIN), ("10", "LOT-1"), ("17", "290100"), ("21", "SN1"),
    ]  # fmt: skip
    assert data.element_string == f"(01){GTIN}(10)LOT-1(17)290100(21)SN1"
    assert data.fields["expiry_date"] == "2029-01-31"


def test_element_string_problems() -> None:
    assert parse_element_string("05123").problem is not None
    assert "unknown GS1" in (parse_element_string(f"01{GTIN}05X").problem or "")
    short = parse_element_string(f"01123{GS}21X")
    assert short.problem is not None and "needs 14" in short.problem
    long_batch = parse_element_string("10" + "A" * 21)
    assert long_batch.problem is not None and "longer than 20" in long_batch.problem
    twice = parse_element_string(f"21A{GS}21B")
    assert twice.problem == "AI (21) appears twice with different values"
    assert parse_element_string("").problem == "no GS1 data found"


def test_measures_and_counts() -> None:
    data = parse_bracketed("(3100)000012(3305)012345(3401)000100(37)0012(30)7")
    assert dict(data.fields) | {} == {
        "net_weight_kg": "12",
        "gross_weight_kg": "0.12345",
        "gross_weight_lb": "10.0",
        "count": "12",
        "variable_count": "7",
        "element_string": "(3100)000012(3305)012345(3401)000100(37)0012(30)7",
    }


def test_bracketed_unknown_ai_is_kept_with_a_hint() -> None:
    data = parse_bracketed(f"(01){GTIN}(7240)ABC")
    assert data.problem is None
    assert data.fields["ai_7240"] == "ABC"
    assert any("7240" in hint for hint in data.hints)
    assert parse_bracketed("01(21)X").problem is not None


def test_digital_link_variants() -> None:
    link = parse_digital_link(f"https://id.gs1.org/01/{GTIN}/22/V1/10/L%2F7/21/S1?17=290101")
    assert link is not None and link.problem is None
    assert dict(link.fields) | {} == {
        "gtin": GTIN,
        "consumer_product_variant": "V1",
        "batch": "L/7",
        "serial": "S1",
        "expiry_date": "2029-01-01",
        "element_string": f"(01){GTIN}(22)V1(10)L/7(21)S1(17)290101",
    }
    gtin8 = parse_digital_link("https://example.com/01/96385074")
    assert gtin8 is not None and gtin8.fields["gtin"] == "00000096385074"
    odd = parse_digital_link(f"https://id.gs1.org/01/{GTIN}/21")
    assert odd is not None and "no value" in (odd.problem or "")
    unknown_qualifier = parse_digital_link(f"https://id.gs1.org/01/{GTIN}/bogus/1")
    assert unknown_qualifier is not None and "not a GS1 AI" in (unknown_qualifier.problem or "")


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/",
        "https://example.com/blog/01/2024/post",  # '01' then a non-GTIN: an ordinary link
        "https://example.com/01/",
        "mailto:someone@example.com",
        "https://[::1",  # malformed
        f"ftp://id.gs1.org/01/{GTIN}",
    ],
)
def test_not_digital_links(url: str) -> None:
    assert parse_digital_link(url) is None


@pytest.mark.parametrize(
    ("upc_e", "upc_a_body"),
    [
        ("0425261", "04210000526"),  # last digit 1: manufacturer 42100
        ("0123453", "01230000045"),  # last digit 3
        ("0123454", "01234000005"),  # last digit 4
        ("0123457", "01234500007"),  # last digits 5-9
        ("1654320", "16500000432"),  # number system 1, last digit 0
    ],
)
def test_expand_upc_e(upc_e: str, upc_a_body: str) -> None:
    assert expand_upc_e(upc_e) == upc_a_body


def test_expand_upc_e_refuses() -> None:
    assert expand_upc_e("2123456") is None  # number system must be 0 or 1
    assert expand_upc_e("012345") is None


def test_read_retail() -> None:
    upc_e = read_retail("04252614", "upce")
    assert upc_e is not None and upc_e.problem is None and upc_e.upc_a == "042100005264"
    wrong = read_retail("04252615", "upce")
    assert wrong is not None and wrong.problem == "UPC-E check digit wrong — rescan"
    assert read_retail("4006381333931") is not None
    assert read_retail("4006381333932") is None  # unmarked: a bad check means not a GTIN
    bad = read_retail("4006381333932", "ean13")
    assert bad is not None and bad.problem is not None
    assert read_retail("40063813339", "ean13") is None
    assert read_retail("12345678", "itf") is None
    addon = read_retail("03600029145212", "upca")
    assert addon is not None and addon.addon == "12" and addon.gtin == "00036000291452"
    restricted = read_retail("2012345678903")
    assert restricted is not None and restricted.hints
