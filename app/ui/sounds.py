"""Scan acknowledgement by ear: a short high beep when a scan is recorded, a low double buzz
for an error, a two-note chirp when the scan asks for something (claim it, bind a place).

The tones are built once in memory as small 16-bit mono WAVs with the standard library and
played through flet-audio; a technician looking at a shelf, not the phone, still knows.
"""

from __future__ import annotations

import io
import logging
import math
import struct
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from app.ui.scanflow import BIND, CLAIM, OK_KINDS, PROBLEM, REFUSED, ScanOutcome

log = logging.getLogger(__name__)

RATE = 16_000  # samples a second: plenty for beeps, keeps each file a few kB
OK, ERROR, ATTENTION = "ok", "error", "attention"


@dataclass(frozen=True, slots=True)
class Note:
    hz: float
    ms: int
    gap_ms: int = 0  # silence after the note


TONES: dict[str, tuple[Note, ...]] = {
    OK: (Note(1760, 90),),
    ERROR: (Note(220, 140, 60), Note(220, 180)),
    ATTENTION: (Note(880, 80, 30), Note(1320, 100)),
}


def sound_for(outcome: ScanOutcome) -> str | None:
    """Which sound acknowledges a scan outcome (None: stay quiet)."""
    if outcome.kind in (PROBLEM, REFUSED):
        return ERROR
    if outcome.kind in (CLAIM, BIND):
        return ATTENTION
    if outcome.kind in OK_KINDS:
        return OK
    return None


def wav(notes: Sequence[Note], volume: float = 0.5, rate: int = RATE) -> bytes:
    """Notes as a mono 16-bit WAV; each note fades in and out over 5 ms so it never clicks."""
    fade = max(1, rate * 5 // 1000)
    samples: list[int] = []
    for note in notes:
        count = rate * note.ms // 1000
        for i in range(count):
            envelope = min(1.0, i / fade, (count - 1 - i) / fade)
            value = volume * envelope * math.sin(2 * math.pi * note.hz * i / rate)
            samples.append(round(value * 32767))
        samples.extend([0] * (rate * note.gap_ms // 1000))
    out = io.BytesIO()
    with wave.open(out, "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(rate)
        file.writeframes(struct.pack(f"<{len(samples)}h", *samples))
    return out.getvalue()


@cache
def tone(name: str) -> bytes:
    """The WAV bytes of a named sound (built once per process)."""
    return wav(TONES[name])
