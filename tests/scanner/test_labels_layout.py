"""Label stocks and layout: geometry rules every label must keep."""

from __future__ import annotations

import pytest

from scanner.errors import PayloadTooLongError, UnencodablePayloadError, UnknownStockError
from scanner.labels import (
    MIN_BAR_MODULE_MM,
    MIN_QR_MODULE_MM,
    STOCKS,
    Box,
    LabelContent,
    LabelLayout,
    get_stock,
    layout_label,
)
from scanner.labels.layout import CODE128_QUIET_MODULES, QR_QUIET_MODULES
from scanner.labels.stock import inch, mm

TAG = LabelContent(
    code="TA-0001234-K",
    qr="https://tagtrail.local/t/TA-0001234-K",
    title="Asset",
    lines=("Site: Dock 4, Building 12 North", "Dell Latitude 5440"),
)


def _overlaps(a: Box, b: Box) -> bool:
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h


def _grown(box: Box, dx: int, dy: int) -> Box:
    return Box(box.x - dx, box.y - dy, box.w + 2 * dx, box.h + 2 * dy)


def _text_boxes(layout: LabelLayout) -> list[Box]:
    from scanner.labels import text as fonts

    boxes = []
    for line in layout.lines:
        up = round(fonts.ascent(line.size, line.bold))
        width = round(fonts.text_width(line.text, line.size, line.bold))
        boxes.append(Box(line.x, line.baseline - up, width, up + line.size // 4))
    return boxes


@pytest.mark.parametrize("name", sorted(STOCKS))
def test_stock_labels_sit_on_the_page_without_overlapping(name: str) -> None:
    stock = STOCKS[name]
    corners = [stock.label_origin(i) for i in range(stock.per_page)]
    for left, top in corners:
        assert left >= 0 and top >= 0
        assert left + stock.label_width <= stock.page_width + 0.01
        assert top + stock.label_height <= stock.page_height + 0.01
    assert len(set(corners)) == stock.per_page
    assert stock.pitch_x >= stock.label_width and stock.pitch_y >= stock.label_height


def test_stock_table_matches_the_published_sheets() -> None:
    avery = STOCKS["avery-5160"]
    assert (avery.page_width, avery.page_height) == (inch(8.5), inch(11))
    assert (avery.columns, avery.rows, avery.label_width) == (3, 10, inch(2.625))
    l7160 = STOCKS["avery-l7160"]
    assert (l7160.page_width, l7160.page_height) == pytest.approx((mm(210), mm(297)))
    assert l7160.per_page == 21
    # symmetric margins: the grid is centred on A4
    right = l7160.page_width - l7160.label_origin(2)[0] - l7160.label_width
    assert right == pytest.approx(l7160.left, abs=0.1)
    assert STOCKS["thermal-2x1in"].roll and STOCKS["thermal-62x29mm"].roll
    assert not avery.roll


@pytest.mark.parametrize("name", sorted(STOCKS))
def test_layout_keeps_minimum_modules_quiet_zones_and_padding(name: str) -> None:
    layout = layout_label(TAG, name)
    stock = layout.stock
    dot = stock.dot_mm()
    assert layout.bar_module * dot >= MIN_BAR_MODULE_MM
    assert layout.qr_module * dot >= MIN_QR_MODULE_MM
    assert layout.bars.w == layout.code128.width * layout.bar_module
    assert layout.qr_box.w == layout.qr.size * layout.qr_module
    pad = round(stock.padding * stock.dpi / 72)
    inner = Box(pad - 1, pad - 1, layout.width - 2 * pad + 2, layout.height - 2 * pad + 2)
    ink = [layout.bars, layout.qr_box, *_text_boxes(layout)]
    for box in ink:  # ink stays out of the padding
        assert inner.x <= box.x and box.x + box.w <= inner.x + inner.w, box
        assert inner.y <= box.y and box.y + box.h <= inner.y + inner.h, box
    bar_zone = _grown(layout.bars, CODE128_QUIET_MODULES * layout.bar_module, 0)
    qr_quiet = QR_QUIET_MODULES * layout.qr_module
    qr_zone = _grown(layout.qr_box, qr_quiet, qr_quiet)
    for zone in (bar_zone, qr_zone):  # quiet zones lie on the label
        assert zone.x >= 0 and zone.y >= 0
        assert zone.x + zone.w <= layout.width and zone.y + zone.h <= layout.height
    for box in [layout.qr_box, *_text_boxes(layout)]:
        assert not _overlaps(bar_zone, box)
    for box in [layout.bars, *_text_boxes(layout)]:
        assert not _overlaps(qr_zone, box)
    assert layout.bars.h * dot >= 5.0


@pytest.mark.parametrize("name", sorted(STOCKS))
def test_text_lines_say_what_was_asked(name: str) -> None:
    layout = layout_label(TAG, name)
    texts = [line.text for line in layout.lines]
    assert texts[:2] == ["Asset", "TA-0001234-K"]
    assert [line.bold for line in layout.lines][:2] == [False, True]
    # a long extra line is shortened with an ellipsis, never spilled past the label
    shown = texts[2]
    assert shown == TAG.lines[0] or (
        shown.endswith("…") and TAG.lines[0].startswith(shown.removesuffix("…"))
    )


def test_bars_and_modules_are_whole_dots_and_merge_into_runs() -> None:
    layout = layout_label(TAG, "thermal-2x1in")
    bars = layout.bar_rects()
    assert sum(b.w for b in bars) == layout.code128.modules.count("1") * layout.bar_module
    assert all(b.w % layout.bar_module == 0 for b in bars)
    dark = sum(row.count(True) for row in layout.qr.matrix)
    assert sum(r.w * r.h for r in layout.qr_rects()) == dark * layout.qr_module**2


def test_qr_defaults_to_the_code_text() -> None:
    layout = layout_label(LabelContent("TL-0000042-7"), "avery-5160")
    assert layout.qr.payload == "TL-0000042-7"


def test_layout_prefers_larger_modules_on_larger_stock() -> None:
    small = layout_label(TAG, "thermal-2x1in")
    large = layout_label(TAG, "avery-l7160")
    assert large.qr_module * large.stock.dot_mm() > small.qr_module * small.stock.dot_mm()


@pytest.mark.parametrize(
    ("name", "code"),
    [("thermal-2x1in", "ASSET-TAG-WITH-A-LONG-NAME"), ("avery-5160", "X" * 30)],
)
def test_code128_too_long_for_the_stock(name: str, code: str) -> None:
    with pytest.raises(PayloadTooLongError, match=f"do not fit the {name} label") as caught:
        layout_label(LabelContent(code, "short"), name)
    assert "larger stock" in str(caught.value)


def test_qr_too_long_for_the_stock() -> None:
    with pytest.raises(PayloadTooLongError, match="QR code"):
        layout_label(LabelContent("TA-0001234-K", "https://example.com/" + "a" * 400), "avery-5160")


def test_the_same_payload_fits_larger_stock() -> None:
    content = LabelContent("TA-0001234-K", "https://example.com/" + "a" * 120)
    with pytest.raises(PayloadTooLongError):
        layout_label(content, "thermal-2x1in")
    assert layout_label(content, "avery-l7160").qr.version > 3


def test_bad_payloads_raise_before_layout() -> None:
    with pytest.raises(UnencodablePayloadError):
        layout_label(LabelContent("Café-1"), "avery-5160")


def test_unknown_stock_lists_the_known_ones() -> None:
    with pytest.raises(UnknownStockError, match="avery-5160"):
        get_stock("avery-9999")
    assert get_stock(" Avery-5160 ") is STOCKS["avery-5160"]
