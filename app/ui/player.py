"""Plays the scan sounds through flet-audio: one `Audio` service per sound, made once per page
(services register with the page they are made in and live while referenced)."""

from __future__ import annotations

import logging

import flet_audio as fa

from app.ui.sounds import TONES, tone

log = logging.getLogger(__name__)


class ScanPlayer:
    def __init__(self, volume: float = 0.8) -> None:
        self.audio = {
            name: fa.Audio(src=tone(name), volume=volume, release_mode=fa.ReleaseMode.STOP)
            for name in TONES
        }
        self.played: list[str] = []  # what was asked for, newest last (kept short)

    async def play(self, name: str) -> None:
        """Play a named sound; a page that cannot play sound is never an error for the scan."""
        self.played = [*self.played[-9:], name]
        try:
            await self.audio[name].play()
        except Exception as exc:  # no audio device, browser autoplay policy, page gone
            log.info("could not play %s: %r", name, exc)
