"""Turning what callers hand us (arrays, file paths) into 8-bit gray frames, with clear errors."""

from __future__ import annotations

import io
import os
import warnings
from pathlib import Path
from typing import TypeAlias

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, UnidentifiedImageError

from scanner.errors import ImageError, ImageTooLargeError

Gray: TypeAlias = NDArray[np.uint8]
ImageInput: TypeAlias = "NDArray[np.generic] | str | os.PathLike[str]"

# 100 megapixels: bigger than any phone still, small enough to keep a decode's memory sane.
MAX_PIXELS = 100_000_000


def check_size(width: int, height: int, what: str) -> None:
    if width <= 0 or height <= 0:
        raise ImageError(f"{what} is empty ({width}x{height} pixels)")
    if width * height > MAX_PIXELS:
        raise ImageTooLargeError(
            f"{what} is {width}x{height} pixels, more than the {MAX_PIXELS:,} the scanner accepts"
        )


def to_gray(image: NDArray[np.generic], what: str = "image") -> Gray:
    """A 2-D uint8 view/copy of a gray, BGR or BGRA array."""
    if not isinstance(image, np.ndarray):
        raise ImageError(f"{what} must be a numpy array or a file path, not {type(image).__name__}")
    if image.dtype != np.uint8:
        raise ImageError(f"{what} must hold 8-bit pixels (uint8), not {image.dtype}")
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    if image.ndim == 2:
        check_size(image.shape[1], image.shape[0], what)
        return np.ascontiguousarray(image)
    if image.ndim == 3 and image.shape[2] in (3, 4):
        check_size(image.shape[1], image.shape[0], what)
        code = cv2.COLOR_BGR2GRAY if image.shape[2] == 3 else cv2.COLOR_BGRA2GRAY
        return np.asarray(cv2.cvtColor(np.ascontiguousarray(image), code), dtype=np.uint8)
    raise ImageError(
        f"{what} has shape {image.shape}; expected gray (H, W) or BGR/BGRA (H, W, 3|4)"
    )


def read_gray(path: str | os.PathLike[str]) -> Gray:
    """Load an image file as gray; any failure becomes an `ImageError` naming the file."""
    p = Path(path)
    if not p.exists():
        raise ImageError(f"image file not found: {p}")
    if not p.is_file():
        raise ImageError(f"not an image file: {p}")
    if p.stat().st_size == 0:
        raise ImageError(f"image file is empty: {p}")
    return _decode(p, f"image {p.name}")


def decode_bytes(data: bytes | bytearray) -> Gray:
    """Decode an encoded image held in memory (a phone camera's JPEG still) as gray."""
    if not data:
        raise ImageError("image data is empty (0 bytes)")
    return _decode(io.BytesIO(bytes(data)), "image data")


def _decode(source: Path | io.BytesIO, what: str) -> Gray:
    try:
        # Pillow warns about "decompression bombs" before we can look at the size;
        # we do our own, stricter, check right after opening.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(source) as im:
                check_size(im.width, im.height, what)
                im.load()  # decode fully now, so truncation surfaces here
                gray = im.convert("L")
    except ImageError:
        raise
    except Image.DecompressionBombError as exc:
        raise ImageTooLargeError(
            f"{what} is too large: more than the {MAX_PIXELS:,} pixels the scanner accepts"
        ) from exc
    except UnidentifiedImageError as exc:
        raise ImageError(f"{what} is not a readable image (corrupt or unknown format)") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        # Pillow reports truncated/corrupt data as OSError ("image file is truncated ...").
        raise ImageError(f"{what} is corrupt or truncated ({exc})") from exc
    return np.asarray(gray, dtype=np.uint8)


def load_gray(image: object) -> Gray:
    """Gray frame from an array, a path or encoded image bytes."""
    if isinstance(image, str | os.PathLike):
        return read_gray(image)
    if isinstance(image, bytes | bytearray):
        return decode_bytes(image)
    if isinstance(image, np.ndarray):
        return to_gray(image)
    raise ImageError(
        f"expected a numpy array, a file path or image bytes, not {type(image).__name__}"
    )
