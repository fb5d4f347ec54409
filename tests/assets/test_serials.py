"""Manufacturer serial hints, Lenovo product barcodes and ISO/IEC 15434 envelopes."""

from __future__ import annotations

import pytest

from assets.serials import (
    APPLE_SERIAL,
    DELL_SERVICE_TAG,
    HP_SERIAL,
    LENOVO_SERIAL,
    dell_express_service_code,
    looks_like_serial,
    read_envelope,
    read_lenovo_product_code,
    serial_fields,
    serial_hints,
)


@pytest.mark.parametrize(
    ("serial", "hints"),
    [
        ("JG2NKF2", (DELL_SERVICE_TAG,)),
        ("5KQ0XR1", (DELL_SERVICE_TAG,)),
        ("AEIOU12", ()),  # vowels: not a service tag shape
        ("1234567", ()),  # digits only
        ("CND1234ABC", (HP_SERIAL,)),
        ("MXL4210ZQB", (HP_SERIAL,)),
        ("XYZ1234ABC", ()),  # unknown plant code; the vowel rules out the Apple shape
        ("PF1ABCDE", (LENOVO_SERIAL,)),
        ("MJ07XYZ1", (LENOVO_SERIAL,)),
        ("C02XL0GUJGH5", (APPLE_SERIAL,)),
        ("H4XQ7Y3J2K", (APPLE_SERIAL,)),
        ("hello", ()),
    ],
)
def test_serial_hints(serial: str, hints: tuple[str, ...]) -> None:
    assert serial_hints(serial) == hints


def test_hp_shape_does_not_also_claim_apple() -> None:
    assert serial_hints("5CG7281MXY") == (HP_SERIAL,)


def test_dell_express_service_code_is_base_36() -> None:
    assert dell_express_service_code("JG2NKF2") == str(int("JG2NKF2", 36))
    assert serial_fields("JG2NKF2")["dell_express_service_code"] == "42330781982"
    assert "dell_express_service_code" not in serial_fields("PF1ABCDE")


@pytest.mark.parametrize(
    ("text", "plain", "expected"),
    [
        ("SN-2024-000123", False, True),
        ("ABCDEF", True, True),
        ("ABCDEF", False, False),
        ("AB1", True, False),  # too short
        ("-AB12", True, False),  # separators only inside
        ("AB 12 CD", True, False),  # spaces are not part of serials
        ("ÄB12CD", True, False),
        ("A" * 65, True, False),
    ],
)
def test_looks_like_serial(text: str, plain: bool, expected: bool) -> None:
    assert looks_like_serial(text, plain_symbology=plain) is expected


def test_lenovo_product_code() -> None:
    assert read_lenovo_product_code("1S20L5CTO1WWPF1ABCDE") == {
        "machine_type": "20L5",
        "model": "CTO1WW",
        "serial": "PF1ABCDE",
    }
    assert read_lenovo_product_code("1S2347AB4L3ABCDE1") == {
        "machine_type": "2347",
        "model": "AB4",
        "serial": "L3ABCDE1",
    }
    assert read_lenovo_product_code("1S20L5") is None


def test_envelope_with_data_identifiers() -> None:
    envelope = read_envelope("[)>\x1e06\x1dS5CG7281MXY\x1d1P4XY12UT#ABA\x1dQ1\x1dZZZ\x1e\x04")
    assert envelope is not None and envelope.problem is None
    assert envelope.format == "06"
    assert dict(envelope.fields) == {
        "serial": "5CG7281MXY",
        "part_number": "4XY12UT#ABA",
        "quantity": "1",
        "unrecognised": "ZZZ",
    }


def test_envelope_gs1_format_and_truncation() -> None:
    envelope = read_envelope("[)>\x1e05\x1d0109506000134352\x1d21XYZ")
    assert envelope is not None
    assert envelope.format == "05"
    assert envelope.data == "0109506000134352\x1d21XYZ"
    assert envelope.problem is not None and "cut short" in envelope.problem
    assert read_envelope("0109506000134352") is None
