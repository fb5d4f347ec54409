"""Keyboard-wedge capture: keys seen at the page level, rebuilt into whole scans.

A handheld scanner is a keyboard: it types a code and a suffix wherever focus is, 1-2 ms per
character. The page's keyboard events carry a key label and the modifiers, not the typed
character, and Flutter web reports letters upper-case and shifted digits as the digit
(Shift+3 arrives as "3" with shift), so the character is rebuilt here from a US layout, the
layout scanners emulate by default. Nothing here touches the UI: `WedgeBuffer.feed` takes one
key and returns a completed scan when the suffix arrives.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

# What a scanner sends after each code; the key labels the page reports for each.
SUFFIXES: dict[str, tuple[str, ...]] = {
    "enter": ("Enter",),
    "tab": ("Tab",),
    "crlf": ("Enter",),  # CR LF arrives as two Enters on web; the empty second one is dropped
}
DEFAULT_SUFFIX = "enter"
STALE_AFTER_S = 5.0  # keys older than this with no suffix were a person's stray presses
MAX_SCAN_CHARS = 4096  # no label holds more; a stuck key must not grow memory without end

# US layout: what Shift makes of the keys Flutter web reports unshifted.
SHIFTED = dict(zip("1234567890-=[];'`\\,./", '!@#$%^&*()_+{}:"~|<>?', strict=True))
NAMED = {"Space": " ", **{f"Numpad {d}": d for d in "0123456789"}}
NAMED.update({"Numpad Decimal": ".", "Numpad Subtract": "-", "Numpad Divide": "/"})


def character(key: str, shift: bool) -> str | None:
    """The character a key press typed, or None for a key that types nothing (Shift, F5…)."""
    key = NAMED.get(key, key)
    if len(key) != 1:
        return None
    if key.isalpha():
        return key.upper() if shift else key.lower()
    if shift:
        return SHIFTED.get(key, key)
    return key


def keys_for(text: str) -> list[tuple[str, bool]]:
    """The (key, shift) presses Flutter web reports when `text` is typed on a US layout: the
    inverse of `character`, used by tests and the benchmark to type as a scanner does."""
    unshift = {v: k for k, v in SHIFTED.items()}
    presses: list[tuple[str, bool]] = []
    for ch in text:
        if ch.isalpha():
            presses.append((ch.upper(), ch.isupper()))
        elif ch in unshift:
            presses.append((unshift[ch], True))
        else:
            presses.append((ch, False))
    return presses


@dataclass
class WedgeBuffer:
    """Characters of the scan being typed, split into scans on the suffix."""

    suffix: str = DEFAULT_SUFFIX
    stale_after_s: float = STALE_AFTER_S
    clock: Callable[[], float] = time.monotonic
    _chars: list[str] = field(default_factory=list)
    _last_at: float = 0.0

    def __post_init__(self) -> None:
        if self.suffix not in SUFFIXES:
            raise ValueError(f"wedge suffix must be one of {', '.join(SUFFIXES)}")

    def feed(
        self,
        key: str,
        *,
        shift: bool = False,
        ctrl: bool = False,
        alt: bool = False,
        meta: bool = False,
    ) -> str | None:
        """Take one key press; the whole scan when this key ends one, else None."""
        now = self.clock()
        if self._chars and now - self._last_at > self.stale_after_s:
            self._chars.clear()
        self._last_at = now
        if ctrl or alt or meta:
            return None  # shortcuts, not scanned text
        if key in SUFFIXES[self.suffix]:
            text = "".join(self._chars).strip()
            self._chars.clear()
            return text or None
        typed = character(key, shift)
        if typed is not None and len(self._chars) < MAX_SCAN_CHARS:
            self._chars.append(typed)
        return None

    def clear(self) -> None:
        self._chars.clear()

    @property
    def pending(self) -> str:
        return "".join(self._chars)
