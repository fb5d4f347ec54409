"""pyzbar (ZBar) back-end: the fallback, and the only decoder some phone builds package."""

from __future__ import annotations

from typing import Any

from pyzbar import pyzbar

from scanner.backends.gtin import to_gtin13, upce_to_upca
from scanner.images import Gray
from scanner.model import CODE39, CODE128, EAN8, EAN13, ITF, QR, UPCA, UPCE, Decoded, Point

_S = pyzbar.ZBarSymbol
_SYMBOLS: dict[str, list[Any]] = {
    QR: [_S.QRCODE],
    CODE128: [_S.CODE128],
    CODE39: [_S.CODE39],
    EAN13: [_S.EAN13],
    UPCA: [_S.EAN13, _S.UPCA],
    UPCE: [_S.UPCE],
    EAN8: [_S.EAN8],
    ITF: [_S.I25],
}


# Code 39 "full ASCII": a shift character ($ % / +) and a letter stand for one character.
_FULL_ASCII: dict[str, dict[str, str]] = {
    "$": {chr(c): chr(c - 64) for c in range(ord("A"), ord("Z") + 1)},
    "%": {
        **{chr(ord("A") + i): chr(27 + i) for i in range(5)},
        **{chr(ord("F") + i): ";<=>?"[i] for i in range(5)},
        **{chr(ord("K") + i): "[\\]^_"[i] for i in range(5)},
        **{chr(ord("P") + i): "{|}~\x7f"[i] for i in range(5)},
        "U": "\x00",
        "V": "@",
        "W": "`",
        "X": "\x7f",
        "Y": "\x7f",
        "Z": "\x7f",
    },
    "/": {
        **{chr(ord("A") + i): "!\"#$%&'()*+,"[i] for i in range(12)},
        "O": "/",
        "Z": ":",
    },
    "+": {chr(c): chr(c + 32) for c in range(ord("A"), ord("Z") + 1)},
}


def code39_full_ascii(text: str) -> str:
    """Expand full-ASCII shift pairs the way zxing-cpp does; text without valid pairs stays."""
    if not any(c in _FULL_ASCII for c in text):
        return text
    out: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c in _FULL_ASCII:
            if i + 1 >= len(text) or text[i + 1] not in _FULL_ASCII[c]:
                return text  # not full ASCII after all: keep the plain reading
            out.append(_FULL_ASCII[c][text[i + 1]])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _normalise(kind: str, data: bytes) -> tuple[str, str] | None:
    """(symbology, text) in TagTrail's spelling, or None for what we do not report."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    if kind in ("EAN13", "UPCA"):
        gtin = to_gtin13(text)
        if gtin is None:
            return None
        return (UPCA if gtin.startswith("0") else EAN13, gtin)
    if kind == "UPCE":
        upca = upce_to_upca(text)
        return None if upca is None else (UPCE, "0" + upca)
    if kind == "CODE39":
        return (CODE39, code39_full_ascii(text))
    mapping = {"QRCODE": QR, "CODE128": CODE128, "CODE39": CODE39, "EAN8": EAN8, "I25": ITF}
    sym = mapping.get(kind)
    return None if sym is None else (sym, text)


class ZbarBackend:
    name = "pyzbar"
    # measured checksum-valid misreads and wrong character sets: confirm before use
    trusted = False
    supported: frozenset[str] = frozenset(_SYMBOLS)

    def read(
        self,
        gray: Gray,
        symbologies: frozenset[str],
        *,
        thorough: bool = True,
        rotate: bool | None = None,
    ) -> list[Decoded]:
        # ZBar scans rows and columns alike and has no slower mode.
        del thorough, rotate
        wanted = sorted(
            {s for name in symbologies for s in _SYMBOLS.get(name, [])}, key=lambda s: s.value
        )
        if not wanted:
            return []
        h, w = gray.shape[:2]
        found = pyzbar.decode((gray.tobytes(), w, h), symbols=wanted)
        out: list[Decoded] = []
        for r in found:
            norm = _normalise(r.type, r.data)
            if norm is None or norm[0] not in symbologies:
                continue
            left, top, width, height = r.rect
            pts: tuple[Point, Point, Point, Point] = (
                (float(left), float(top)),
                (float(left + width), float(top)),
                (float(left + width), float(top + height)),
                (float(left), float(top + height)),
            )
            out.append(Decoded(norm[1], norm[0], bytes(r.data), pts, self.name))
        return out
