"""Label symbols: Code 128 and QR encodings, read back through scanner.decode."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner import decode
from scanner.errors import (
    EmptyPayloadError,
    LabelError,
    PayloadTooLongError,
    ScannerError,
    UnencodablePayloadError,
)
from scanner.labels import make_code128, make_qr
from scanner.labels.symbols import START_B, START_C, runs


def _bars_image(modules: str, px: int = 3) -> np.ndarray:
    row = np.array([0 if m == "1" else 255 for m in modules], dtype=np.uint8).repeat(px)
    quiet = np.full(12 * px, 255, dtype=np.uint8)
    return np.tile(np.concatenate([quiet, row, quiet]), (60, 1))


def _qr_image(matrix: tuple[tuple[bool, ...], ...], px: int = 5) -> np.ndarray:
    cells = np.array(matrix, dtype=bool)
    image = np.where(cells, 0, 255).astype(np.uint8).repeat(px, 0).repeat(px, 1)
    return np.pad(image, 4 * px, constant_values=255)


def _read(image: np.ndarray, symbology: str) -> list[bytes]:
    return [d.raw for d in decode(image) if d.symbology == symbology]


def test_tag_text_encodes_compactly_and_reads_back() -> None:
    symbol = make_code128("TA-0001234-K")
    # starts in set B, switches to C for the digit run: 13 symbol characters + stop
    assert symbol.values[0] == START_B
    assert 99 in symbol.values
    assert symbol.width == 11 * 13 + 13
    assert [d.text for d in decode(_bars_image(symbol.modules))] == ["TA-0001234-K"]


@pytest.mark.parametrize("text", ["99", "9912345678", "99AB", "999999"])
def test_leading_99_pair_is_kept(text: str) -> None:
    # python-barcode 0.16 drops a leading "99"; the renderer must not
    symbol = make_code128(text)
    assert symbol.values[0] == START_C and symbol.values[1] == 99
    assert _read(_bars_image(symbol.modules), "Code128") == [text.encode()]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(st.characters(min_codepoint=0, max_codepoint=127), min_size=1, max_size=24))
def test_any_ascii_text_round_trips_through_code128(text: str) -> None:
    symbol = make_code128(text)
    assert _read(_bars_image(symbol.modules), "Code128") == [text.encode("ascii")]


@pytest.mark.parametrize(
    "payload", ["https://tagtrail.local/t/TA-0001234-K", "TP-0000003-Q", "Café ✓ 設備"]
)
def test_qr_round_trips_in_byte_mode(payload: str) -> None:
    symbol = make_qr(payload)
    assert symbol.data == payload.encode("utf-8")
    assert symbol.size == 17 + 4 * symbol.version
    assert symbol.error in "LMQH" and 0 <= symbol.mask <= 7
    assert [d.text for d in decode(_qr_image(symbol.matrix)) if d.symbology == "QR"] == [payload]


def test_tag_url_fits_a_small_qr_version() -> None:
    # the usual payload must stay small enough for 2 × 1 in labels
    assert make_qr("https://tagtrail.local/t/TA-0001234-K").version <= 3


@pytest.mark.parametrize("maker", [make_code128, make_qr])
def test_empty_payload_is_refused(maker: object) -> None:
    with pytest.raises(EmptyPayloadError, match="empty"):
        maker("")  # type: ignore[operator]


@pytest.mark.parametrize("text", ["Café", "TA-0001234-K✓", "ñ"])
def test_non_ascii_is_refused_by_code128(text: str) -> None:
    with pytest.raises(UnencodablePayloadError, match="ASCII only") as caught:
        make_code128(text)
    assert isinstance(caught.value, LabelError) and isinstance(caught.value, ScannerError)


def test_qr_payload_beyond_version_40_is_too_long() -> None:
    with pytest.raises(PayloadTooLongError, match="3500 bytes"):
        make_qr("x" * 3500)


def test_runs_finds_dark_runs() -> None:
    assert runs("0110111") == [(1, 2), (4, 3)]
    assert runs((True, False, True)) == [(0, 1), (2, 1)]
    assert runs("000") == []
