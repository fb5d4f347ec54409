"""Memory of a long streaming session, and the process's peak memory."""

from __future__ import annotations

import resource
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from scanner.bench.synth import render_label
from scanner.session import ScanSession


def rss_mb() -> float:
    """Current resident memory of this process (Linux /proc; peak elsewhere)."""
    statm = Path("/proc/self/statm")
    if statm.exists():
        pages = int(statm.read_text().split()[1])
        return pages * resource.getpagesize() / 2**20
    return peak_mb()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


@dataclass(frozen=True, slots=True)
class SessionMemory:
    frames: int
    codes_emitted: int
    rss_after_warmup_mb: float
    rss_end_mb: float

    @property
    def growth_mb(self) -> float:
        return self.rss_end_mb - self.rss_after_warmup_mb


def run(frames: int, distinct: int = 200) -> SessionMemory:
    """Feed `frames` small frames (10 per simulated second) showing `distinct` labels in
    turn, so codes are tracked, forgotten after the quiet time, and counted again."""
    labels = []
    for i in range(distinct):
        label = render_label(f"MEM-{i:05d}", module_px=2, kind="qr")
        canvas = np.full((240, 320), 128, np.uint8)
        h, w = min(label.shape[0], 240), min(label.shape[1], 320)
        canvas[:h, :w] = label[:h, :w]
        labels.append(np.ascontiguousarray(canvas))
    session = ScanSession(quiet_seconds=1.0)
    emitted = 0
    warm = min(1000, frames // 10)
    rss_warm = rss_mb()
    for i in range(frames):
        # each label stays in view for 5 frames, then the next one
        frame = labels[(i // 5) % distinct]
        emitted += len(session.feed(frame, now=i * 0.1))
        if i + 1 == warm:
            rss_warm = rss_mb()
    return SessionMemory(frames, emitted, rss_warm, rss_mb())
