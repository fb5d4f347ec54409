"""1080p live-frame timing: the session's frame decoder against the raw libraries."""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
import zxingcpp
from numpy.typing import NDArray
from pyzbar import pyzbar

from scanner.bench.synth import frames
from scanner.model import Decoded
from scanner.session import ScanSession

Gray = NDArray[np.uint8]


@dataclass(slots=True)
class FrameStats:
    times: list[float] = field(default_factory=list)
    qr: int = 0  # frames where the label's QR code was read
    code128: int = 0  # ... its Code 128
    any_code: int = 0  # ... anything of the label
    wrong: int = 0  # frames with a value that is not on the label

    @property
    def count(self) -> int:
        return len(self.times)

    @property
    def median_ms(self) -> float:
        return 1000 * statistics.median(self.times) if self.times else 0.0

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.times)
        return 1000 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else 0.0


_KINDS = {"QRCode": "QR", "QRCODE": "QR", "Code128": "Code128", "CODE128": "Code128"}
Reads = list[tuple[str, str]]  # (text, "QR" | "Code128" | other format name)


def _zxing(formats: list[Any] | None) -> Callable[[Gray], Reads]:
    def run(gray: Gray) -> Reads:
        found = (
            zxingcpp.read_barcodes(gray, text_mode=zxingcpp.TextMode.Plain)
            if formats is None
            else zxingcpp.read_barcodes(
                gray, formats=zxingcpp.BarcodeFormats(formats), text_mode=zxingcpp.TextMode.Plain
            )
        )
        return [(b.text, _KINDS.get(b.format.name, b.format.name)) for b in found]

    return run


def _pyzbar(gray: Gray) -> Reads:
    h, w = gray.shape[:2]
    found = pyzbar.decode((gray.tobytes(), w, h))
    return [(r.data.decode("utf-8", "replace"), _KINDS.get(r.type, r.type)) for r in found]


_F = zxingcpp.BarcodeFormat
RAW: dict[str, Callable[[Gray], Reads]] = {
    "raw zxing-cpp": _zxing(None),
    "raw zxing-cpp, asset symbologies": _zxing([_F.QRCode, _F.DataMatrix, _F.Code128, _F.Code39]),
    "raw pyzbar": _pyzbar,
}


def run(count: int, seed: int) -> dict[str, dict[str, FrameStats]]:
    """decoder -> distance -> stats. TagTrail runs as a live session (with its hints)."""
    out: dict[str, dict[str, FrameStats]] = defaultdict(lambda: defaultdict(FrameStats))
    session = ScanSession()
    decoder = session.decoder
    for i, frame in enumerate(frames(count, seed)):
        gray = np.asarray(cv2.cvtColor(frame.image, cv2.COLOR_BGR2GRAY), dtype=np.uint8)
        now = i * 0.1
        start = time.perf_counter()
        codes: list[Decoded] = decoder.decode(gray, session.hints(now))
        elapsed = time.perf_counter() - start
        session.observe(codes, now)
        _account(
            out["TagTrail"][frame.distance],
            frame.texts,
            elapsed,
            [(c.text, c.symbology) for c in codes],
        )
        for name, fn in RAW.items():
            start = time.perf_counter()
            reads = fn(gray)
            elapsed = time.perf_counter() - start
            _account(out[name][frame.distance], frame.texts, elapsed, reads)
    return {k: dict(v) for k, v in out.items()}


def _account(
    stats: FrameStats, texts: tuple[str, ...], seconds: float, reads: list[tuple[str, str]]
) -> None:
    stats.times.append(seconds)
    right = [k for t, k in reads if t in texts]
    stats.any_code += bool(right)
    stats.qr += "QR" in right
    stats.code128 += "Code128" in right
    stats.wrong += any(t not in texts for t, _ in reads)
