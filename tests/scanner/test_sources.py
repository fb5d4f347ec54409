"""Frame sources: image files, video files, cameras (missing, slow), handed-over stills."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from scanner import ScanSession
from scanner.bench.synth import render_label
from scanner.errors import CameraUnavailableError, ImageError, SourceError
from scanner.sources import Camera, HandedStills, ImageFiles, VideoFile

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "scanner"


def _label_frame(text: str, x: int) -> np.ndarray:
    canvas = np.full((360, 640, 3), 190, np.uint8)
    label = cv2.cvtColor(render_label(text, module_px=2, kind="code128"), cv2.COLOR_GRAY2BGR)
    canvas[60 : 60 + label.shape[0], x : x + label.shape[1]] = label
    return canvas


def test_video_file_source_feeds_a_session(tmp_path: Path) -> None:
    path = tmp_path / "scan.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10, (640, 360))
    assert writer.isOpened()
    for i in range(6):
        writer.write(_label_frame("BOX-7", 20 + 5 * i))
    writer.release()
    session = ScanSession()
    emitted = []
    with VideoFile(path) as video:
        frames = 0
        for i, frame in enumerate(video):
            frames += 1
            emitted += session.feed(frame, now=i * 0.1)
    assert frames == 6
    assert [(s.text, s.symbology) for s in emitted] == [("BOX-7", "Code128")]
    assert session.frames_seen(("Code128", "BOX-7")) == 6


def test_video_file_errors(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="not found"):
        VideoFile(tmp_path / "missing.avi")
    bad = tmp_path / "bad.avi"
    bad.write_bytes(b"not a video")
    with pytest.raises(SourceError):
        source = VideoFile(bad)
        list(source)


def test_image_files_source() -> None:
    paths = sorted(FIXTURES.glob("qr-*.webp"))[:2]
    frames = list(ImageFiles(paths))
    assert len(frames) == 2 and all(f.ndim == 2 for f in frames)


def test_missing_camera_fails_fast() -> None:
    start = time.monotonic()
    with pytest.raises(CameraUnavailableError):
        Camera(97, timeout=1.0)
    assert time.monotonic() - start < 1.5


class _StuckCapture:
    """A camera that never answers (a busy device, an unreachable stream URL)."""

    def __init__(self, *args: Any) -> None:
        time.sleep(5)

    def isOpened(self) -> bool:
        return True


class _SilentCapture:
    def __init__(self, *args: Any) -> None:
        pass

    def isOpened(self) -> bool:
        return True

    def set(self, *args: Any) -> bool:
        return True

    def read(self) -> tuple[bool, None]:
        time.sleep(5)
        return False, None

    def release(self) -> None:
        pass


def test_stuck_camera_times_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("scanner.sources.cv2.VideoCapture", _StuckCapture)
    start = time.monotonic()
    with pytest.raises(CameraUnavailableError, match="did not answer"):
        Camera("rtsp://192.0.2.1/stream", timeout=0.3)
    assert time.monotonic() - start < 1.0


def test_silent_camera_read_times_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("scanner.sources.cv2.VideoCapture", _SilentCapture)
    cam = Camera(0, timeout=0.3)
    start = time.monotonic()
    with pytest.raises(CameraUnavailableError):
        cam.read()
    assert time.monotonic() - start < 1.0
    cam.close()


def test_handed_stills() -> None:
    stills = HandedStills()
    png = (FIXTURES / "multi-qr.png").read_bytes()
    stills.put(png)
    stills.put(np.zeros((20, 20), np.uint8))
    stills.close()
    frames = list(stills)
    assert len(frames) == 2
    assert frames[0].ndim == 2
    with pytest.raises(SourceError):
        stills.put(png)


def test_handed_still_corrupt() -> None:
    with pytest.raises(ImageError):
        HandedStills().put(b"\xff\xd8\xff garbage")
