"""The camera panel: flet-camera's live preview, and a paced take-picture loop whose stills are
decoded in Python (see `camera_loop`). The loop starts when the panel mounts and stops when it
unmounts (the technician closes the camera, changes screen, or the page goes away)."""

# ruff: noqa: N802  (flet components are named like the controls they return)

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft
import flet_camera as fc
from flet.components.hooks.use_ref import MutableRef

from app.ui import theme
from app.ui.camera_loop import NO_CAMERA, Reader, StillLoop, camera_problem
from app.ui.components import tagged

STARTING = "Starting the camera…"
READY = "Point the camera at a tag"


def _pick_back(cameras: list[Any]) -> Any:
    """The back camera when the device says which one that is (phones), else the first."""
    return next((c for c in cameras if "back" in str(c.lens_direction).lower()), cameras[0])


@ft.component
def CameraPanel(
    on_code: Callable[[str, str], Any],
    on_error: Callable[[str], Any],
    read: Reader | None = None,  # what a code names on this device (one tag passes once)
) -> ft.Control:
    camera = ft.use_memo(lambda: fc.Camera(preview_enabled=True, height=240, expand=False), [])
    status, set_status = ft.use_state(STARTING)
    loop_ref: MutableRef[StillLoop | None] = ft.use_ref(None)  # the loop while open
    closed = ft.use_ref(False)  # unmounted (maybe before the loop even started)

    def found(text: str, symbology: str) -> None:
        set_status(f"Read {text}")
        on_code(text, symbology)

    async def start() -> None:
        if closed.current:
            return
        loop = StillLoop(camera.take_picture, found, on_error, read=read)
        loop_ref.current = loop
        try:
            cameras = await camera.get_available_cameras()
            if not cameras:
                on_error(NO_CAMERA)
                return
            await camera.initialize(_pick_back(cameras), fc.ResolutionPreset.MEDIUM, False)
        except Exception as exc:  # browser refusal, no device, or an unsupported platform
            if loop.running:
                on_error(camera_problem(exc))
            return
        if not loop.running:
            return  # closed while the camera was starting
        set_status(READY)
        await loop.run()

    def stop() -> None:
        closed.current = True
        if loop_ref.current is not None:
            loop_ref.current.stop()

    ft.on_mounted(lambda: ft.context.page.run_task(start))
    ft.on_unmounted(stop)
    return tagged(
        "camera",
        ft.Container(
            content=ft.Column(
                [
                    camera,
                    tagged(
                        "camera-status",
                        ft.Text(status, size=13, color=ft.Colors.ON_SURFACE_VARIANT),
                    ),
                ],
                spacing=4,
            ),
            border=ft.Border.all(2, theme.INFO),
            border_radius=theme.RADIUS,
            padding=6,
        ),
    )
