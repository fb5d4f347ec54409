"""ZPL output, checked structurally (there is no printer here).

The Code 128 field is read back by a small interpreter of ZPL's invocation codes and must give
exactly python-barcode's code values; QR and text fields must unescape to their payloads; every
field position and size must come from the same layout the PDF uses.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.errors import LabelError, PayloadTooLongError
from scanner.labels import (
    LabelContent,
    code128_field,
    escape_field,
    label_zpl,
    labels_zpl,
    layout_label,
    make_code128,
)

HEX = re.compile(r"_([0-9A-F]{2})")
FIELD = re.compile(r"\^FO(\d+),(\d+)\^BY(\d+)\^BCN,(\d+),N,N,N,N\^FH_\^FD(.*?)\^FS")
QR = re.compile(
    r"\^FO(\d+),(\d+)\^BQN,2,(\d+),([LMQH]),([0-7])\^FH_\^FD([LMQH])M,B(\d{4})(.*?)\^FS"
)
TEXT = re.compile(r"\^FT(\d+),(\d+)\^A0N,(\d+),(\d+)\^FH_\^FD(.*?)\^FS")

CONTENT = LabelContent(
    code="TA-0001234-K",
    qr="https://tagtrail.local/t/TA-0001234-K",
    title="Asset",
    lines=("Dock 4",),
)


def _unhex(data: str) -> bytes:
    out = bytearray()
    pos = 0
    for match in HEX.finditer(data):
        out += data[pos : match.start()].encode("ascii")
        out.append(int(match[1], 16))
        pos = match.end()
    out += data[pos:].encode("ascii")
    return bytes(out)


def _zpl_code128_values(field: str) -> list[int]:
    """Code 128 values a printer makes from ^BC field data (hex escapes already expanded)."""
    starts = {">9": (103, "A"), ">:": (104, "B"), ">;": (105, "C")}
    switches = {">5": (99, "C"), ">6": (100, "B"), ">7": (101, "A")}
    set_b_codes = {">0": 30, ">=": 94, ">1": 95}
    value, code_set = starts[field[:2]]
    values = [value]
    i = 2
    while i < len(field):
        pair = field[i : i + 2]
        if pair in switches and switches[pair][1] != code_set:
            value, code_set = switches[pair]
            values.append(value)
            i += 2
        elif code_set == "B":
            if pair in set_b_codes:
                values.append(set_b_codes[pair])
                i += 2
            else:
                assert field[i] != ">", f"stray invocation {pair!r}"
                values.append(ord(field[i]) - 32)
                i += 1
        else:
            assert pair.isdigit(), f"set {code_set} needs digit pairs, got {pair!r}"
            values.append(int(pair))
            i += 2
    return values


def _code128_text(values: list[int]) -> str:
    code_set = {103: "A", 104: "B", 105: "C"}[values[0]]
    out = []
    for value in values[1:]:
        if value in (99, 100, 101) and not (code_set == "C" and value == 99):
            code_set = {99: "C", 100: "B", 101: "A"}[value]
        elif code_set == "C":
            out.append(f"{value:02d}")
        elif code_set == "B":
            out.append(chr(value + 32))
        else:
            out.append(chr(value + 32) if value < 64 else chr(value - 64))
    return "".join(out)


def test_label_format_fields_match_the_layout() -> None:
    layout = layout_label(CONTENT, "thermal-2x1in")
    zpl = label_zpl(layout)
    assert zpl.startswith("^XA\n^CI28\n") and zpl.rstrip().endswith("^XZ")
    assert f"^PW{layout.width}" in zpl and f"^LL{layout.height}" in zpl
    assert (layout.width, layout.height) == (406, 203)  # 2 × 1 in at 203 dpi
    bars = FIELD.search(zpl)
    assert bars is not None
    x, y, module, height = (int(v) for v in bars.groups()[:4])
    assert (x, y, module, height) == (
        layout.bars.x,
        layout.bars.y,
        layout.bar_module,
        layout.bars.h,
    )
    qr = QR.search(zpl)
    assert qr is not None
    assert (int(qr[1]), int(qr[2]) + 10) == (layout.qr_box.x, layout.qr_box.y)
    assert int(qr[3]) == layout.qr_module
    assert qr[4] == qr[6] == layout.qr.error and int(qr[5]) == layout.qr.mask
    data = _unhex(qr[8])
    assert data == CONTENT.qr_payload.encode() and int(qr[7]) == len(data)
    texts = TEXT.findall(zpl)
    assert [_unhex(t[4]).decode() for t in texts] == ["Asset", "TA-0001234-K", "Dock 4"]
    for (fx, fy, h, w, _), line in zip(texts, layout.lines, strict=True):
        assert (int(fx), int(fy), int(h), int(w)) == (line.x, line.baseline, line.size, line.size)


def test_code128_field_makes_python_barcodes_values() -> None:
    symbol = make_code128("TA-0001234-K")
    field = code128_field(symbol)
    assert field == ">:TA->5000123>64-K"
    assert _zpl_code128_values(_unhex(field).decode("latin-1")) == list(symbol.values)


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(min_codepoint=0, max_codepoint=127), min_size=1, max_size=30))
def test_code128_field_round_trips_any_ascii(text: str) -> None:
    symbol = make_code128(text)
    field = code128_field(symbol)
    # nothing a printer would take as a command: no ^ or ~, only printable ASCII
    assert not set(field) & {"^", "~"} and all(32 <= ord(c) < 127 for c in field)
    values = _zpl_code128_values(_unhex(field).decode("latin-1"))
    assert values == list(symbol.values)
    assert _code128_text(values) == text


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("a^XZ~JA", "a_5EXZ_7EJA"),
        ("under_score", "under_5Fscore"),
        ("Café", "Caf_C3_A9"),
        ("tab\there", "tab_09here"),
        ("plain > text, 100%", "plain > text, 100%"),
    ],
)
def test_escape_field(text: str, escaped: str) -> None:
    assert escape_field(text) == escaped
    assert _unhex(escaped).decode("utf-8") == text


def test_hostile_payloads_cannot_end_the_format_or_inject_commands() -> None:
    content = LabelContent(
        code="A^XZ~JA_>", qr="https://x.test/?q=^XZ^XA~JR_", title="^FS~", lines=("x^FD",)
    )
    zpl = label_zpl(layout_label(content, "thermal-62x29mm"))
    assert zpl.count("^XA") == 1 and zpl.count("^XZ") == 1
    assert "~" not in zpl
    assert "^XZ^XA" not in zpl and "^FS~" not in zpl
    bars = FIELD.search(zpl)
    assert bars is not None
    values = _zpl_code128_values(_unhex(bars[5]).decode("latin-1"))
    assert _code128_text(values) == "A^XZ~JA_>"
    qr = QR.search(zpl)
    assert qr is not None and _unhex(qr[8]).decode() == "https://x.test/?q=^XZ^XA~JR_"


def test_several_labels_and_progress() -> None:
    seen: list[tuple[int, int]] = []
    contents = [LabelContent(f"TP-000000{i}-Q", f"https://tagtrail.local/t/{i}") for i in range(3)]
    zpl = labels_zpl(contents, "thermal-2x1in", progress=lambda *p: seen.append(p))
    assert zpl.count("^XA") == 3 and zpl.count("^XZ") == 3
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_zpl_refuses_sheet_stock_and_bad_labels() -> None:
    with pytest.raises(LabelError, match="roll stock"):
        labels_zpl([CONTENT], "avery-5160")
    with pytest.raises(LabelError, match="no labels"):
        labels_zpl([], "thermal-2x1in")
    with pytest.raises(PayloadTooLongError):
        labels_zpl([CONTENT, LabelContent("Z" * 40)], "thermal-2x1in")
