"""The two symbols a label carries, as module grids.

Code 128 bars come from python-barcode and the QR matrix from segno; the renderers draw these
grids as vector rectangles (PDF), pixels (raster) or hand them to the printer (ZPL), so every
output shows the same symbol.
"""

from __future__ import annotations

from dataclasses import dataclass

import segno
from barcode.charsets import code128 as code128_sets
from barcode.codex import Code128

from scanner.errors import EmptyPayloadError, PayloadTooLongError, UnencodablePayloadError

# Code 128 value of each start code, by code set.
START_A, START_B, START_C = (code128_sets.START_CODES[s] for s in "ABC")
# QR error correction: M (15 %) is the usual choice for printed labels; segno raises it for free
# when the payload leaves room in the same version.
QR_ERROR = "m"


class _FixedCode128(Code128):  # type: ignore[misc]  # python-barcode ships no type hints
    """python-barcode's Code 128 with its leading-"99" bug worked around.

    In python-barcode 0.16 a text starting with "99" loses that pair: the first code set C value
    99 is taken for a redundant "switch to C" and folded into the start code (upstream issue
    #251, fixed after the 0.16.1 release). Only a real switch to A or B may be folded.
    """

    def _try_to_optimize(self, encoded: list[int]) -> list[int]:
        if encoded[0] == START_C and len(encoded) > 1 and encoded[1] == 99:
            return encoded
        result: list[int] = super()._try_to_optimize(encoded)
        return result


@dataclass(frozen=True)
class Code128Symbol:
    """A Code 128 symbol: its text, code values and bar modules."""

    text: str
    # code values from the start code through the last data value (no check value, no stop)
    values: tuple[int, ...]
    # one character per module, "1" a bar and "0" a space, check value and stop included,
    # quiet zones excluded
    modules: str

    @property
    def width(self) -> int:
        """Width in modules, quiet zones excluded."""
        return len(self.modules)


@dataclass(frozen=True)
class QRSymbol:
    """A QR Code symbol: the payload, the bytes it carries and its module matrix."""

    payload: str
    data: bytes
    version: int
    error: str  # "L", "M", "Q" or "H"
    mask: int
    matrix: tuple[tuple[bool, ...], ...]  # True = dark, quiet zone excluded

    @property
    def size(self) -> int:
        """Modules per side, quiet zone excluded."""
        return len(self.matrix)


def make_code128(text: str) -> Code128Symbol:
    """Encode `text` as Code 128, or raise a LabelError subclass saying why it cannot be."""
    if not text:
        raise EmptyPayloadError("the Code 128 text is empty")
    for position, char in enumerate(text, start=1):
        # python-barcode would read a few Latin-1 letters as function codes, so check ASCII here.
        if ord(char) > 127:
            raise UnencodablePayloadError(
                f"Code 128 carries ASCII only; {char!r} at position {position} of {text!r} "
                "cannot be encoded"
            )
    # a fresh encoder for each call: python-barcode keeps the current code set on the instance
    values = tuple(_FixedCode128(text).encoded)
    modules = _FixedCode128(text).build()[0]
    return Code128Symbol(text=text, values=values, modules=modules)


def make_qr(payload: str) -> QRSymbol:
    """Encode `payload` as a QR Code (byte mode, UTF-8), or raise a LabelError subclass."""
    if not payload:
        raise EmptyPayloadError("the QR payload is empty")
    data = payload.encode("utf-8")
    # Byte mode always, so the ZPL printer (told "byte mode, this many bytes") makes the same
    # symbol, of the same version, as the PDF and raster renderers.
    try:
        qr = segno.make_qr(data, error=QR_ERROR, mode="byte")
    except segno.DataOverflowError as exc:
        raise PayloadTooLongError(
            f"the QR payload is {len(data)} bytes, more than any QR Code can hold"
        ) from exc
    matrix = tuple(tuple(bool(cell) for cell in row) for row in qr.matrix)
    return QRSymbol(
        payload=payload,
        data=data,
        version=int(qr.version),
        error=str(qr.error),
        mask=int(qr.mask),
        matrix=matrix,
    )


def runs(cells: str | tuple[bool, ...]) -> list[tuple[int, int]]:
    """The dark runs of a row of modules, as (start, length) pairs.

    Drawing one rectangle per run instead of one per module keeps PDFs small and edges clean.
    """
    found: list[tuple[int, int]] = []
    start = -1
    for index, cell in enumerate(cells):
        dark = cell == "1" if isinstance(cell, str) else bool(cell)
        if dark and start < 0:
            start = index
        elif not dark and start >= 0:
            found.append((start, index - start))
            start = -1
    if start >= 0:
        found.append((start, len(cells) - start))
    return found
