"""The camera loop (pacing, de-duplication, errors, stop), scan sounds, history words, icons."""

from __future__ import annotations

import asyncio
import io
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from app.ui import camera_loop, icon, sounds
from app.ui.camera_loop import CodeGate, StillLoop, camera_problem
from app.ui.scanflow import ScanOutcome
from app.ui.views.history import source_text, when_text
from assets.tags import DEFAULT_TAG_CONFIG, TagConfig, make_tag, resolve, tag_url
from scanner import ScanSession
from scanner.errors import ImageError
from scanner.labels import LabelContent, render_label_image
from sync.device import store_settings
from sync.protocol import StoreSettingsView
from tests.app.ui.desks import A1, controller, device_session

TAG = make_tag("asset", 77)


@dataclass(frozen=True)
class Seen:
    text: str
    symbology: str


class Rig:
    """A fake camera and clock: each still takes `grab_s`, decoding `decode_s`."""

    def __init__(self, frames: Sequence[Sequence[Seen] | Exception], stop_after: int) -> None:
        self.frames = list(frames)
        self.now = 0.0
        self.sleeps: list[float] = []
        self.grabs = 0
        self.stop_after = stop_after
        self.codes: list[str] = []
        self.errors: list[str] = []
        self.loop = StillLoop(
            self.grab,
            lambda text, _sym: self.codes.append(text),
            self.errors.append,
            decode=self.decode,
            clock=lambda: self.now,
            sleep=self.sleep,
        )

    async def grab(self) -> bytes:
        self.grabs += 1
        self.now += 0.05
        frame = self.frames[min(self.grabs - 1, len(self.frames) - 1)]
        if isinstance(frame, Exception) and not isinstance(frame, ImageError):
            raise frame
        return str(self.grabs - 1).encode()

    def decode(self, still: bytes) -> Sequence[Seen]:
        frame = self.frames[min(int(still), len(self.frames) - 1)]
        if isinstance(frame, Exception):
            raise frame
        return frame

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        if self.grabs >= self.stop_after:
            self.loop.stop()


def test_the_loop_is_paced_and_reports_each_tag_once() -> None:
    both = [Seen(TAG, "QR"), Seen(TAG, "Code128")]
    rig = Rig([both, both, [Seen("SN-123", "Code128")], both], stop_after=6)
    stats = asyncio.run(rig.loop.run())
    assert rig.codes == [TAG, "SN-123"]  # QR and Code 128 of one label: one report
    assert stats.stills == rig.grabs == 6
    # 0.05 s went on each still: the loop waits the rest of its interval, never zero
    assert rig.sleeps == pytest.approx([camera_loop.MIN_INTERVAL_S - 0.05] * 6)
    assert rig.errors == []


def test_an_unreadable_still_is_skipped_and_a_dead_camera_is_said_in_words() -> None:
    rig = Rig([ImageError("bad jpeg"), [Seen(TAG, "QR")]], stop_after=3)
    asyncio.run(rig.loop.run())
    assert rig.loop.stats.unreadable == 1 and rig.codes == [TAG]

    dead = Rig([RuntimeError("NotAllowedError: Permission denied")], stop_after=99)
    asyncio.run(dead.loop.run())
    assert dead.grabs == camera_loop.MAX_GRAB_FAILURES
    assert dead.errors == [camera_loop.DENIED]


def test_stop_ends_the_loop_and_a_still_in_flight_records_nothing() -> None:
    rig = Rig([[Seen(TAG, "QR")]], stop_after=99)

    async def grab_then_close() -> bytes:
        rig.loop.stop()  # the camera view closed while this still was being taken
        return b"0"

    rig.loop.grab = grab_then_close
    stats = asyncio.run(rig.loop.run())
    assert rig.codes == [] and stats.stills == 0


def test_camera_problems_read_as_sentences() -> None:
    assert camera_problem("NotAllowedError: Permission denied") == camera_loop.DENIED
    assert camera_problem(RuntimeError("NotFoundError: Requested device not found")) == (
        camera_loop.NO_CAMERA
    )
    assert camera_problem("FletUnsupportedPlatformException") == camera_loop.UNSUPPORTED
    assert camera_problem("NotReadableError: Could not start video source") == camera_loop.BUSY
    assert camera_problem("boom").startswith("The camera stopped: boom")


def test_the_gate_knows_a_tag_by_what_it_names() -> None:
    gate = CodeGate()
    assert gate.admit(TAG, "QR")
    assert not gate.admit(TAG, "Code128")
    assert gate.admit("SN-1") and not gate.admit(" SN-1 ")


def test_the_gate_reads_as_the_device_does() -> None:
    """A QR printed with the store's own label base URL and the label's Code 128 are one tag,
    when the gate reads with the store's config as the device does."""
    config = TagConfig(url_bases=("https://assets.example/t/", *DEFAULT_TAG_CONFIG.url_bases))
    qr = tag_url(TAG, config)
    assert not CodeGate().identity(qr, "QR").startswith("asset:")  # the default rules
    gate = CodeGate(lambda text, symbology: resolve(text, symbology, config))
    assert gate.admit(qr, "QR")
    assert not gate.admit(TAG, "Code128")


def test_real_stills_decode_and_a_1d_code_needs_two_frames() -> None:
    label = render_label_image(LabelContent(code=TAG), "thermal-2x1in")
    bars = np.full_like(label, 255)
    bars[label.shape[0] // 2 :] = label[label.shape[0] // 2 :]  # the Code 128 half only
    page = np.full((480, 640), 255, dtype=np.uint8)
    page[100 : 100 + bars.shape[0], 100 : 100 + bars.shape[1]] = bars
    jpeg = cv2.imencode(".jpg", page)[1].tobytes()
    codes: list[str] = []
    stops = iter([False, True])

    async def sleep(_s: float) -> None:
        if next(stops):
            loop.stop()

    async def grab() -> bytes:
        return jpeg

    loop = StillLoop(grab, lambda text, _s: codes.append(text), print, sleep=sleep)
    loop.decode = ScanSession().feed
    asyncio.run(loop.run())
    assert codes == [TAG] and loop.stats.stills == 2


def outcome(kind: str) -> ScanOutcome:
    return ScanOutcome(kind, "x", "x", "")


def test_each_outcome_gets_its_sound() -> None:
    assert sounds.sound_for(outcome("seen")) == sounds.OK
    assert sounds.sound_for(outcome("claimed")) == sounds.OK
    assert sounds.sound_for(outcome("problem")) == sounds.ERROR
    assert sounds.sound_for(outcome("refused")) == sounds.ERROR
    assert sounds.sound_for(outcome("claim")) == sounds.ATTENTION
    assert sounds.sound_for(outcome("something-new")) is None


def test_tones_are_short_wavs_and_the_error_one_is_low() -> None:
    for name, notes in sounds.TONES.items():
        with wave.open(io.BytesIO(sounds.tone(name))) as file:
            seconds = file.getnframes() / file.getframerate()
            assert file.getnchannels() == 1 and file.getsampwidth() == 2
        assert seconds == pytest.approx(sum(n.ms + n.gap_ms for n in notes) / 1000, abs=0.002)
        assert seconds < 0.5
    assert max(n.hz for n in sounds.TONES[sounds.ERROR]) < min(
        n.hz for n in sounds.TONES[sounds.OK]
    )


def test_history_times_and_sources_in_words() -> None:
    day = 1_780_000_000_000
    assert when_text(day, day + 60_000) == "20:26"
    assert when_text(day, day + 3 * 86_400_000) == "28 May 2026 20:26"
    assert when_text(None) == "earlier"
    assert "Offline" in source_text(False) and "central store" in source_text(True)


@pytest.mark.parametrize(("name", "spec"), sorted(icon.FILES.items()))
def test_the_icon_files_are_the_drawing(name: str, spec: tuple[int, bool]) -> None:
    size, maskable = spec
    stored = Image.open(icon.STATIC / name).convert("RGBA")
    assert stored.size == (size, size)
    drawn = np.asarray(icon.draw_icon(size, maskable), dtype=np.int16)
    assert np.abs(np.asarray(stored, dtype=np.int16) - drawn).max() <= 1


def test_the_scan_screens_camera_reads_with_the_stores_label_base_url(tmp_path: Path) -> None:
    with device_session(tmp_path) as session:
        with session.db.write() as conn:
            view = StoreSettingsView(
                weight_tolerance_pct="2", label_base_url="https://a.example/t/"
            )
            store_settings.keep(conn, view, 1)
        gate = CodeGate(controller(session).read_code)  # what the Scan screen hands its camera
        assert gate.admit(f"https://a.example/t/{A1}", "QR")
        assert not gate.admit(A1, "Code128")
