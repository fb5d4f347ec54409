"""The live-frame decoder on rendered 1080p frames."""

from __future__ import annotations

import cv2
import numpy as np

from scanner import Decoded, FrameDecoder
from scanner.bench.synth import frames
from scanner.regions import Box


def test_reads_labels_in_1080p_frames() -> None:
    decoder = FrameDecoder()
    read = 0
    sample = frames(6, seed=3)
    for frame in sample:
        gray = np.asarray(cv2.cvtColor(frame.image, cv2.COLOR_BGR2GRAY), dtype=np.uint8)
        found = decoder.decode(gray)
        texts = {c.text for c in found}
        assert texts <= set(frame.texts)  # nothing that is not on the label
        read += bool(texts)
        for c in found:  # corners are in full-frame coordinates
            xs = [p[0] for p in c.points]
            assert min(xs) >= 0 and max(xs) <= 1920
    assert read >= 5


def test_hints_and_empty_frames() -> None:
    decoder = FrameDecoder()
    blank = np.full((1080, 1920), 128, np.uint8)
    assert decoder.decode(blank, [Box(100, 100, 300, 300)]) == []


def test_small_frames_are_decoded_whole() -> None:
    frame = frames(1, seed=5)[0]
    small = np.asarray(
        cv2.resize(cv2.cvtColor(frame.image, cv2.COLOR_BGR2GRAY), (960, 540)), dtype=np.uint8
    )
    assert {c.text for c in FrameDecoder().decode(small)} <= set(frame.texts)


class Blind:
    """A primary back-end that reads nothing (a code too small or worn for it)."""

    name, trusted, supported = "blind", True, frozenset({"QR", "EAN-13", "Code128"})

    def read(self, gray: object, symbologies: frozenset[str], **_: object) -> list[Decoded]:
        return []


class Fixed:
    """A fallback back-end that reads the same codes wherever it looks, and counts its calls."""

    name, trusted, supported = "fixed", False, frozenset({"QR", "EAN-13", "Code128"})

    def __init__(self, *codes: Decoded) -> None:
        self.codes = codes
        self.calls = 0

    def read(self, gray: object, symbologies: frozenset[str], **_: object) -> list[Decoded]:
        self.calls += 1
        return [c for c in self.codes if c.symbology in symbologies]


def code(text: str, symbology: str, raw: bytes | None = None) -> Decoded:
    square = ((0.0, 0.0), (40.0, 0.0), (40.0, 40.0), (0.0, 40.0))
    return Decoded(text, symbology, text.encode() if raw is None else raw, square)


def label_frame() -> np.ndarray:
    gray = np.asarray(cv2.cvtColor(frames(1, seed=3)[0].image, cv2.COLOR_BGR2GRAY), np.uint8)
    return gray


def test_a_second_opinion_reads_what_the_primary_missed() -> None:
    fallback = Fixed(code("TA-0000001-H", "QR"))
    decoder = FrameDecoder(Blind(), fallbacks=[fallback], full_fallback=False)
    found = decoder.decode(label_frame())
    assert {c.text for c in found} == {"TA-0000001-H"}
    assert 1 <= fallback.calls <= 2  # bounded: at most two regions per frame
    assert found[0].points[0][0] > 0  # corners moved into frame coordinates


def test_second_opinions_are_guarded() -> None:
    doubtful = Fixed(
        code("4006381333932", "EAN-13"),  # wrong check digit
        code("Ærø", "QR", "Ærø".encode("latin-1")),  # a guessed character set
    )
    decoder = FrameDecoder(Blind(), fallbacks=[doubtful], full_fallback=False)
    assert decoder.decode(label_frame()) == []


def test_no_second_opinion_when_the_primary_reads() -> None:
    fallback = Fixed(code("OTHER", "QR"))
    decoder = FrameDecoder(fallbacks=[fallback])
    assert decoder.decode(label_frame())
    assert fallback.calls == 0
