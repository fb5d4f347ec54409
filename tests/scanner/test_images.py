"""Bad input gives a clear ImageError, never a deep library traceback."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest

import scanner
from scanner.errors import ImageError, ImageTooLargeError, ScannerError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "scanner"


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims `width` x `height` (no pixel data worth decoding)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0"))
        + chunk(b"IEND", b"")
    )


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="not found"):
        scanner.decode(tmp_path / "nope.png")


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="not an image file"):
        scanner.decode(tmp_path)


def test_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "empty.png"
    p.write_bytes(b"")
    with pytest.raises(ImageError, match="empty"):
        scanner.decode(p)


def test_corrupt_file(tmp_path: Path) -> None:
    p = tmp_path / "corrupt.jpg"
    p.write_bytes(b"this is not an image at all" * 10)
    with pytest.raises(ImageError, match="not a readable image"):
        scanner.decode(p)


def test_truncated_file(tmp_path: Path) -> None:
    ok, buf = cv2.imencode(".png", np.random.default_rng(1).integers(0, 255, (200, 200), np.uint8))
    assert ok
    p = tmp_path / "truncated.png"
    p.write_bytes(buf.tobytes()[: len(buf) // 2])
    with pytest.raises(ImageError, match="corrupt or truncated"):
        scanner.decode(p)


def test_truncated_bytes() -> None:
    data = (FIXTURES / "multi-qr.png").read_bytes()
    with pytest.raises(ImageError):
        scanner.decode(data[: len(data) // 3])


def test_huge_image_refused_before_decoding(tmp_path: Path) -> None:
    p = tmp_path / "huge.png"
    p.write_bytes(_png_header_only(40_000, 40_000))
    with pytest.raises(ImageTooLargeError, match="more than"):
        scanner.decode(p)


def test_huge_array_refused() -> None:
    big = np.broadcast_to(np.uint8(0), (20_000, 20_000))  # no memory behind it
    with pytest.raises(ImageTooLargeError):
        scanner.decode(big)


@pytest.mark.parametrize(
    "array",
    [
        np.zeros((0, 0), np.uint8),
        np.zeros((10, 0), np.uint8),
        np.zeros((10, 10), np.float32),
        np.zeros((10, 10, 2), np.uint8),
        np.zeros((2, 10, 10, 3), np.uint8),
    ],
    ids=["empty", "no-width", "float", "two-channels", "4d"],
)
def test_bad_arrays(array: np.ndarray) -> None:
    with pytest.raises(ImageError):
        scanner.decode(array)


def test_wrong_type() -> None:
    with pytest.raises(ScannerError, match="numpy array"):
        scanner.decode(12345)


def test_blank_image_decodes_to_nothing() -> None:
    assert scanner.decode(np.full((300, 300, 3), 255, np.uint8)) == []
