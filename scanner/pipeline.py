"""The still-image decoding strategy: the primary back-end first, the others when it fails.

Cascade (each step only when the previous found nothing):
1. primary back-end (zxing-cpp), thorough search, on the image as given;
2. primary on a 2x enlargement when the image is small: thin bars and small modules of
   low-resolution photos become readable;
3. the other back-ends (pyzbar), each read confirmed before it is accepted (`_confirm`).
Most images stop at step 1, so a decode costs what the primary costs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import partial

import cv2
import numpy as np

from scanner import backends as backend_registry
from scanner.backends.base import Backend
from scanner.combine import merge
from scanner.errors import ScannerError
from scanner.images import Gray
from scanner.model import CODE39, LINEAR, MATRIX, SYMBOLOGIES, Decoded

# Enlarge only images up to this many pixels (the enlargement has 4x as many).
UPSCALE_MAX_PIXELS = 250_000
# Scales at which an untrusted 1D read is looked for again.
RESAMPLE_FACTORS = (1.25, 1.5)


def crop_around(gray: Gray, code: Decoded, margin: float = 0.5) -> tuple[Gray, int, int]:
    """A crop around a read with `margin` times its size on each side, and its offset."""
    x0, y0, x1, y1 = code.bounds()
    w, h = max(x1 - x0, 16.0), max(y1 - y0, 16.0)
    # 1D reads from ZBar can be a thin line: keep at least a square-ish crop
    w = h = max(w, h)
    height, width = gray.shape[:2]
    cx0 = int(max(0, x0 - margin * w))
    cy0 = int(max(0, y0 - margin * h))
    cx1 = int(min(width, x1 + margin * w + 1))
    cy1 = int(min(height, y1 + margin * h + 1))
    return np.ascontiguousarray(gray[cy0:cy1, cx0:cx1]), cx0, cy0


def enlarge(gray: Gray, factor: float) -> Gray:
    return np.asarray(
        cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC),
        dtype=np.uint8,
    )


def read_scaled(
    backend: Backend, gray: Gray, factor: float, symbologies: frozenset[str], thorough: bool
) -> list[Decoded]:
    """Read `gray` resized by `factor`, corners mapped back to `gray`'s coordinates."""
    found = backend.read(enlarge(gray, factor), symbologies, thorough=thorough)
    return [c.moved(0.0, 0.0, 1.0 / factor) for c in found]


class StillDecoder:
    """Decodes one still image with every configured back-end, best first."""

    def __init__(
        self,
        backends: Sequence[Backend] | None = None,
        symbologies: Iterable[str] = SYMBOLOGIES,
    ) -> None:
        self.backends: list[Backend] = (
            list(backends) if backends is not None else backend_registry.available()
        )
        if not self.backends:
            raise ScannerError("a decoder needs at least one back-end")
        wanted = frozenset(symbologies)
        unknown = wanted - frozenset(SYMBOLOGIES)
        if unknown:
            raise ScannerError(
                f"unknown symbologies {sorted(unknown)}; known: {', '.join(SYMBOLOGIES)}"
            )
        self.symbologies = wanted

    @property
    def name(self) -> str:
        return "+".join(b.name for b in self.backends)

    def decode(self, gray: Gray) -> list[Decoded]:
        found: list[Decoded] = []
        for backend in self.backends:
            wanted = self.symbologies & backend.supported
            reads = backend.read(gray, wanted)
            if not reads and backend.trusted and gray.size <= UPSCALE_MAX_PIXELS:
                reads = read_scaled(backend, gray, 2.0, wanted, thorough=True)
            confirm = None if backend.trusted else partial(self._confirm, backend, gray)
            found = merge(found, reads, confirm)
            if found:
                break  # later back-ends are fallbacks, not extra opinions on success
        return found

    def _confirm(self, source: Backend, gray: Gray, code: Decoded) -> bool:
        """Is an untrusted back-end's read seen again in an independent view?

        - a trusted back-end reading the same value on a crop around it;
        - a QR code with plain ASCII content: Reed-Solomon protects its bytes, and only
          the character set ZBar guesses for non-ASCII bytes goes wrong;
        - for other codes, the same back-end reading the same value on the image
          resampled at another scale: every scan line changes, so a misread caused by
          one noisy line does not repeat.
        """
        crop, _, _ = crop_around(gray, code)
        one = frozenset({code.symbology})
        for backend in self.backends:
            if (
                backend.trusted
                and code.symbology in backend.supported
                and any(a.key == code.key for a in backend.read(crop, one))
            ):
                return True
        if code.symbology in MATRIX:
            return code.raw.isascii()
        if code.symbology in LINEAR and code.symbology != CODE39 and not code.raw.isascii():
            return False  # ZBar mangles extended (Latin-1) characters in 1D codes
        for factor in RESAMPLE_FACTORS:
            if any(a.key == code.key for a in source.read(enlarge(gray, factor), one)):
                return True
        return False
