"""Fonts and text measurement shared by the PDF and raster renderers.

Both use Bitstream Vera, which reportlab ships, so a line measured for the layout has the same
width in the PDF and in the raster image.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "TagTrail-Vera"
BOLD = "TagTrail-Vera-Bold"
_FILES = {REGULAR: "Vera.ttf", BOLD: "VeraBd.ttf"}
ELLIPSIS = "…"


def font_name(bold: bool) -> str:
    """The registered name of the regular or bold face."""
    return BOLD if bold else REGULAR


def font_path(bold: bool) -> Path:
    """The TrueType file of the regular or bold face."""
    return Path(reportlab.__file__).parent / "fonts" / _FILES[font_name(bold)]


@cache
def register_fonts() -> None:
    """Register both faces with reportlab (once per process)."""
    for name, file in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(Path(reportlab.__file__).parent / "fonts" / file)))


def text_width(text: str, size: float, bold: bool) -> float:
    """Advance width of `text` at font size `size`, in the unit of `size`."""
    register_fonts()
    return float(pdfmetrics.stringWidth(text, font_name(bold), size))


def ascent(size: float, bold: bool) -> float:
    """Height of the face above the baseline at `size`, in the unit of `size`."""
    register_fonts()
    up, _down = pdfmetrics.getAscentDescent(font_name(bold), size)
    return float(up)


def shorten(text: str, width: float, size: float, bold: bool) -> str:
    """`text`, cut and ended with an ellipsis if it is wider than `width` at `size`."""
    if text_width(text, size, bold) <= width:
        return text
    keep = len(text)
    while keep > 0 and text_width(text[:keep].rstrip() + ELLIPSIS, size, bold) > width:
        keep -= 1
    return text[:keep].rstrip() + ELLIPSIS if keep else ""
