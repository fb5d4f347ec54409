"""The live-frame decoding strategy: fast enough for every camera frame.

A full-resolution, thorough decode of a 1080p frame takes 50-200 ms. Per frame we instead:
1. decode a half-size copy of the whole frame (large and near codes);
2. decode at full resolution the code-like regions found on a quarter-size copy (small and
   far codes, thin bars), skipping places step 1 already read; regions where codes were in
   recent frames (hints from the session) go first;
3. only when all that found nothing but the frame does show code-like regions, decode the
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
from scanner.model import SYMBOLOGIES, Decoded
from scanner.regions import Box, candidates

# Frames whose long side is at most this are decoded whole at full resolution.
SMALL_FRAME = 1000
HALF_LONG_SIDE = 960
# A candidate region mostly covered by codes already read holds nothing new.
MOSTLY_READ = 0.6


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
    ) -> None:
        self.backend = backend if backend is not None else backend_registry.available()[0]
        self.symbologies = frozenset(symbologies) & self.backend.supported
        if not self.symbologies:
            raise ScannerError(f"back-end {self.backend.name} reads none of the symbologies asked")
        self.max_regions = max_regions
        self.full_fallback = full_fallback

    def _read(self, gray: Gray, *, rotate: bool, thorough: bool = False) -> list[Decoded]:
        found = self.backend.read(gray, self.symbologies, thorough=thorough, rotate=rotate)
        return [c for c in found if plausible(c)]

    def _read_box(self, gray: Gray, box: Box) -> list[Decoded]:
        crop = np.ascontiguousarray(gray[box.y0 : box.y1, box.x0 : box.x1])
        if crop.shape[0] < 8 or crop.shape[1] < 8:
            return []
        return [c.moved(box.x0, box.y0) for c in self._read(crop, rotate=True)]

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
        tried = 0
        for box in regions:
            if tried >= self.max_regions:
                break
            if box.covered_by(read_boxes) > MOSTLY_READ:
                continue
            tried += 1
            for c in self._read_box(gray, box):
                found.append(c)
                read_boxes.append(box_of(c))
        if not found and detected and self.full_fallback:
            found = self._read(gray, rotate=False)
        return dedupe(found)
