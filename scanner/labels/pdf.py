"""Vector PDF sheets of labels (reportlab).

Bars and QR modules are drawn as filled rectangles, not embedded bitmaps, so they print sharp
at any printer resolution; the text uses an embedded TrueType face.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from reportlab.pdfgen.canvas import Canvas

from scanner.errors import LabelError
from scanner.labels import text as fonts
from scanner.labels.content import LabelContent
from scanner.labels.layout import LabelLayout, layout_label
from scanner.labels.stock import POINTS_PER_INCH, Stock, get_stock

# called after each label is drawn with (labels done, labels in all)
Progress = Callable[[int, int], None]


def _draw_label(canvas: Canvas, layout: LabelLayout, left: float, top: float) -> None:
    """Draw `layout` with its top-left corner at (left, top) in page points, y downwards."""
    dot = POINTS_PER_INCH / layout.dpi
    page_height = layout.stock.page_height

    def x(dots: int) -> float:
        return left + dots * dot

    def y(dots: int) -> float:  # reportlab's y grows upwards from the page bottom
        return page_height - (top + dots * dot)

    path = canvas.beginPath()
    for box in [*layout.bar_rects(), *layout.qr_rects()]:
        path.rect(x(box.x), y(box.y + box.h), box.w * dot, box.h * dot)
    canvas.drawPath(path, stroke=0, fill=1)
    for line in layout.lines:
        if line.text:
            canvas.setFont(fonts.font_name(line.bold), line.size * dot)
            canvas.drawString(x(line.x), y(line.baseline), line.text)


def _draw_outline(canvas: Canvas, stock: Stock, left: float, top: float) -> None:
    canvas.setLineWidth(0.25)
    canvas.setStrokeGray(0.6)
    bottom = stock.page_height - top - stock.label_height
    canvas.roundRect(left, bottom, stock.label_width, stock.label_height, 4, stroke=1, fill=0)


def write_sheet_pdf(
    contents: Sequence[LabelContent],
    stock: Stock | str,
    output: str | Path | BinaryIO,
    *,
    skip: int = 0,
    outline: bool = False,
    progress: Progress | None = None,
    title: str = "TagTrail labels",
) -> int:
    """Write `contents` as labels on `stock` to a PDF file or binary stream.

    Every label is laid out first, so a payload that cannot be printed raises its LabelError
    before anything is written. `skip` leaves that many labels on the first sheet blank (a sheet
    already partly used); `outline` draws each label's edge (for checking alignment on plain
    paper). Returns the number of pages written.
    """
    stock = get_stock(stock)
    if not contents:
        raise LabelError("no labels to print")
    if skip < 0 or skip >= stock.per_page:
        raise LabelError(f"skip must be 0 to {stock.per_page - 1} for {stock.name}, not {skip}")
    layouts = [layout_label(content, stock) for content in contents]
    fonts.register_fonts()
    target: str | BinaryIO = str(output) if isinstance(output, (str, Path)) else output
    canvas = Canvas(
        target, pagesize=(stock.page_width, stock.page_height), invariant=True, pageCompression=1
    )
    canvas.setTitle(title)
    canvas.setCreator("TagTrail")
    pages = 1
    for done, layout in enumerate(layouts, start=1):
        position = skip + done - 1
        if position and position % stock.per_page == 0:
            canvas.showPage()
            pages += 1
        left, top = stock.label_origin(position)
        if outline:
            _draw_outline(canvas, stock, left, top)
        _draw_label(canvas, layout, left, top)
        if progress is not None:
            progress(done, len(layouts))
    canvas.showPage()
    canvas.save()
    return pages


def sheet_pdf_bytes(
    contents: Sequence[LabelContent], stock: Stock | str, *, skip: int = 0, outline: bool = False
) -> bytes:
    """The PDF of `contents` on `stock`, as bytes."""
    buffer = BytesIO()
    write_sheet_pdf(contents, stock, buffer, skip=skip, outline=outline)
    return buffer.getvalue()
