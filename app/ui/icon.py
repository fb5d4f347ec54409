"""TagTrail's app icon, drawn with Pillow: a white luggage tag with a QR-like mark on the app's
teal, and the files the web client looks for (favicon, install icons) written into app/static.

Run `python -m app.ui.icon` to redraw them; a test checks the files match this drawing.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

STATIC = Path(__file__).resolve().parents[1] / "static"
TEAL, DEEP, WHITE = (38, 166, 154), (0, 77, 64), (255, 255, 255)
SUPERSAMPLE = 4

# file name (under app/static) -> (size, maskable: drawn smaller, inside the safe circle)
FILES: dict[str, tuple[int, bool]] = {
    "icon.png": (512, False),
    "favicon.png": (64, False),
    "icons/icon-192.png": (192, False),
    "icons/icon-512.png": (512, False),
    "icons/apple-touch-icon-192.png": (192, False),
    "icons/icon-maskable-192.png": (192, True),
    "icons/icon-maskable-512.png": (512, True),
}


def draw_icon(size: int, maskable: bool = False) -> Image.Image:
    """The icon at `size` pixels (drawn 4× larger and scaled down, for smooth edges)."""
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:  # the platform cuts its own shape: fill it all, keep the mark in the middle
        draw.rectangle((0, 0, big, big), fill=TEAL)
        inset = big * 0.2
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 0.22, fill=TEAL)
        inset = big * 0.12

    def at(x: float, y: float) -> tuple[float, float]:
        span = big - 2 * inset
        return inset + x * span, inset + y * span

    # the tag: a pointed end at the top-left, a hole in it, the body down to the bottom-right
    tag = [at(0.08, 0.36), at(0.36, 0.08), at(0.92, 0.08), at(0.92, 0.92), at(0.08, 0.92)]
    draw.polygon(tag, fill=WHITE)
    hx, hy = at(0.30, 0.30)
    r = big * 0.045
    draw.ellipse((hx - r, hy - r, hx + r, hy + r), fill=TEAL)
    # a QR-like mark: three finder squares and a few modules
    cell = (big - 2 * inset) * 0.075
    for fx, fy in ((0.42, 0.42), (0.70, 0.42), (0.42, 0.70)):
        x, y = at(fx, fy)
        draw.rectangle((x, y, x + 3 * cell, y + 3 * cell), fill=DEEP)
        draw.rectangle((x + cell * 0.6, y + cell * 0.6, x + cell * 2.4, y + cell * 2.4), fill=WHITE)
        draw.rectangle((x + cell, y + cell, x + 2 * cell, y + 2 * cell), fill=DEEP)
    for mx, my in ((0.72, 0.72), (0.80, 0.80), (0.72, 0.80), (0.80, 0.70)):
        x, y = at(mx, my)
        draw.rectangle((x, y, x + cell * 0.8, y + cell * 0.8), fill=DEEP)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def write_icons(folder: Path = STATIC) -> list[Path]:
    written = []
    for name, (size, maskable) in FILES.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        draw_icon(size, maskable).save(path, format="PNG", optimize=True)
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_icons():
        print(written_path)
