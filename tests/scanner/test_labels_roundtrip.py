"""Every rendered label decodes back to its payloads through scanner.decode.

PDF sheets are rasterised with pdfium at printer resolution (300 dpi for office sheets, 203 dpi
for thermal rolls), each label is cropped out by the stock table, and both symbols are read.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

from scanner import decode
from scanner.errors import LabelError, PayloadTooLongError
from scanner.labels import (
    STOCKS,
    LabelContent,
    Stock,
    render_label_image,
    save_label_png,
    sheet_pdf_bytes,
    write_sheet_pdf,
)

PRINTER_DPI = {"avery-5160": 300, "avery-l7160": 300, "thermal-2x1in": 203, "thermal-62x29mm": 203}
KINDS = (("TA", "Asset"), ("TL", "Location"), ("TP", "Pallet"))


def _contents(count: int) -> list[LabelContent]:
    # check characters are arbitrary here: the scanner does not know tag rules
    labels = []
    for i in range(count):
        prefix, title = KINDS[i % 3]
        tag = f"{prefix}-{1000 + 37 * i:07d}-{'K7Q'[i % 3]}"
        labels.append(LabelContent(tag, f"https://tagtrail.local/t/{tag}", title, ("Dock 4",)))
    return labels


def _pages(pdf: bytes, dpi: int) -> list[np.ndarray]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [
            np.asarray(page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L"))
            for page in document
        ]
    finally:
        document.close()


def _crop(page: np.ndarray, stock: Stock, position: int, dpi: int) -> np.ndarray:
    left, top = stock.label_origin(position)
    x0, y0 = round(left * dpi / 72), round(top * dpi / 72)
    x1 = round((left + stock.label_width) * dpi / 72)
    y1 = round((top + stock.label_height) * dpi / 72)
    return np.ascontiguousarray(page[y0:y1, x0:x1])


def _read(image: np.ndarray) -> set[tuple[str, str]]:
    return {(d.symbology, d.text) for d in decode(image)}


def _expected(content: LabelContent) -> set[tuple[str, str]]:
    return {("Code128", content.code), ("QR", content.qr_payload)}


@pytest.mark.parametrize("name", sorted(STOCKS))
def test_pdf_sheet_round_trips_every_label(name: str) -> None:
    stock = STOCKS[name]
    dpi = PRINTER_DPI[name]
    # sheets: a full page and two labels over, after skipping two used labels; rolls: 3 labels
    skip = 0 if stock.roll else 2
    contents = _contents(3 if stock.roll else stock.per_page)
    pdf = sheet_pdf_bytes(contents, stock, skip=skip)
    pages = _pages(pdf, dpi)
    expected_pages = len(contents) if stock.roll else 2
    assert len(pages) == expected_pages
    for index, content in enumerate(contents):
        position = skip + index
        page = pages[position // stock.per_page]
        assert _read(_crop(page, stock, position, dpi)) == _expected(content), (name, index)
    if not stock.roll:  # the skipped labels are blank
        assert _crop(pages[0], stock, 0, dpi).min() == 255


@pytest.mark.parametrize("name", sorted(STOCKS))
def test_pdf_label_survives_print_like_blur(name: str) -> None:
    # ink spread and a soft scan: a Gaussian of 0.6 printer dots over the rasterised label
    stock = STOCKS[name]
    dpi = PRINTER_DPI[name]
    content = _contents(2)[1]
    page = _pages(sheet_pdf_bytes([content], stock), dpi)[0]
    blurred = cv2.GaussianBlur(_crop(page, stock, 0, dpi), (0, 0), 0.6)
    assert _read(np.ascontiguousarray(blurred)) == _expected(content)


def test_pdf_is_vector_without_images_and_with_sizes_from_the_stock() -> None:
    stock = STOCKS["avery-l7160"]
    pdf = sheet_pdf_bytes(_contents(2), stock)
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        width, height = page.get_size()
        kinds = {obj.type for obj in page.get_objects()}
    finally:
        document.close()
    assert (width, height) == pytest.approx((stock.page_width, stock.page_height), abs=0.01)
    # bars and modules are paths, the words text; no bitmap anywhere
    assert pdfium.raw.FPDF_PAGEOBJ_PATH in kinds and pdfium.raw.FPDF_PAGEOBJ_TEXT in kinds
    assert pdfium.raw.FPDF_PAGEOBJ_IMAGE not in kinds
    # same input, same bytes: invariant PDFs can be compared and cached
    assert sheet_pdf_bytes(_contents(2), stock) == pdf


def test_pdf_outline_and_file_output(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    target = tmp_path / "sheet.pdf"
    pages = write_sheet_pdf(
        _contents(4), "avery-5160", target, outline=True, progress=lambda *p: seen.append(p)
    )
    assert pages == 1 and target.read_bytes().startswith(b"%PDF")
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]
    page = _pages(target.read_bytes(), 150)[0]
    # the outline draws grey ink where a label edge is
    stock = STOCKS["avery-5160"]
    left, top = stock.label_origin(3)  # the padding at a label's left edge: only the outline
    row = page[round((top + stock.label_height / 2) * 150 / 72)]
    assert row[round(left * 150 / 72) - 2 : round(left * 150 / 72) + 3].min() < 255


def test_a_bad_label_stops_the_sheet_before_anything_is_written(tmp_path: Path) -> None:
    target = tmp_path / "never.pdf"
    contents = [*_contents(2), LabelContent("X" * 40, "x")]
    with pytest.raises(PayloadTooLongError):
        write_sheet_pdf(contents, "thermal-2x1in", target)
    assert not target.exists()
    with pytest.raises(LabelError, match="no labels"):
        sheet_pdf_bytes([], "avery-5160")
    with pytest.raises(LabelError, match="skip"):
        sheet_pdf_bytes(_contents(1), "avery-5160", skip=30)


@pytest.mark.parametrize("name", sorted(STOCKS))
def test_raster_label_round_trips_at_the_stock_resolution(name: str) -> None:
    content = _contents(1)[0]
    image = render_label_image(content, name)
    stock = STOCKS[name]
    assert image.dtype == np.uint8 and image.ndim == 2
    assert image.shape == (stock.dots(stock.label_height), stock.dots(stock.label_width))
    assert _read(image) == _expected(content)


def test_raster_label_round_trips_at_a_screen_resolution(tmp_path: Path) -> None:
    content = _contents(2)[1]
    assert _read(render_label_image(content, "avery-l7160", dpi=450)) == _expected(content)
    path = save_label_png(content, "thermal-62x29mm", tmp_path / "label.png")
    with Image.open(path) as png:
        assert png.info["dpi"] == pytest.approx((203, 203), abs=0.01)
    assert _read(decode_ready(path)) == _expected(content)


def decode_ready(path: Path) -> np.ndarray:
    with Image.open(path) as png:
        return np.asarray(png.convert("L"))
