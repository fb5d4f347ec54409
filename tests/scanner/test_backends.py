"""Back-ends, GTIN arithmetic, the guard and the combination of back-ends."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner import Decoded, StillDecoder, backends
from scanner.backends.gtin import check_digit_ok, to_gtin13, upce_to_upca
from scanner.backends.zbar import code39_full_ascii
from scanner.combine import merge
from scanner.errors import BackendError, ScannerError
from scanner.guard import plausible
from scanner.images import read_gray

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "scanner"


def at(text: str, sym: str, x: float = 0.0, backend: str = "t") -> Decoded:
    return Decoded(text, sym, text.encode(), ((x, 0), (x + 10, 0), (x + 10, 10), (x, 10)), backend)


def test_check_digits() -> None:
    assert check_digit_ok("4006381333931")
    assert not check_digit_ok("4006381333932")
    assert check_digit_ok("96385074")  # EAN-8
    assert not check_digit_ok("12a4")


def test_upce_expansion() -> None:
    assert upce_to_upca("04252614") == "042100005264"
    assert upce_to_upca("01234565") == "012345000065"
    assert upce_to_upca("21234565") is None
    assert to_gtin13("036000291452") == "0036000291452"


def test_code39_full_ascii() -> None:
    assert code39_full_ascii("12+A+B") == "12ab"
    assert code39_full_ascii("E+X+T/A") == "Ext!"
    assert code39_full_ascii("PLAIN-123") == "PLAIN-123"
    assert code39_full_ascii("A+") == "A+"  # not a valid pair: kept as read


def test_guard() -> None:
    assert plausible(at("4006381333931", "EAN-13"))
    assert not plausible(at("4006381333932", "EAN-13"))
    assert not plausible(at("123", "ITF"))
    assert plausible(at("1234", "ITF"))
    assert not plausible(Decoded("", "QR", b"", at("x", "QR").points))


def test_merge_rules() -> None:
    trusted = [at("A", "QR", 0)]
    # agreement and contradiction at the same place add nothing; elsewhere needs confirm
    new = [at("A", "QR", 1), at("B", "QR", 2), at("C", "QR", 100)]
    assert [c.text for c in merge(trusted, new, confirm=lambda c: True)] == ["A", "C"]
    assert [c.text for c in merge(trusted, new, confirm=lambda c: False)] == ["A"]
    # a trusted back-end's own overlapping codes (a code inside a code) are all kept
    assert [c.text for c in merge([], [at("A", "QR", 0), at("B", "QR", 2)])] == ["A", "B"]


def test_registry() -> None:
    assert [b.name for b in backends.available()] == ["zxing-cpp", "pyzbar"]
    with pytest.raises(BackendError, match="unknown"):
        backends.create("nope")


def test_unknown_symbology() -> None:
    with pytest.raises(ScannerError, match="unknown symbologies"):
        StillDecoder(symbologies=["Aztec"])


def test_pyzbar_only_configuration_reads_and_guards() -> None:
    decoder = StillDecoder([backends.create("pyzbar")])
    gray = read_gray(FIXTURES / "ean13-ean13-2-01.webp")
    expected = (FIXTURES / "ean13-ean13-2-01.txt").read_text()
    assert [c.text for c in decoder.decode(gray)] == [expected]
    full_ascii = read_gray(FIXTURES / "code39-code39-2-1.png")
    assert [c.text for c in decoder.decode(full_ascii)] == ["Extended !?*#"]


def test_fallback_reads_what_zxing_misses() -> None:
    """This photo is read by pyzbar only; the combined decoder must return it."""
    gray = read_gray(FIXTURES / "ean13-ean13-2-01.webp")
    assert backends.create("zxing-cpp").read(gray, frozenset({"EAN-13", "UPC-A"})) == []
    found = StillDecoder().decode(gray)
    assert [(c.text, c.backend) for c in found] == [("9780804816632", "pyzbar")]
