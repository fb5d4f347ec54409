"""The camera panel: a live preview and a take-picture loop whose stills are decoded in Python.

flet-camera has no image stream on web, so the panel takes stills in a loop (the notes measured
about 20/s here) and feeds each to `scanner.ScanSession`, which reports each distinct code once
(1D codes after two frames agree). Decoding runs in a worker thread, off the UI loop.
"""

# ruff: noqa: N802  (flet components are named like the controls they return)

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import flet as ft
import flet_camera as fc

from app.ui import theme
from app.ui.components import tagged
from scanner import ScanSession
from scanner.errors import ScannerError

FRAME_PAUSE_S = 0.03


@ft.component
def CameraPanel(on_code: Callable[[str, str], Any], on_error: Callable[[str], Any]) -> ft.Control:
    camera = ft.use_memo(lambda: fc.Camera(preview_enabled=True, height=260), [])
    running = ft.use_ref(True)
    status, set_status = ft.use_state("Starting the camera…")

    async def loop() -> None:
        try:
            cameras = await camera.get_available_cameras()
            if not cameras:
                on_error("No camera found on this device")
                return
            back = next((c for c in cameras if "back" in str(c.lens_direction)), cameras[0])
            await camera.initialize(back, fc.ResolutionPreset.MEDIUM, enable_audio=False)
        except Exception as exc:  # the browser refused or the platform has no camera support
            on_error(f"Camera unavailable: {exc}")
            return
        set_status("Point at a tag")
        session = ScanSession()
        while running.current:
            try:
                still = await camera.take_picture()
                found = await asyncio.to_thread(session.feed, still)
            except ScannerError:
                continue  # one unreadable still is no reason to stop
            except Exception as exc:
                on_error(f"Camera stopped: {exc}")
                return
            for sighting in found:
                on_code(sighting.text, sighting.symbology)
            await asyncio.sleep(FRAME_PAUSE_S)

    def start() -> None:
        ft.context.page.run_task(loop)

    def stop() -> None:
        running.current = False

    ft.on_mounted(start)
    ft.on_unmounted(stop)
    return tagged(
        "camera",
        ft.Container(
            content=ft.Column(
                [camera, ft.Text(status, size=13, color=ft.Colors.ON_SURFACE_VARIANT)],
                spacing=4,
            ),
            border=ft.Border.all(2, theme.INFO),
            border_radius=theme.RADIUS,
            padding=6,
        ),
    )
