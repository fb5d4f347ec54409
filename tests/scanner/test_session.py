"""ScanSession: de-duplication, confirmation of 1D codes, quiet time, many codes, memory."""

from __future__ import annotations

import numpy as np
import pytest

from scanner import Decoded, ScanSession
from scanner.bench.synth import render_label

BOX = ((0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0))


def code(text: str, symbology: str = "QR") -> Decoded:
    return Decoded(text, symbology, text.encode(), BOX, "test")


def test_2d_code_emitted_once_on_first_sighting() -> None:
    s = ScanSession()
    first = s.observe([code("A")], now=0.0)
    assert [x.text for x in first] == ["A"]
    assert first[0].frames == 1
    for i in range(1, 10):
        assert s.observe([code("A")], now=i * 0.1) == []
    assert s.frames_seen(("QR", "A")) == 10
    assert [(x.text, x.frames) for x in s.active()] == [("A", 10)]


def test_1d_code_needs_confirmation() -> None:
    s = ScanSession(confirm_frames=2)
    assert s.observe([code("12345", "Code128")], now=0.0) == []
    emitted = s.observe([code("12345", "Code128")], now=0.1)
    assert [(x.text, x.frames) for x in emitted] == [("12345", 2)]


def test_single_frame_1d_misread_is_never_emitted() -> None:
    s = ScanSession(confirm_frames=2, quiet_seconds=1.0)
    out = s.observe([code("GOOD", "Code128"), code("G00D", "Code128")], now=0.0)
    for i in range(1, 30):
        out += s.observe([code("GOOD", "Code128")], now=i * 0.1)
    assert [x.text for x in out] == ["GOOD"]
    assert [x.text for x in s.close()] == ["GOOD"]


def test_same_code_twice_in_one_frame_counts_once() -> None:
    s = ScanSession()
    s.observe([code("A"), code("A")], now=0.0)
    assert s.frames_seen(("QR", "A")) == 1


def test_quiet_time_forgets_and_counts_again() -> None:
    s = ScanSession(quiet_seconds=2.0)
    assert len(s.observe([code("A")], now=0.0)) == 1
    assert s.observe([], now=1.5) == []  # empty frames do not forget by themselves
    assert len(s.observe([code("A")], now=3.0)) == 1  # 3 s without it: counted again
    s2 = ScanSession(quiet_seconds=2.0)
    s2.observe([code("A")], now=0.0)
    assert s2.observe([code("A")], now=1.9) == []  # within the quiet time: same scan
    again = s2.observe([code("A")], now=4.0)  # 2.1 s of quiet: a new scan
    assert [x.frames for x in again] == [1]
    finished = s2.finished()
    assert [(x.text, x.frames) for x in finished] == [("A", 2)]


def test_pallet_face_with_twenty_tags_yields_twenty_codes() -> None:
    s = ScanSession()
    tags = [code(f"TAG-{i:02d}", "Code128") for i in range(20)]
    emitted = []
    for i in range(5):
        # each frame sees a different subset, every tag at least twice overall
        seen = [t for j, t in enumerate(tags) if (j + i) % 3 != 0]
        emitted += s.observe(seen, now=i * 0.1)
    assert sorted(x.text for x in emitted) == sorted(t.text for t in tags)


def test_state_stays_bounded_over_10000_frames() -> None:
    s = ScanSession(quiet_seconds=1.0, max_tracked=64, max_finished=32)
    for i in range(10_000):
        # a flood of distinct misreads plus a real code now and then
        frame = [code(f"NOISE-{i}", "Code39")]
        if i % 7 == 0:
            frame.append(code(f"REAL-{i // 70}"))
        s.observe(frame, now=i * 0.01)
        assert len(s._tracks) <= 64
    assert len(s._finished) <= 32
    assert s.frames_fed == 10_000


def test_feed_decodes_frames() -> None:
    canvas = np.full((480, 640), 200, np.uint8)
    label = render_label("PAL-000042", module_px=2, kind="code128")
    canvas[100 : 100 + label.shape[0], 50 : 50 + label.shape[1]] = label
    s = ScanSession()
    assert s.feed(canvas, now=0.0) == []  # 1D: not yet confirmed
    out = s.feed(canvas, now=0.1)
    assert [(x.text, x.symbology) for x in out] == [("PAL-000042", "Code128")]


def test_bad_settings() -> None:
    with pytest.raises(ValueError):
        ScanSession(confirm_frames=0)
    with pytest.raises(ValueError):
        ScanSession(quiet_seconds=0)
