"""The decoders the benchmark compares, each as `name -> (gray image -> [(text, raw)])`."""

from __future__ import annotations

from collections.abc import Callable

import zxingcpp
from pyzbar import pyzbar

from scanner import backends
from scanner.images import Gray
from scanner.pipeline import StillDecoder

Reads = list[tuple[str, bytes]]
DecodeFn = Callable[[Gray], Reads]

TAGTRAIL = "TagTrail"
TAGTRAIL_PYZBAR = "TagTrail pyzbar-only"
RAW_PYZBAR = "raw pyzbar"
RAW_ZXING = "raw zxing-cpp"


def raw_zxing(gray: Gray) -> Reads:
    # library defaults (all formats, thorough), except the text mode: the expected values
    # are the plain content, not zxing-cpp's bracketed human-readable form
    found = zxingcpp.read_barcodes(gray, text_mode=zxingcpp.TextMode.Plain)
    return [(b.text, bytes(b.bytes)) for b in found]


def raw_pyzbar(gray: Gray) -> Reads:
    h, w = gray.shape[:2]
    out: Reads = []
    for r in pyzbar.decode((gray.tobytes(), w, h)):
        try:
            text = r.data.decode("utf-8")
        except UnicodeDecodeError:
            text = r.data.decode("latin-1")
        out.append((text, bytes(r.data)))
    return out


def tagtrail(decoder: StillDecoder) -> DecodeFn:
    def run(gray: Gray) -> Reads:
        return [(c.text, c.raw) for c in decoder.decode(gray)]

    return run


def all_decoders() -> dict[str, DecodeFn]:
    return {
        TAGTRAIL: tagtrail(StillDecoder()),
        TAGTRAIL_PYZBAR: tagtrail(StillDecoder([backends.create("pyzbar")])),
        RAW_PYZBAR: raw_pyzbar,
        RAW_ZXING: raw_zxing,
    }
