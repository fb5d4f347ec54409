"""A pallet face with 20 TagTrail labels: the live session yields each of the 20 tags."""

from __future__ import annotations

import numpy as np

from assets.tags import make_tag, resolve, tag_url
from scanner import ScanSession
from scanner.labels import LabelContent, render_label_image

GAP = 40


def pallet_face(tags: list[str], columns: int = 4) -> np.ndarray:
    tiles = [
        render_label_image(LabelContent(t, tag_url(t), "Asset"), "thermal-2x1in") for t in tags
    ]
    h, w = tiles[0].shape[:2]
    rows = -(-len(tiles) // columns)
    face = np.full((rows * (h + GAP) + GAP, columns * (w + GAP) + GAP), 255, np.uint8)
    for k, tile in enumerate(tiles):
        r, c = divmod(k, columns)
        y, x = GAP + r * (h + GAP), GAP + c * (w + GAP)
        face[y : y + h, x : x + w] = tile
    return face


def test_twenty_labels_yield_twenty_tags() -> None:
    tags = [make_tag("asset", 5000 + i) for i in range(20)]
    face = pallet_face(tags)
    session = ScanSession()
    keys: list[str | None] = []
    for frame in range(3):
        keys += [resolve(s.text, s.code.symbology).key for s in session.feed(face, now=frame * 0.1)]
    # Each label carries its tag twice (Code 128 and QR URL): both resolve to the same key.
    assert set(keys) == {f"asset:{t}" for t in tags}
