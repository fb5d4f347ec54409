"""The live-frame decoding strategy: fast enough for every camera frame.

A full-resolution, thorough decode of a 1080p frame takes 50-200 ms. Per frame we instead:
1. decode a half-size copy of the whole frame (large and near codes);
2. decode at full resolution the code-like regions found on a quarter-size copy (small and
   far codes, thin bars), skipping places step 1 already read; regions where codes were in
   recent frames (hints from the session) go first;
3. when nothing was read, the densest unread regions get a second opinion from the other
   back-ends (pyzbar reads some small QR codes and worn EAN/UPC that zxing-cpp misses); such
   a read is kept only if it passes the guards below, and the session's two-frame rule still
   applies to every 1D code;
4. only when all that found nothing but the frame does show code-like regions, decode the
   whole frame at full resolution.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import cv2
import numpy as np

from scanner import backends as backend_registry
from scanner.backends.base import Backend
from scanner.combine import dedupe
from scanner.errors import ScannerError
from scanner.guard import plausible
from scanner.images import Gray
from scanner.model import MATRIX, SYMBOLOGIES, Decoded
from scanner.regions import Box, candidates

# Frames whose long side is at most this are decoded whole at full resolution.
SMALL_FRAME = 1000
HALF_LONG_SIDE = 960
# A candidate region mostly covered by codes already read holds nothing new.
MOSTLY_READ = 0.6
# Second opinions per frame: enough for the regions that matter, bounded for speed.
MAX_SECOND_OPINIONS = 2


def trusted_second_opinion(code: Decoded) -> bool:
    """A fallback back-end's read worth keeping: check digits and lengths pass, and a matrix
    code's bytes are plain ASCII (Reed-Solomon protects them; only ZBar's guess of a character
    set for other bytes goes wrong)."""
    return plausible(code) and (code.symbology not in MATRIX or code.raw.isascii())


def box_of(code: Decoded) -> Box:
    x0, y0, x1, y1 = code.bounds()
    return Box(int(x0), int(y0), int(x1) + 1, int(y1) + 1)


class FrameDecoder:
    """Decodes live frames with one back-end (the first available: zxing-cpp if installed)."""

    def __init__(
        self,
        backend: Backend | None = None,
        symbologies: Iterable[str] = SYMBOLOGIES,
        *,
        max_regions: int = 6,
        full_fallback: bool = True,
        fallbacks: Sequence[Backend] | None = None,
    ) -> None:
        self.backend = backend if backend is not None else backend_registry.available()[0]
        self.symbologies = frozenset(symbologies) & self.backend.supported
        if not self.symbologies:
            raise ScannerError(f"back-end {self.backend.name} reads none of the symbologies asked")
        self.max_regions = max_regions
        self.full_fallback = full_fallback
        if fallbacks is None:
            fallbacks = [b for b in backend_registry.available() if b.name != self.backend.name]
        self.fallbacks = list(fallbacks)

    def _read(self, gray: Gray, *, rotate: bool, thorough: bool = False) -> list[Decoded]:
        found = self.backend.read(gray, self.symbologies, thorough=thorough, rotate=rotate)
        return [c for c in found if plausible(c)]

    def _read_box(self, gray: Gray, box: Box) -> list[Decoded]:
        crop = np.ascontiguousarray(gray[box.y0 : box.y1, box.x0 : box.x1])
        if crop.shape[0] < 8 or crop.shape[1] < 8:
            return []
        return [c.moved(box.x0, box.y0) for c in self._read(crop, rotate=True)]

    def _second_opinion(self, gray: Gray, box: Box) -> list[Decoded]:
        crop = np.ascontiguousarray(gray[box.y0 : box.y1, box.x0 : box.x1])
        if crop.shape[0] < 8 or crop.shape[1] < 8:
            return []
        for backend in self.fallbacks:
            wanted = self.symbologies & backend.supported
            reads = [c for c in backend.read(crop, wanted) if trusted_second_opinion(c)]
            if reads:
                return [c.moved(box.x0, box.y0) for c in reads]
        return []

    def decode(self, gray: Gray, hints: Sequence[Box] = ()) -> list[Decoded]:
        """Every code found in `gray`; `hints` are boxes (full-frame pixels) where codes
        were recently, whose regions are decoded first."""
        height, width = gray.shape[:2]
        if max(height, width) <= SMALL_FRAME:
            return dedupe(self._read(gray, rotate=True, thorough=True))
        scale = HALF_LONG_SIDE / max(height, width)
        half = np.asarray(
            cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA),
            dtype=np.uint8,
        )
        found = [c.moved(0.0, 0.0, 1.0 / scale) for c in self._read(half, rotate=False)]
        quarter = np.asarray(cv2.pyrDown(half), dtype=np.uint8)
        factor = width / quarter.shape[1]
        detected = candidates(quarter, self.max_regions + len(found))
        regions = [r.scaled(factor).grown(0.15, 8, width, height) for r in detected]
        # regions where codes were a moment ago go first (stable sort keeps density order)
        regions.sort(key=lambda box: not any(box.intersects(h) for h in hints))
        read_boxes = [box_of(c) for c in found]
        unread: list[Box] = []
        tried = 0
        for box in regions:
            if tried >= self.max_regions:
                break
            if box.covered_by(read_boxes) > MOSTLY_READ:
                continue
            tried += 1
            reads = self._read_box(gray, box)
            if not reads:
                unread.append(box)
            for c in reads:
                found.append(c)
                read_boxes.append(box_of(c))
        if not found:
            # Nothing read at all: the densest unread regions get a second opinion.
            for box in unread[:MAX_SECOND_OPINIONS]:
                found += self._second_opinion(gray, box)
        if not found and detected and self.full_fallback:
            found = self._read(gray, rotate=False)
        return dedupe(found)
