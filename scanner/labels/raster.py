"""Raster rendering of one label (grayscale numpy array or PNG), for screens and tests."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont

from scanner.labels import text as fonts
from scanner.labels.content import LabelContent
from scanner.labels.layout import Box, LabelLayout, layout_label
from scanner.labels.stock import Stock

_INK = 0
_PAPER = 255


@cache
def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(fonts.font_path(bold)), size)


def _scaled(box: Box, scale: float) -> tuple[int, int, int, int]:
    # scale both edges, not the width, so neighbouring boxes stay flush
    x0, y0 = round(box.x * scale), round(box.y * scale)
    x1, y1 = round((box.x + box.w) * scale), round((box.y + box.h) * scale)
    return x0, y0, x1 - 1, y1 - 1


def draw_layout(layout: LabelLayout, dpi: int | None = None) -> Image.Image:
    """Draw a laid-out label as a grayscale Pillow image at `dpi` (default: the stock's)."""
    scale = 1.0 if dpi is None else dpi / layout.dpi
    size = (max(1, round(layout.width * scale)), max(1, round(layout.height * scale)))
    image = Image.new("L", size, _PAPER)
    draw = ImageDraw.Draw(image)
    for box in [*layout.bar_rects(), *layout.qr_rects()]:
        draw.rectangle(_scaled(box, scale), fill=_INK)
    for line in layout.lines:
        if not line.text:
            continue
        font = _font(line.bold, max(1, round(line.size * scale)))
        at = (round(line.x * scale), round(line.baseline * scale))
        draw.text(at, line.text, fill=_INK, font=font, anchor="ls")
    return image


def render_label_image(
    content: LabelContent, stock: Stock | str, *, dpi: int | None = None
) -> NDArray[np.uint8]:
    """One label as a 2-D uint8 array (0 ink, 255 paper) at `dpi` (default: the stock's).

    Module edges land on whole pixels at the stock's own dpi; other resolutions round them.
    """
    return np.asarray(draw_layout(layout_label(content, stock), dpi), dtype=np.uint8)


def save_label_png(
    content: LabelContent, stock: Stock | str, path: str | Path, *, dpi: int | None = None
) -> Path:
    """Write one label as a PNG (with its resolution recorded) and return the path."""
    layout = layout_label(content, stock)
    resolution = layout.dpi if dpi is None else dpi
    target = Path(path)
    draw_layout(layout, dpi).save(target, format="PNG", dpi=(resolution, resolution))
    return target
