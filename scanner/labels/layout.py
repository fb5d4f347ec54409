"""Where everything goes on one label, in whole printer dots.

Two arrangements are tried:
- "banner": the QR code top left with the text beside it, the Code 128 across the full width
  below (suits short labels such as 2 × 1 in and Avery 5160);
- "side": the QR code at full label height on the left, the text and Code 128 to its right.

For each, the largest whole-dot module sizes that fit are found, and the arrangement whose
weaker symbol has the larger margin over its minimum printable module wins. Quiet zones (10
modules for Code 128, 4 for QR) may lie in the label's padding, since they are blank, but ink
never does. If nothing fits at the minimum module sizes the payload is too long for the stock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scanner.errors import PayloadTooLongError
from scanner.labels import text as fonts
from scanner.labels.content import LabelContent
from scanner.labels.stock import POINTS_PER_INCH, Stock, get_stock
from scanner.labels.symbols import Code128Symbol, QRSymbol, make_code128, make_qr, runs

# Smallest modules printed: 0.19 mm (7.5 mil) is the usual floor for Code 128 on laser and
# thermal printers; QR modules are kept larger so phone cameras read them from a hand's length.
MIN_BAR_MODULE_MM = 0.19
MIN_QR_MODULE_MM = 0.30
MIN_BAR_HEIGHT_MM = 5.0
CODE128_QUIET_MODULES = 10
QR_QUIET_MODULES = 4
# Font sizes in points: the bold code line shrinks from the largest to the smallest size that
# fits; the title and extra lines are three quarters of it, never under their own floor.
CODE_TEXT_MAX_PT = 12.0
CODE_TEXT_MIN_PT = 5.0
SMALL_TEXT_RATIO = 0.75
SMALL_TEXT_MIN_PT = 4.5
LINE_SPACING = 1.15
# blank gap between the text block and the bars, in millimetres
TEXT_GAP_MM = 0.6


@dataclass(frozen=True)
class Box:
    """An axis-aligned box in dots; y grows downwards from the label's top edge."""

    x: int
    y: int
    w: int
    h: int


@dataclass(frozen=True)
class TextLine:
    """One line of human-readable text, placed by its baseline."""

    text: str
    x: int
    baseline: int
    size: int  # font size in dots
    bold: bool
    width: int  # room the line may take, in dots


@dataclass(frozen=True)
class LabelLayout:
    """One label laid out on the stock's dot grid."""

    stock: Stock
    content: LabelContent
    width: int
    height: int
    arrangement: str
    code128: Code128Symbol
    bar_module: int
    bars: Box  # the Code 128 ink, quiet zones excluded
    qr: QRSymbol
    qr_module: int
    qr_box: Box  # the QR ink, quiet zone excluded
    lines: tuple[TextLine, ...]

    @property
    def dpi(self) -> int:
        """Dots per inch of the grid the layout is on."""
        return self.stock.dpi

    def bar_rects(self) -> list[Box]:
        """The Code 128 bars, one box per bar."""
        m = self.bar_module
        return [
            Box(self.bars.x + start * m, self.bars.y, length * m, self.bars.h)
            for start, length in runs(self.code128.modules)
        ]

    def qr_rects(self) -> list[Box]:
        """The dark QR modules, merged into one box per horizontal run."""
        m = self.qr_module
        return [
            Box(self.qr_box.x + start * m, self.qr_box.y + row * m, length * m, m)
            for row, cells in enumerate(self.qr.matrix)
            for start, length in runs(cells)
        ]


@dataclass(frozen=True)
class _Grid:
    """The numbers every arrangement works from."""

    content: LabelContent
    stock: Stock
    code: Code128Symbol
    qr: QRSymbol
    width: int
    height: int
    pad: int
    min_bar: int
    min_qr: int
    min_bar_height: int
    text_gap: int


def _mm_to_dots(stock: Stock, value_mm: float) -> int:
    return math.ceil(value_mm / stock.dot_mm() - 1e-6)


def _pt_to_dots(stock: Stock, points: float) -> int:
    return max(1, round(points * stock.dpi / POINTS_PER_INCH))


def _bar_module_fitting(grid: _Grid, room: int, lead: int) -> int | None:
    """Largest bar module >= the minimum whose symbol fits in `room` dots.

    `lead` is the blank already before the span (a neighbour's quiet zone) that may count
    towards the leading quiet zone; the trailing quiet zone may lie in the label padding.
    """
    best = None
    module = grid.min_bar
    while True:
        quiet = CODE128_QUIET_MODULES * module
        need = max(0, quiet - lead) + grid.code.width * module + max(grid.pad, quiet)
        if need > room:
            return best
        best = module
        module += 1


def _fit_text(grid: _Grid, box: Box, *, centre: bool) -> tuple[tuple[TextLine, ...], int] | None:
    """The text lines placed in `box` (at its top, or centred), as large as fits, with the
    height they take; None if even the code line alone does not fit at its smallest size."""
    content = grid.content
    stock = grid.stock
    extras = [line for line in content.lines if line.strip()]
    # the optional lines go first when space runs short: extra lines, then the title
    choices: list[tuple[str, list[str]]] = [(content.title, extras), (content.title, [])]
    choices.append(("", []))
    biggest = _pt_to_dots(stock, CODE_TEXT_MAX_PT)
    smallest = _pt_to_dots(stock, CODE_TEXT_MIN_PT)
    small_floor = _pt_to_dots(stock, SMALL_TEXT_MIN_PT)
    for title, lines in choices:
        for size in range(biggest, smallest - 1, -1):
            small = max(small_floor, round(size * SMALL_TEXT_RATIO))
            spec: list[tuple[str, int, bool]] = []
            if title.strip():
                spec.append((title, small, False))
            spec.append((content.code, size, True))
            spec.extend((line, small, False) for line in lines)
            heights = [math.ceil(s * LINE_SPACING) for _, s, _ in spec]
            if sum(heights) > box.h:
                continue
            if fonts.text_width(content.code, size, bold=True) > box.w:
                continue
            used = sum(heights)
            y = box.y + ((box.h - used) // 2 if centre else 0)
            placed: list[TextLine] = []
            for (words, s, bold), h in zip(spec, heights, strict=True):
                baseline = y + round(fonts.ascent(s, bold))
                shown = words if bold else fonts.shorten(words, box.w, s, bold)
                placed.append(TextLine(shown, box.x, baseline, s, bold, box.w))
                y += h
            return tuple(placed), used
    return None


def _banner(grid: _Grid, qr_module: int) -> LabelLayout | None:
    n = grid.qr.size * qr_module
    quiet = QR_QUIET_MODULES * qr_module
    qx = qy = max(grid.pad, quiet)
    bars_top = qy + n + quiet
    bar_height = grid.height - grid.pad - bars_top
    if bar_height < grid.min_bar_height:
        return None
    bar_module = _bar_module_fitting(grid, grid.width, 0)
    if bar_module is None:
        return None
    text_x = qx + n + quiet
    text_box = Box(text_x, grid.pad, grid.width - grid.pad - text_x, bars_top - grid.pad)
    text_box = Box(text_box.x, text_box.y, text_box.w, text_box.h - grid.text_gap)
    if text_box.w <= 0 or text_box.h <= 0:
        return None
    fitted = _fit_text(grid, text_box, centre=True)
    if fitted is None:
        return None
    lines = fitted[0]
    bars_width = grid.code.width * bar_module
    bars = Box((grid.width - bars_width) // 2, bars_top, bars_width, bar_height)
    return _layout(
        grid,
        "banner",
        bar_module=bar_module,
        bars=bars,
        qr_module=qr_module,
        qr_box=Box(qx, qy, n, n),
        lines=lines,
    )


def _side(grid: _Grid, qr_module: int) -> LabelLayout | None:
    n = grid.qr.size * qr_module
    quiet = QR_QUIET_MODULES * qr_module
    edge = max(grid.pad, quiet)
    if n + 2 * edge > grid.height:
        return None
    qx, qy = edge, (grid.height - n) // 2
    right = qx + n  # the QR's right ink edge
    bar_module = _bar_module_fitting(grid, grid.width - right, quiet)
    if bar_module is None:
        return None
    bar_quiet = CODE128_QUIET_MODULES * bar_module
    text_x = right + quiet
    room = grid.height - 2 * grid.pad - grid.min_bar_height - grid.text_gap
    if room <= 0:
        return None
    fitted = _fit_text(
        grid, Box(text_x, grid.pad, grid.width - grid.pad - text_x, room), centre=False
    )
    if fitted is None:
        return None
    # the text takes only the height it needs; the bars get the rest
    lines, used = fitted
    bars_top = grid.pad + used + grid.text_gap
    bar_height = grid.height - grid.pad - bars_top
    if bar_height < grid.min_bar_height:
        return None
    bars_width = grid.code.width * bar_module
    span_start = right + max(quiet, bar_quiet)
    span_end = grid.width - max(grid.pad, bar_quiet)
    bars = Box(
        span_start + (span_end - span_start - bars_width) // 2, bars_top, bars_width, bar_height
    )
    return _layout(
        grid,
        "side",
        bar_module=bar_module,
        bars=bars,
        qr_module=qr_module,
        qr_box=Box(qx, qy, n, n),
        lines=lines,
    )


def _layout(
    grid: _Grid,
    arrangement: str,
    *,
    bar_module: int,
    bars: Box,
    qr_module: int,
    qr_box: Box,
    lines: tuple[TextLine, ...],
) -> LabelLayout:
    return LabelLayout(
        stock=grid.stock,
        content=grid.content,
        width=grid.width,
        height=grid.height,
        arrangement=arrangement,
        code128=grid.code,
        bar_module=bar_module,
        bars=bars,
        qr=grid.qr,
        qr_module=qr_module,
        qr_box=qr_box,
        lines=lines,
    )


def _score(grid: _Grid, layout: LabelLayout) -> tuple[float, float]:
    """How far each symbol's module is above its minimum: the weaker first, then the other."""
    bar = layout.bar_module / grid.min_bar
    qr = layout.qr_module / grid.min_qr
    return min(bar, qr), max(bar, qr)


def layout_label(content: LabelContent, stock: Stock | str) -> LabelLayout:
    """Lay out one label on `stock`.

    Raises EmptyPayloadError, UnencodablePayloadError or PayloadTooLongError (all LabelError)
    when the payloads cannot be encoded or do not fit the stock.
    """
    stock = get_stock(stock)
    grid = _Grid(
        content=content,
        stock=stock,
        code=make_code128(content.code),
        qr=make_qr(content.qr_payload),
        width=stock.dots(stock.label_width),
        height=stock.dots(stock.label_height),
        pad=max(1, math.ceil(stock.padding * stock.dpi / POINTS_PER_INCH - 1e-6)),
        min_bar=_mm_to_dots(stock, MIN_BAR_MODULE_MM),
        min_qr=_mm_to_dots(stock, MIN_QR_MODULE_MM),
        min_bar_height=_mm_to_dots(stock, MIN_BAR_HEIGHT_MM),
        text_gap=_mm_to_dots(stock, TEXT_GAP_MM),
    )
    best: LabelLayout | None = None
    largest_qr = grid.height // grid.qr.size
    for arrange in (_banner, _side):
        for qr_module in range(largest_qr, grid.min_qr - 1, -1):
            candidate = arrange(grid, qr_module)
            if candidate is None:
                continue
            if best is None or _score(grid, candidate) > _score(grid, best):
                best = candidate
    if best is None:
        raise PayloadTooLongError(_too_long_message(grid))
    return best


def _too_long_message(grid: _Grid) -> str:
    dot = grid.stock.dot_mm()
    bar_mm = (grid.code.width + 2 * CODE128_QUIET_MODULES) * grid.min_bar * dot
    qr_mm = (grid.qr.size + 2 * QR_QUIET_MODULES) * grid.min_qr * dot
    label = f"{grid.width * dot:.1f} × {grid.height * dot:.1f} mm"
    return (
        f"the payloads do not fit the {grid.stock.name} label ({label}): at the smallest "
        f"printable modules the Code 128 for {grid.code.text!r} is {bar_mm:.1f} mm wide and "
        f"the QR code (version {grid.qr.version}, {len(grid.qr.data)} bytes) {qr_mm:.1f} mm "
        "square, with the text beside them; use shorter payloads or larger stock"
    )
