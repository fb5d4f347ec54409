"""The camera's take-picture loop, apart from flet: pacing, decoding, one report per tag, and
camera failures said in words a technician can act on.

flet-camera has no image stream on web, so the panel grabs stills (JPEG) in a loop and decodes
them here. The loop is paced (a phone's battery and the page's link both pay for each still),
decoding runs in a worker thread, and a tag read by its QR and by its Code 128, or in many
frames, is reported once per camera session.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from assets.tags import Resolution, resolve
from scanner import ScanSession
from scanner.errors import ScannerError

log = logging.getLogger(__name__)

MIN_INTERVAL_S = 0.15  # at most ~7 stills a second: plenty to scan, light on battery and link
MIN_PAUSE_S = 0.02  # always yield between stills, even when decoding was slow
MAX_GRAB_FAILURES = 3  # consecutive failed stills before the loop gives up

NO_CAMERA = "No camera found on this device. Use a handheld scanner or type the tag."
DENIED = (
    "Camera permission was refused. Allow the camera for this site in the browser's settings, "
    "or use a handheld scanner."
)
INSECURE = "The browser allows the camera only over HTTPS or on localhost."
UNSUPPORTED = "This app window cannot use a camera: use a handheld scanner, or open the web app."
BUSY = "The camera is in use by another app: close it and try again."


class Sighted(Protocol):
    """A decoded code as `scanner.ScanSession` reports it."""

    @property
    def text(self) -> str: ...

    @property
    def symbology(self) -> str: ...


def camera_problem(error: BaseException | str) -> str:
    """What went wrong with the camera, as one sentence (the browser's and plugin's words vary)."""
    text = str(error)
    words = text.lower()
    if any(w in words for w in ("permission", "notallowed", "denied", "not allowed")):
        return DENIED
    if any(w in words for w in ("notfound", "not found", "no camera", "devicesnotfound")):
        return NO_CAMERA
    if any(w in words for w in ("secure", "https")):
        return INSECURE
    if "unsupported" in words or "not supported" in words or "unimplemented" in words:
        return UNSUPPORTED
    if any(w in words for w in ("notreadable", "in use", "could not start")):
        return BUSY
    return f"The camera stopped: {text[:160] or type(error).__name__}"


Reader = Callable[[str, str | None], Resolution]  # what a scanned text names


class CodeGate:
    """Lets each tag through once: a label's QR and Code 128 name the same tag, and a tag held
    in view is seen in every frame. A foreign code (serial, GS1) counts by its text.

    `read` should be the device's own reading (the store's label base URL, imported tags):
    with another, a QR printed with the store's URL and its Code 128 would pass as two."""

    def __init__(self, read: Reader | None = None) -> None:
        self._read: Reader = read or resolve
        self._seen: set[str] = set()

    def identity(self, text: str, symbology: str | None = None) -> str:
        found = self._read(text, symbology)
        tag = found.fields.get("tag")
        return f"{found.kind}:{tag}" if tag else text.strip()

    def admit(self, text: str, symbology: str | None = None) -> bool:
        key = self.identity(text, symbology)
        if key in self._seen:
            return False
        self._seen.add(key)
        return True


@dataclass
class LoopStats:
    stills: int = 0
    unreadable: int = 0  # stills the decoder could not use
    codes: int = 0  # codes reported


class StillLoop:
    """Grab a still, decode it, report new codes, wait; until `stop()` or the camera fails."""

    def __init__(
        self,
        grab: Callable[[], Awaitable[bytes]],
        on_code: Callable[[str, str], Any],
        on_error: Callable[[str], Any],
        *,
        decode: Callable[[bytes], Sequence[Sighted]] | None = None,
        min_interval_s: float = MIN_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        read: Reader | None = None,
    ) -> None:
        self.grab = grab
        self.on_code = on_code
        self.on_error = on_error
        self.decode = decode or ScanSession().feed
        self.min_interval_s = min_interval_s
        self.clock = clock
        self.sleep = sleep
        self.gate = CodeGate(read)
        self.stats = LoopStats()
        self.running = True

    def stop(self) -> None:
        self.running = False

    async def run(self) -> LoopStats:
        failures = 0
        while self.running:
            started = self.clock()
            try:
                still = await self.grab()
            except Exception as exc:  # the plugin reports failures as plain exceptions
                failures += 1
                if failures >= MAX_GRAB_FAILURES and self.running:
                    self.running = False
                    self.on_error(camera_problem(exc))
                    break
                await self.sleep(self.min_interval_s)
                continue
            failures = 0
            if not self.running:
                break  # closed while the still was on its way: do not record from it
            self.stats.stills += 1
            try:
                found = await asyncio.to_thread(self.decode, still)
            except ScannerError:
                self.stats.unreadable += 1  # one bad still is no reason to stop
                found = []
            for sighting in found:
                if self.running and self.gate.admit(sighting.text, sighting.symbology):
                    self.stats.codes += 1
                    self.on_code(sighting.text, sighting.symbology)
            spent = self.clock() - started
            await self.sleep(max(self.min_interval_s - spent, MIN_PAUSE_S))
        log.info("camera loop stopped: %s", self.stats)
        return self.stats
