"""Wedge capture: page-level key events rebuilt into whole scans, as Flutter web reports them
(letters upper-case with shift, shifted digits as the digit: checked in Chromium, see
tests/app/browser/test_wedge.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.ui.wedge import WedgeBuffer, character, keys_for

# What Flutter web reported in Chromium for a US-layout keyboard with Shift held as a scanner
# holds it (probed: key label, shift).
REPORTED = [
    ("A", True, "A"), ("B", False, "b"), ("-", False, "-"), ("1", False, "1"),
    ("/", False, "/"), (":", True, ":"), (".", False, "."), ("_", True, "_"),
    ("3", True, "#"), ("5", True, "%"), ("1", True, "!"), ("9", True, "("), ("0", True, ")"),
    ("2", True, "@"), ("*", True, "*"), ("7", True, "&"), ("4", True, "$"), ("6", True, "^"),
    ("?", True, "?"), ("+", True, "+"), ("~", True, "~"), ("|", True, "|"), (" ", False, " "),
]  # fmt: skip

PRINTABLE = st.text(st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=80)


@pytest.mark.parametrize(("key", "shift", "typed"), REPORTED)
def test_each_reported_key_is_the_character_typed(key: str, shift: bool, typed: str) -> None:
    assert character(key, shift) == typed


def test_keys_that_type_nothing_are_dropped() -> None:
    assert character("Shift Left", True) is None
    assert character("F5", False) is None


def feed(buffer: WedgeBuffer, text: str, suffix: str = "Enter") -> list[str]:
    out = [buffer.feed(k, shift=s) for k, s in keys_for(text)]
    out.append(buffer.feed(suffix))
    return [o for o in out if o is not None]


@given(PRINTABLE.filter(lambda t: t.strip()))
def test_any_printable_code_comes_back_whole(code: str) -> None:
    assert feed(WedgeBuffer(), code) == [code.strip()]


@given(st.lists(PRINTABLE.filter(lambda t: t.strip()), min_size=1, max_size=20))
def test_back_to_back_scans_split_on_the_suffix_in_order(codes: list[str]) -> None:
    buffer = WedgeBuffer()
    got = [scan for code in codes for scan in feed(buffer, code)]
    assert got == [c.strip() for c in codes]


def test_tab_suffix_and_crlf() -> None:
    assert feed(WedgeBuffer("tab"), "TA-1", "Tab") == ["TA-1"]
    crlf = WedgeBuffer("crlf")
    assert feed(crlf, "TA-2") == ["TA-2"]
    assert crlf.feed("Enter") is None  # the LF's empty scan is no scan
    with pytest.raises(ValueError, match="suffix"):
        WedgeBuffer("space")


def test_shortcuts_are_not_scanned_text() -> None:
    buffer = WedgeBuffer()
    buffer.feed("C", ctrl=True)
    assert feed(buffer, "x") == ["x"]


def test_stray_keys_long_before_a_scan_are_dropped() -> None:
    now = [0.0]
    buffer = WedgeBuffer(stale_after_s=5.0, clock=lambda: now[0])
    buffer.feed("Q")  # a person's stray press, no field focused
    now[0] = 60.0
    assert feed(buffer, "TA-9") == ["TA-9"]
