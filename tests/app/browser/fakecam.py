"""A video for Chromium's fake camera: TagTrail labels rendered by the project's own label code,
written as a raw y4m file (`--use-file-for-fake-video-capture` plays it in a loop)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

from scanner.labels import LabelContent, render_label_image

WIDTH, HEIGHT, FPS = 640, 480, 15
HEADER = f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F{FPS}:1 Ip A1:1 C420jpeg\n".encode("ascii")


def label_frame(tag: str, title: str = "Asset", scale: float = 1.4) -> NDArray[np.uint8]:
    """One 640×480 BGR frame: the tag's label, enlarged, centred on a grey desk."""
    label = render_label_image(LabelContent(code=tag, title=title), "thermal-2x1in")
    height, width = label.shape
    size = (round(width * scale), round(height * scale))
    big = cv2.resize(label, size, interpolation=cv2.INTER_NEAREST)
    frame = np.full((HEIGHT, WIDTH), 120, dtype=np.uint8)
    top, left = (HEIGHT - size[1]) // 2, (WIDTH - size[0]) // 2
    frame[top : top + size[1], left : left + size[0]] = big
    return np.asarray(cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR), dtype=np.uint8)


def write_y4m(path: Path, frames: list[NDArray[np.uint8]]) -> Path:
    """Write BGR frames as a 4:2:0 y4m video."""
    with path.open("wb") as out:
        out.write(HEADER)
        for frame in frames:
            out.write(b"FRAME\n")
            out.write(cv2.cvtColor(frame, cv2.COLOR_BGR2YUV_I420).tobytes())
    return path
