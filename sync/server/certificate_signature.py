"""A handoff's drawn signature as an image on the certificate.

The app's signature pad stores the strokes as one SVG path, `M x y L x y ... M ...`, in a
300 x 120 box with y growing downwards (app/ui/signature.py); a handoff may instead carry a
`data:image/png;base64,...` (or jpeg) URI. Paths become vector drawings, images are embedded as
they are; anything else is shown as words, never guessed at.
"""

from __future__ import annotations

import base64
import binascii
import io
import math
import re

from reportlab.graphics.shapes import Drawing, PolyLine, Rect
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Image

BOX_WIDTH, BOX_HEIGHT = 300, 120  # the pad's box (app/ui/signature.py)
_TOKEN = re.compile(r"[ML]|-?\d+(?:\.\d+)?")
_DATA_URI = re.compile(r"data:image/(png|jpeg|jpg);base64,([A-Za-z0-9+/=\s]+)\Z")

Stroke = list[tuple[float, float]]


class Unreadable(ValueError):
    """The signature is neither a path nor an image this certificate can draw."""


def _pair(tokens: list[str], i: int) -> tuple[float, float]:
    try:
        x, y = float(tokens[i]), float(tokens[i + 1])
    except (IndexError, ValueError) as exc:
        raise Unreadable("a path command without its x and y") from exc
    if not (math.isfinite(x) and math.isfinite(y)):
        raise Unreadable("a coordinate that is not a number")
    return x, y


def parse_path(path: str) -> list[Stroke]:
    """The strokes of an `M x y L x y ...` path (absolute move-to and line-to only)."""
    leftover = _TOKEN.sub(" ", path.replace(",", " ")).strip()
    if leftover:
        raise Unreadable(f"the path holds '{leftover[:20]}', not only M/L and numbers")
    tokens = _TOKEN.findall(path)
    strokes: list[Stroke] = []
    i = 0
    while i < len(tokens):
        command = tokens[i]
        if command == "M":
            strokes.append([_pair(tokens, i + 1)])
            i += 3
        elif command == "L" and strokes:
            strokes[-1].append(_pair(tokens, i + 1))
            i += 3
        elif strokes and command not in "ML":  # more points after an L: lines on from there
            strokes[-1].append(_pair(tokens, i))
            i += 2
        else:
            raise Unreadable("a path must start with M and hold only M and L commands")
    return strokes


def _drawing(strokes: list[Stroke], width: float) -> Drawing:
    scale = width / BOX_WIDTH
    drawing = Drawing(width, BOX_HEIGHT * scale)
    drawing.add(Rect(0, 0, width, BOX_HEIGHT * scale, strokeColor=colors.lightgrey, fillColor=None))
    for stroke in strokes:
        points: list[float] = []
        for x, y in stroke if len(stroke) > 1 else stroke * 2:  # a dot: a zero-length line
            points += [x * scale, (BOX_HEIGHT - y) * scale]  # SVG's y grows downwards
        drawing.add(PolyLine(points, strokeColor=colors.black, strokeWidth=1.2, strokeLineCap=1))
    return drawing


def _image(kind: str, data: str, width: float) -> Image:
    try:
        raw = base64.b64decode("".join(data.split()), validate=True)
        reader = ImageReader(io.BytesIO(raw))
        w, h = reader.getSize()
    except (binascii.Error, OSError, ValueError) as exc:
        raise Unreadable(f"the {kind} image cannot be read") from exc
    if w <= 0 or h <= 0:
        raise Unreadable(f"the {kind} image is empty")
    return Image(io.BytesIO(raw), width=width, height=width * h / w)


def flowable(signature: str | None, width: float = 40 * mm) -> Flowable | str:
    """The signature to place in the custody table, or the words to put there instead."""
    if not signature or not signature.strip():
        return "no drawn signature"
    text = signature.strip()
    try:
        found = _DATA_URI.match(text)
        if found:
            return _image(found.group(1), found.group(2), width)
        strokes = parse_path(text)
        if not strokes:
            return "no drawn signature"
        return _drawing(strokes, width)
    except Unreadable as exc:
        return f"signature kept in the log, not drawable here ({exc})"
