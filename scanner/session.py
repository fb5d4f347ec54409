"""A streaming scan session: frames in one at a time, each distinct code out once.

Rules:
- a 2D code (QR, DataMatrix, PDF417: error-corrected) is emitted on its first sighting;
- a 1D code is emitted once `confirm_frames` frames have read the same value while it was
  being tracked: a single-frame 1D read can be a believable misread;
- a code not seen for `quiet_seconds` is forgotten; scanned again later, it counts again;
- every code in view counts, so a pallet face with 20 tags yields 20 codes.
State is bounded (`max_tracked`, `max_finished`), so a long session holds flat memory.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from scanner.images import load_gray
from scanner.live import FrameDecoder, box_of
from scanner.model import Decoded
from scanner.regions import Box


@dataclass(frozen=True, slots=True)
class Sighting:
    """A code the session reports: its latest read and how many frames saw it."""

    code: Decoded
    frames: int
    first_seen: float
    last_seen: float

    @property
    def text(self) -> str:
        return self.code.text

    @property
    def symbology(self) -> str:
        return self.code.symbology


@dataclass(slots=True)
class _Track:
    code: Decoded
    frames: int
    first_seen: float
    last_seen: float
    emitted: bool = False

    def snapshot(self) -> Sighting:
        return Sighting(self.code, self.frames, self.first_seen, self.last_seen)


class ScanSession:
    """De-duplicates and confirms codes across a stream of frames."""

    def __init__(
        self,
        decoder: FrameDecoder | None = None,
        *,
        confirm_frames: int = 2,
        quiet_seconds: float = 3.0,
        clock: Callable[[], float] = time.monotonic,
        max_tracked: int = 512,
        max_finished: int = 1024,
        hint_seconds: float = 0.5,
        max_hints: int = 4,
    ) -> None:
        if confirm_frames < 1:
            raise ValueError("confirm_frames must be at least 1")
        if quiet_seconds <= 0:
            raise ValueError("quiet_seconds must be positive")
        self._decoder = decoder
        self.confirm_frames = confirm_frames
        self.quiet_seconds = quiet_seconds
        self._clock = clock
        self._max_tracked = max_tracked
        self._hint_seconds = hint_seconds
        self._max_hints = max_hints
        self._tracks: dict[tuple[str, str], _Track] = {}
        # emitted codes that were forgotten, with their final frame counts
        self._finished: deque[Sighting] = deque(maxlen=max_finished)
        self.frames_fed = 0

    @property
    def decoder(self) -> FrameDecoder:
        if self._decoder is None:
            self._decoder = FrameDecoder()
        return self._decoder

    def feed(self, frame: object, now: float | None = None) -> list[Sighting]:
        """Decode one frame (array or path); returns the codes that became reportable."""
        gray = load_gray(frame)
        t = self._clock() if now is None else now
        codes = self.decoder.decode(gray, self.hints(t))
        return self.observe(codes, t)

    def observe(self, codes: Iterable[Decoded], now: float | None = None) -> list[Sighting]:
        """Account one frame's decoded codes; returns the codes that became reportable."""
        t = self._clock() if now is None else now
        self.frames_fed += 1
        self._forget(t)
        out: list[Sighting] = []
        seen_this_frame: set[tuple[str, str]] = set()
        for code in codes:
            key = code.key
            if key in seen_this_frame:
                continue  # the same code twice in a frame is one sighting of it
            seen_this_frame.add(key)
            track = self._tracks.get(key)
            if track is None:
                track = _Track(code, 0, t, t)
                self._tracks[key] = track
                self._bound()
            track.code = code
            track.frames += 1
            track.last_seen = t
            needed = self.confirm_frames if code.is_linear else 1
            if not track.emitted and track.frames >= needed:
                track.emitted = True
                out.append(track.snapshot())
        return out

    def hints(self, now: float) -> list[Box]:
        """Where codes were in the last moments: the decoder looks there first."""
        recent = [tr for tr in self._tracks.values() if now - tr.last_seen <= self._hint_seconds]
        recent.sort(key=lambda tr: tr.last_seen, reverse=True)
        return [box_of(tr.code) for tr in recent[: self._max_hints]]

    def active(self) -> list[Sighting]:
        """Codes currently reported (emitted and not yet forgotten), with frame counts."""
        return [tr.snapshot() for tr in self._tracks.values() if tr.emitted]

    def finished(self) -> list[Sighting]:
        """Reported codes that have since been forgotten, with their final frame counts;
        the list is handed over once (and bounded if nobody collects it)."""
        out = list(self._finished)
        self._finished.clear()
        return out

    def frames_seen(self, code: Decoded | tuple[str, str]) -> int:
        key = code.key if isinstance(code, Decoded) else code
        track = self._tracks.get(key)
        return 0 if track is None else track.frames

    def close(self, now: float | None = None) -> list[Sighting]:
        """End the session: every reported code with its final frame count."""
        del now
        out = self.finished() + [tr.snapshot() for tr in self._tracks.values() if tr.emitted]
        self._tracks.clear()
        return out

    def _forget(self, now: float) -> None:
        stale = [k for k, tr in self._tracks.items() if now - tr.last_seen > self.quiet_seconds]
        for key in stale:
            track = self._tracks.pop(key)
            if track.emitted:
                self._finished.append(track.snapshot())

    def _bound(self) -> None:
        """Drop the longest-unseen tracks beyond `max_tracked` (a flood of misreads)."""
        if len(self._tracks) <= self._max_tracked:
            return
        oldest = sorted(self._tracks.items(), key=lambda kv: kv[1].last_seen)
        for key, track in oldest[: len(self._tracks) - self._max_tracked]:
            del self._tracks[key]
            if track.emitted:
                self._finished.append(track.snapshot())
