"""What a decode returns: one `Decoded` per code found, with TagTrail's symbology names."""

from __future__ import annotations

from dataclasses import dataclass

# The symbologies TagTrail reads, in the names every caller sees.
QR = "QR"
DATAMATRIX = "DataMatrix"
CODE128 = "Code128"
CODE39 = "Code39"
EAN13 = "EAN-13"
EAN8 = "EAN-8"
UPCA = "UPC-A"
UPCE = "UPC-E"
ITF = "ITF"
PDF417 = "PDF417"

SYMBOLOGIES: tuple[str, ...] = (
    QR,
    DATAMATRIX,
    CODE128,
    CODE39,
    EAN13,
    EAN8,
    UPCA,
    UPCE,
    ITF,
    PDF417,
)
# One-dimensional codes: a single scan line can produce a believable misread, so the
# streaming session confirms them before emitting.
LINEAR: frozenset[str] = frozenset({CODE128, CODE39, EAN13, EAN8, UPCA, UPCE, ITF})
MATRIX: frozenset[str] = frozenset({QR, DATAMATRIX, PDF417})
# Codes whose last digit is a mandatory check digit (GTIN family).
GTIN: frozenset[str] = frozenset({EAN13, EAN8, UPCA, UPCE})
# What TagTrail's own labels and most asset tags use; the live-frame default.
ASSET_SYMBOLOGIES: frozenset[str] = frozenset({QR, DATAMATRIX, CODE128, CODE39})

Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Decoded:
    """One code read from one image.

    `text` is the human-readable content (EAN/UPC as a 13-digit GTIN, the way zxing-cpp
    and the public test sets spell it), `raw` the bytes the symbol carries, `points` the
    four corners (top-left, top-right, bottom-right, bottom-left) in pixel coordinates of
    the image passed in, and `backend` which decoder(s) read it.
    """

    text: str
    symbology: str
    raw: bytes
    points: tuple[Point, Point, Point, Point]
    backend: str = ""

    @property
    def key(self) -> tuple[str, str]:
        """Identity of the code (not of this sighting): symbology and text."""
        return (self.symbology, self.text)

    @property
    def is_linear(self) -> bool:
        return self.symbology in LINEAR

    @property
    def center(self) -> Point:
        xs = [p[0] for p in self.points]
        ys = [p[1] for p in self.points]
        return (sum(xs) / 4.0, sum(ys) / 4.0)

    def bounds(self) -> tuple[float, float, float, float]:
        """Axis-aligned box (x0, y0, x1, y1) around the corners."""
        xs = [p[0] for p in self.points]
        ys = [p[1] for p in self.points]
        return (min(xs), min(ys), max(xs), max(ys))

    def moved(self, dx: float, dy: float, scale: float = 1.0) -> Decoded:
        """The same read with corners mapped from a crop/scaled image back to the frame."""
        a, b, c, d = ((x * scale + dx, y * scale + dy) for x, y in self.points)
        return Decoded(self.text, self.symbology, self.raw, (a, b, c, d), self.backend)
