"""Frame sources: image files, video files, OpenCV cameras and stills handed over by the app.

Every source is an iterator of frames (numpy arrays, gray or BGR) and a context manager.
Failures become `SourceError` / `CameraUnavailableError` with a clear message; opening or
reading a camera never blocks longer than its timeout (a missing or busy camera, an
unreachable stream URL).
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import cv2
import numpy as np
from numpy.typing import NDArray

from scanner.errors import CameraUnavailableError, SourceError
from scanner.images import decode_bytes, read_gray

Frame = NDArray[np.uint8]
T = TypeVar("T")


class FrameSource:
    """Base: iterate for frames, `close()` (or use `with`) to release the device/file."""

    def __iter__(self) -> Iterator[Frame]:
        raise NotImplementedError

    def close(self) -> None:
        """Release what the source holds; safe to call twice."""

    def __enter__(self) -> FrameSource:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class ImageFiles(FrameSource):
    """Each image file is one frame (gray)."""

    def __init__(self, paths: Iterable[str | os.PathLike[str]]) -> None:
        self.paths = [Path(p) for p in paths]

    def __iter__(self) -> Iterator[Frame]:
        for p in self.paths:
            yield read_gray(p)


class VideoFile(FrameSource):
    """Frames of a video file, in order (used by tests and for replaying recordings)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise SourceError(f"video file not found: {self.path}")
        self._cap = cv2.VideoCapture(str(self.path))
        if not self._cap.isOpened():
            self._cap.release()
            raise SourceError(f"cannot open video file (corrupt or unsupported): {self.path}")

    def __iter__(self) -> Iterator[Frame]:
        count = 0
        while True:
            ok, frame = self._cap.read()
            if not ok or frame is None:
                break
            count += 1
            yield np.asarray(frame, dtype=np.uint8)
        if count == 0:
            raise SourceError(f"video file has no readable frames: {self.path}")

    def close(self) -> None:
        self._cap.release()


def _within(seconds: float, work: Callable[[], T], what: str) -> T:
    """Run `work` in a daemon thread; give up after `seconds` (OpenCV calls cannot be
    interrupted, so a stuck call is left behind rather than blocking the caller)."""
    box: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=1)

    def run() -> None:
        try:
            box.put((True, work()))
        except Exception as exc:  # handed to the caller below
            box.put((False, exc))

    threading.Thread(target=run, name=f"scanner-{what}", daemon=True).start()
    try:
        ok, value = box.get(timeout=seconds)
    except queue.Empty:
        raise CameraUnavailableError(f"{what} did not answer within {seconds:g} s") from None
    if not ok:
        raise CameraUnavailableError(f"{what} failed: {value}") from value
    result: T = value
    return result


class Camera(FrameSource):
    """An OpenCV camera by index (0 = default webcam) or stream URL (desktop builds).

    Raises `CameraUnavailableError` within `timeout` seconds when the camera is missing,
    busy or silent.
    """

    def __init__(
        self,
        device: int | str = 0,
        *,
        timeout: float = 1.0,
        width: int | None = None,
        height: int | None = None,
    ) -> None:
        self.device = device
        self.timeout = timeout
        name = f"camera {device!r}"
        self._name = name

        def open_camera() -> Any:
            cap = cv2.VideoCapture(device)
            if not cap.isOpened():
                cap.release()
                raise CameraUnavailableError(f"{name} is missing or busy")
            if width is not None:
                cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
            if height is not None:
                cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
            return cap

        try:
            self._cap: Any = _within(timeout, open_camera, f"opening {name}")
        except CameraUnavailableError as exc:
            cause = exc.__cause__
            if isinstance(cause, CameraUnavailableError):
                raise cause from None
            raise

    def read(self) -> Frame:
        """One frame, or `CameraUnavailableError` if none arrives within the timeout."""

        def grab() -> Frame:
            ok, frame = self._cap.read()
            if not ok or frame is None:
                raise CameraUnavailableError(f"{self._name} delivered no frame")
            return np.asarray(frame, dtype=np.uint8)

        return _within(self.timeout, grab, f"reading {self._name}")

    def __iter__(self) -> Iterator[Frame]:
        while True:
            yield self.read()

    def close(self) -> None:
        self._cap.release()


class HandedStills(FrameSource):
    """Stills the app hands over (phone cameras deliver encoded JPEG/PNG stills).

    `put` accepts encoded bytes or an array; iteration yields decoded frames until
    `close()`; `get(timeout)` waits for the next one.
    """

    _END = object()

    def __init__(self, maxsize: int = 8) -> None:
        self._queue: queue.Queue[object] = queue.Queue(maxsize=maxsize)
        self._closed = False

    def put(self, still: bytes | Frame, timeout: float | None = 1.0) -> None:
        if self._closed:
            raise SourceError("cannot hand a still to a closed source")
        frame = decode_bytes(still) if isinstance(still, bytes | bytearray) else still
        try:
            self._queue.put(frame, timeout=timeout)
        except queue.Full:
            raise SourceError("still queue is full: frames are not being consumed") from None

    def get(self, timeout: float | None = None) -> Frame | None:
        """The next still, or None when closed (or nothing within `timeout`)."""
        try:
            item = self._queue.get(timeout=timeout)
        except queue.Empty:
            return None
        if item is self._END:
            self._queue.put(self._END)  # keep later callers ending too
            return None
        assert isinstance(item, np.ndarray)
        return item

    def __iter__(self) -> Iterator[Frame]:
        while (frame := self.get()) is not None:
            yield frame

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._queue.put(self._END)
