"""1080p camera-like frames with a rendered asset label, for timing the live-frame path.

Each frame gets a fresh placement, size, tilt, blur and noise, so a decoder that looks
first where the last code was gets no free ride. Labels are drawn here (python-barcode
for the Code 128 pattern, segno for the QR matrix), independent of `scanner.labels`.
"""

from __future__ import annotations

from dataclasses import dataclass

import barcode
import cv2
import numpy as np
import segno
from numpy.typing import NDArray

FRAME_W, FRAME_H = 1920, 1080


@dataclass(frozen=True, slots=True)
class Frame:
    image: NDArray[np.uint8]  # BGR
    texts: tuple[str, ...]  # what is on the label
    distance: str  # "moderate" or "far"


def code128_modules(text: str) -> NDArray[np.uint8]:
    """The bar pattern of a Code 128 symbol, one entry per module (1 = bar)."""
    pattern = barcode.get("code128", text).build()[0]
    return np.frombuffer(pattern.encode("ascii"), dtype=np.uint8) - ord("0")


def qr_modules(text: str) -> NDArray[np.uint8]:
    return np.array(list(segno.make_qr(text, error="m").matrix), dtype=np.uint8)


def render_label(asset: str, *, module_px: int = 4, kind: str = "both") -> NDArray[np.uint8]:
    """A white label (gray image) with a QR code and/or a Code 128 bar code of `asset`."""
    bars = code128_modules(asset)
    qr = qr_modules(asset)
    bar_h = 60 * module_px // 2
    bar_img = np.repeat(np.repeat(1 - bars[None, :], bar_h, axis=0), module_px, axis=1)
    qr_img = np.kron(1 - qr, np.ones((module_px * 2, module_px * 2), dtype=np.uint8))
    quiet = 10 * module_px
    parts = {"both": [qr_img, bar_img], "qr": [qr_img], "code128": [bar_img]}[kind]
    height = max(p.shape[0] for p in parts) + 2 * quiet + 12 * module_px
    width = sum(p.shape[1] for p in parts) + quiet * (len(parts) + 1)
    label = np.ones((height, width), dtype=np.uint8)
    x = quiet
    for p in parts:
        label[quiet : quiet + p.shape[0], x : x + p.shape[1]] = p
        x += p.shape[1] + quiet
    img = (label * 235 + 10).astype(np.uint8)
    cv2.putText(
        img,
        asset,
        (quiet, height - 3 * module_px),
        cv2.FONT_HERSHEY_SIMPLEX,
        module_px * 0.5,
        30,
        max(1, module_px // 2),
        cv2.LINE_AA,
    )
    return img


def background(rng: np.random.Generator) -> NDArray[np.uint8]:
    """A cluttered scene: uneven light, textured surfaces, boxes, printed text, stripes."""
    yy, xx = np.mgrid[0:FRAME_H, 0:FRAME_W].astype(np.float32)
    light = 110 + 50 * np.sin(xx / rng.uniform(300, 900)) * np.cos(yy / rng.uniform(300, 900))
    # surface texture (cardboard, wood, carpet): noise blurred at two scales
    coarse = cv2.GaussianBlur(rng.normal(0, 40, (FRAME_H, FRAME_W)).astype(np.float32), (0, 0), 6)
    fine = cv2.GaussianBlur(rng.normal(0, 25, (FRAME_H, FRAME_W)).astype(np.float32), (0, 0), 1)
    gray = np.clip(light + coarse + fine, 0, 255).astype(np.uint8)
    img = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    for _ in range(int(rng.integers(15, 30))):
        x0, y0 = int(rng.integers(0, FRAME_W)), int(rng.integers(0, FRAME_H))
        x1, y1 = x0 + int(rng.integers(40, 500)), y0 + int(rng.integers(40, 400))
        color = tuple(int(c) for c in rng.integers(20, 220, size=3))
        shape = rng.random()
        if shape < 0.4:
            cv2.rectangle(img, (x0, y0), (x1, y1), color, -1)
        elif shape < 0.6:
            # vents, shelving, cable bundles: stripes that look a bit like bars
            step = int(rng.integers(4, 14))
            for x in range(x0, x1, step):
                cv2.line(img, (x, y0), (x, y0 + (y1 - y0) // 3), color, max(1, step // 3))
        elif shape < 0.85:
            words = "".join(
                chr(int(c)) for c in rng.integers(65, 91, size=int(rng.integers(4, 14)))
            )
            cv2.putText(
                img,
                words,
                (x0, y0),
                cv2.FONT_HERSHEY_SIMPLEX,
                float(rng.uniform(0.5, 2.0)),
                color,
                int(rng.integers(1, 4)),
                cv2.LINE_AA,
            )
        else:
            cv2.line(img, (x0, y0), (x1, y1), color, int(rng.integers(1, 6)))
    return np.asarray(img, dtype=np.uint8)


def place(
    frame: NDArray[np.uint8],
    label: NDArray[np.uint8],
    width_px: float,
    rng: np.random.Generator,
) -> None:
    """Warp `label` into `frame` at a random place, width about `width_px`, tilted a little."""
    h, w = label.shape[:2]
    scale = width_px / w
    tw, th = w * scale, h * scale
    cx = rng.uniform(tw * 0.7, FRAME_W - tw * 0.7)
    cy = rng.uniform(th * 0.7, FRAME_H - th * 0.7)
    angle = np.deg2rad(rng.uniform(-12, 12))
    corners = np.array([[-tw / 2, -th / 2], [tw / 2, -th / 2], [tw / 2, th / 2], [-tw / 2, th / 2]])
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    pts = corners @ rot.T
    # perspective: each corner pulled by up to 8 % of the label size
    pts += rng.uniform(-0.08, 0.08, size=(4, 2)) * np.array([tw, th])
    pts += np.array([cx, cy])
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(src, pts.astype(np.float32))
    # pre-blur so that shrinking the sharp label samples like a lens, not like a comb
    sigma = max(0.0, 0.5 / scale - 0.5)
    if sigma > 0:
        label = np.asarray(cv2.GaussianBlur(label, (0, 0), sigma), dtype=np.uint8)
    label_bgr = cv2.cvtColor(label, cv2.COLOR_GRAY2BGR)
    warped = cv2.warpPerspective(label_bgr, matrix, (FRAME_W, FRAME_H), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), matrix, (FRAME_W, FRAME_H))
    frame[mask > 127] = warped[mask > 127]


def make_frame(rng: np.random.Generator, asset: str, distance: str) -> Frame:
    frame = background(rng)
    label = render_label(asset, module_px=4)
    # label about 10 cm wide: at arm's length it spans ~28 % of a 1080p frame's width,
    # a step further away (far) ~17 %: Code 128 bars near 1.5 px
    width = rng.uniform(480, 600) if distance == "moderate" else rng.uniform(300, 360)
    place(frame, label, width, rng)
    blur = rng.uniform(0.4, 1.2)
    frame = np.asarray(cv2.GaussianBlur(frame, (0, 0), blur), dtype=np.uint8)
    noise = rng.standard_normal(size=frame.shape, dtype=np.float32) * rng.uniform(2, 6)
    frame = np.clip(frame.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    return Frame(frame, (asset,), distance)


def frames(count: int, seed: int = 7) -> list[Frame]:
    """`count` frames, alternating moderate and far distance, each with its own asset tag."""
    rng = np.random.default_rng(seed)
    return [
        make_frame(rng, f"TT-A-{int(rng.integers(0, 10**6)):06d}", ("moderate", "far")[i % 2])
        for i in range(count)
    ]
