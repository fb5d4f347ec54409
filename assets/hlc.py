"""A hybrid logical clock: wall time in ms, a counter for events within one ms, and the device.

Stamps order events across devices even when their clocks disagree, and a stamp is never below
one a device has already seen, so causally later events sort later. The wall clock is injected:
the domain core never reads the time itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from assets.errors import ClockDriftError, InvalidOperation

MAX_COUNTER = 99_999
DAY_MS = 86_400_000
# Clocks a day off must still work; further than this is a broken clock, not a skewed one.
DEFAULT_MAX_DRIFT_MS = 2 * DAY_MS
_STAMP = re.compile(r"^(\d{13})-(\d{5})-([A-Za-z0-9_.:\-]{1,64})$")


@dataclass(frozen=True, slots=True, order=True)
class Stamp:
    wall_ms: int
    counter: int
    device: str
    # The text form, made once: a stamp is written out several times per operation ingested.
    text: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Fixed-width numbers so the text form sorts like the tuple.
        text = f"{self.wall_ms:013d}-{self.counter:05d}-{self.device}"
        object.__setattr__(self, "text", text)

    def __str__(self) -> str:
        return self.text


def parse_stamp(text: object) -> Stamp:
    if not isinstance(text, str):
        raise InvalidOperation("hlc", "a clock stamp is text like 1732700000000-00000-device")
    match = _STAMP.match(text)
    if not match:
        raise InvalidOperation("hlc", f"'{text[:80]}' is not a clock stamp (wall-counter-device)")
    return Stamp(int(match.group(1)), int(match.group(2)), match.group(3))


class HybridClock:
    """Issues stamps for one device. Not thread-safe: one clock per writer."""

    def __init__(
        self,
        device: str,
        now_ms: Callable[[], int],
        last: Stamp | None = None,
        max_drift_ms: int = DEFAULT_MAX_DRIFT_MS,
    ) -> None:
        self.device = device
        self._now_ms = now_ms
        self._wall = last.wall_ms if last else 0
        self._counter = last.counter if last else 0
        self.max_drift_ms = max_drift_ms

    @property
    def last(self) -> Stamp:
        return Stamp(self._wall, self._counter, self.device)

    def tick(self) -> Stamp:
        """A stamp for a local event, later than every stamp issued or seen before."""
        now = self._now_ms()
        if now > self._wall:
            self._wall, self._counter = now, 0
        else:
            self._advance_counter()
        return self.last

    def observe(self, remote: Stamp) -> Stamp:
        """Take in a stamp from elsewhere (a pulled change) so later local stamps sort after it."""
        now = self._now_ms()
        if remote.wall_ms - now > self.max_drift_ms:
            raise ClockDriftError(
                f"a stamp from {remote.device} is {(remote.wall_ms - now) // 3_600_000} h ahead "
                "of this device's clock: check the date and time on both devices"
            )
        wall = max(self._wall, remote.wall_ms, now)
        if wall == self._wall == remote.wall_ms:
            self._counter = max(self._counter, remote.counter)
            self._advance_counter()
        elif wall == self._wall:
            self._advance_counter()
        elif wall == remote.wall_ms:
            self._wall, self._counter = wall, remote.counter
            self._advance_counter()
        else:
            self._wall, self._counter = wall, 0
        return self.last

    def _advance_counter(self) -> None:
        if self._counter >= MAX_COUNTER:
            # Borrow the next millisecond rather than overflow the fixed-width counter.
            self._wall += 1
            self._counter = 0
        else:
            self._counter += 1
