"""Frames in, decoded codes out. Imports nothing else of TagTrail.

`decode(image)` reads every code in one still (numpy array, file path or encoded bytes);
`ScanSession` takes live frames one at a time and emits each distinct code once;
`scanner.sources` provides frames from files, videos, cameras and stills handed over by
the app. Decoding runs on pluggable back-ends: zxing-cpp first where installed, pyzbar as
fallback (and alone where only it is packaged).
"""

from __future__ import annotations

from functools import lru_cache

from scanner.images import load_gray
from scanner.live import FrameDecoder
from scanner.model import SYMBOLOGIES, Decoded
from scanner.pipeline import StillDecoder
from scanner.session import ScanSession, Sighting


@lru_cache(maxsize=1)
def _default_decoder() -> StillDecoder:
    return StillDecoder()


def decode(image: object) -> list[Decoded]:
    """Every code in `image` (gray/BGR numpy array, file path or encoded image bytes).

    Raises `scanner.errors.ImageError` for unusable input, `BackendError` when no decoding
    library is installed.
    """
    return _default_decoder().decode(load_gray(image))


__all__ = [
    "SYMBOLOGIES",
    "Decoded",
    "FrameDecoder",
    "ScanSession",
    "Sighting",
    "StillDecoder",
    "decode",
]
