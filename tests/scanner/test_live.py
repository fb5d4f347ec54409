"""The live-frame decoder on rendered 1080p frames."""

from __future__ import annotations

import cv2
import numpy as np

from scanner import FrameDecoder
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
