"""Where codes may be: cheap candidate regions from a small copy of the frame.

Bar codes and matrix codes are dense patches of strong edges; most of a scene is not.
We blur the gradient magnitude of a reduced frame, keep the patches above a contrast
level, and rank them by edge density. Decoding only those patches at full resolution
costs a fraction of decoding the whole frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from scanner.images import Gray

# Mean gradient (0..255) a printed code reaches even when blurred and small; camera noise
# and surface texture stay well below it.
EDGE_LEVEL = 45
MIN_AREA = 60  # pixels of the reduced frame (~ a 30x30 px code at full resolution)


@dataclass(frozen=True, slots=True)
class Box:
    x0: int
    y0: int
    x1: int
    y1: int

    def scaled(self, factor: float) -> Box:
        return Box(
            int(self.x0 * factor),
            int(self.y0 * factor),
            int(self.x1 * factor),
            int(self.y1 * factor),
        )

    def grown(self, margin: float, pad: int, width: int, height: int) -> Box:
        """Enlarged by `margin` of its size plus `pad` px per side, clipped to the image."""
        mx = int((self.x1 - self.x0) * margin) + pad
        my = int((self.y1 - self.y0) * margin) + pad
        return Box(
            max(0, self.x0 - mx),
            max(0, self.y0 - my),
            min(width, self.x1 + mx),
            min(height, self.y1 + my),
        )

    def intersects(self, other: Box) -> bool:
        return (
            self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1
        )

    def covered_by(self, others: list[Box]) -> float:
        """Fraction of this box covered by `others` (overlaps between them counted once each)."""
        if self.area == 0:
            return 1.0
        total = 0
        for o in others:
            w = min(self.x1, o.x1) - max(self.x0, o.x0)
            h = min(self.y1, o.y1) - max(self.y0, o.y0)
            if w > 0 and h > 0:
                total += w * h
        return min(1.0, total / self.area)

    @property
    def area(self) -> int:
        return max(0, self.x1 - self.x0) * max(0, self.y1 - self.y0)


def candidates(small: Gray, limit: int) -> list[Box]:
    """Up to `limit` code-like regions of `small`, densest first, in `small`'s coordinates."""
    gx = cv2.convertScaleAbs(cv2.Sobel(small, cv2.CV_16S, 1, 0, ksize=3))
    gy = cv2.convertScaleAbs(cv2.Sobel(small, cv2.CV_16S, 0, 1, ksize=3))
    edges = cv2.blur(cv2.addWeighted(gx, 0.5, gy, 0.5, 0), (7, 7))
    mask = cv2.morphologyEx(
        (edges > EDGE_LEVEL).astype(np.uint8), cv2.MORPH_CLOSE, np.ones((7, 7), np.uint8)
    )
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask)
    scored: list[tuple[float, Box]] = []
    for i in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[i])
        if area < MIN_AREA or w < 6 or h < 6:
            continue
        score = float(edges[y : y + h, x : x + w].mean())
        scored.append((score, Box(x, y, x + w, y + h)))
    scored.sort(key=lambda item: item[0], reverse=True)
    return [box for _, box in scored[:limit]]
