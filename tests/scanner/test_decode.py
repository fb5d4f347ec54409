"""scanner.decode on real images (fixtures) and on rendered frames with several codes."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

import scanner
from scanner import SYMBOLOGIES, Decoded
from scanner.bench.synth import render_label

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "scanner"
LABELLED = sorted(
    p for p in FIXTURES.iterdir() if p.with_suffix(".txt").exists() and p.suffix != ".txt"
)
NO_CODE = sorted(FIXTURES.glob("nocode-*"))


def test_fixture_set_is_there() -> None:
    assert len(LABELLED) >= 20
    assert NO_CODE


@pytest.mark.parametrize("path", LABELLED, ids=lambda p: p.name)
def test_reads_expected_text(path: Path) -> None:
    expected = path.with_suffix(".txt").read_bytes().decode("utf-8")
    found = scanner.decode(path)
    assert expected in [c.text for c in found]
    for c in found:
        assert c.symbology in SYMBOLOGIES
        assert isinstance(c.raw, bytes)
        assert len(c.points) == 4


@pytest.mark.parametrize("path", NO_CODE, ids=lambda p: p.name)
def test_no_code_no_read(path: Path) -> None:
    assert scanner.decode(path) == []


def test_symbology_names() -> None:
    by_prefix = {
        "qr-": "QR",
        "datamatrix-": "DataMatrix",
        "code128-": "Code128",
        "code39-": "Code39",
        "ean13-": "EAN-13",
        "ean8-": "EAN-8",
        "upca-": "UPC-A",
        "upce-": "UPC-E",
        "itf-": "ITF",
        "pdf417-": "PDF417",
    }
    for path in LABELLED:
        prefix = next(p for p in by_prefix if path.name.startswith(p))
        expected = path.with_suffix(".txt").read_bytes().decode("utf-8")
        hit = [c for c in scanner.decode(path) if c.text == expected]
        assert hit[0].symbology == by_prefix[prefix], path.name


def test_gray_bgr_path_and_bytes_agree() -> None:
    path = FIXTURES / "multi-qr.png"
    gray = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    texts = {
        frozenset(c.text for c in scanner.decode(x))
        for x in (path, str(path), gray, bgr, path.read_bytes())
    }
    assert len(texts) == 1
    assert len(next(iter(texts))) == 4


def _paste(canvas: np.ndarray, img: np.ndarray, x: int, y: int) -> tuple[int, int, int, int]:
    h, w = img.shape[:2]
    canvas[y : y + h, x : x + w] = img
    return (x, y, x + w, y + h)


def test_frame_with_several_codes_returns_all_with_positions() -> None:
    canvas = np.full((900, 1400), 200, np.uint8)
    places = {}
    for i, (kind, x, y) in enumerate(
        [("qr", 40, 40), ("code128", 600, 60), ("qr", 60, 500), ("code128", 620, 520)]
    ):
        text = f"ASSET-{i:04d}"
        label = render_label(text, module_px=3, kind=kind)
        places[text] = _paste(canvas, label, x, y)
    found = scanner.decode(canvas)
    texts = {c.text for c in found}
    assert texts == set(places)
    for c in found:
        x0, y0, x1, y1 = places[c.text]
        cx, cy = c.center
        assert x0 <= cx <= x1 and y0 <= cy <= y1, (c.text, c.points, places[c.text])


def test_decoded_helpers() -> None:
    c = Decoded("X", "Code128", b"X", ((0, 0), (10, 0), (10, 4), (0, 4)), "t")
    assert c.is_linear and c.key == ("Code128", "X")
    assert c.bounds() == (0, 0, 10, 4)
    assert c.moved(5, 5, 2.0).points[2] == (25.0, 13.0)
