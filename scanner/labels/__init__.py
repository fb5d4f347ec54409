"""TagTrail label rendering: asset, location and pallet labels with a Code 128, a QR code and
human-readable text, as vector PDF sheets, raster images or ZPL for Zebra thermal printers.

The renderer takes ready-made payloads (the Code 128 text and the QR payload, normally a tag and
its URL); making tags is the domain's job, not the scanner's.
"""

from scanner.labels.content import LabelContent
from scanner.labels.layout import (
    MIN_BAR_MODULE_MM,
    MIN_QR_MODULE_MM,
    Box,
    LabelLayout,
    TextLine,
    layout_label,
)
from scanner.labels.pdf import sheet_pdf_bytes, write_sheet_pdf
from scanner.labels.raster import draw_layout, render_label_image, save_label_png
from scanner.labels.stock import STOCKS, Stock, get_stock
from scanner.labels.symbols import Code128Symbol, QRSymbol, make_code128, make_qr
from scanner.labels.zpl import code128_field, escape_field, label_zpl, labels_zpl

__all__ = [
    "MIN_BAR_MODULE_MM",
    "MIN_QR_MODULE_MM",
    "STOCKS",
    "Box",
    "Code128Symbol",
    "LabelContent",
    "LabelLayout",
    "QRSymbol",
    "Stock",
    "TextLine",
    "code128_field",
    "draw_layout",
    "escape_field",
    "get_stock",
    "label_zpl",
    "labels_zpl",
    "layout_label",
    "make_code128",
    "make_qr",
    "render_label_image",
    "save_label_png",
    "sheet_pdf_bytes",
    "write_sheet_pdf",
]
