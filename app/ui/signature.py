"""A drawn signature as the handoff stores it: strokes -> one SVG path ("M x y L x y ... M ...")
in a 0..300 × 0..120 box, integer coordinates, at most 65,536 characters (the operation's
limit). Pure logic: the pad component only collects points."""

from __future__ import annotations

import math
from collections.abc import Sequence

BOX_WIDTH = 300
BOX_HEIGHT = 120
MAX_CHARS = 65_536  # HandoffArgs.signature's limit

Point = tuple[float, float]
Stroke = Sequence[Point]
GridPoint = tuple[int, int]


def snap(point: Point) -> GridPoint:
    """A point rounded to whole units and clipped to the box (a finger may slide off the pad)."""
    x, y = point
    return min(max(round(x), 0), BOX_WIDTH), min(max(round(y), 0), BOX_HEIGHT)


def snapped(stroke: Stroke) -> list[GridPoint]:
    """A stroke on the grid, without repeats of the same point (they draw nothing)."""
    out: list[GridPoint] = []
    for point in stroke:
        grid = snap(point)
        if not out or out[-1] != grid:
            out.append(grid)
    return out


def is_empty(strokes: Sequence[Stroke]) -> bool:
    return not any(len(stroke) for stroke in strokes)


def _distance(p: GridPoint, a: GridPoint, b: GridPoint) -> float:
    """How far p lies from the segment a-b."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    if dx == dy == 0:
        return math.dist(p, a)
    t = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)))
    return math.dist(p, (a[0] + t * dx, a[1] + t * dy))


def simplify(points: list[GridPoint], tolerance: float) -> list[GridPoint]:
    """Ramer-Douglas-Peucker: drop the points that lie within `tolerance` of the line kept."""
    if len(points) < 3 or tolerance <= 0:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    spans = [(0, len(points) - 1)]
    while spans:  # iterative, so a long stroke cannot hit the recursion limit
        first, last = spans.pop()
        worst, index = 0.0, -1
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > worst:
                worst, index = d, i
        if index >= 0 and worst > tolerance:
            keep[index] = True
            spans += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def stroke_path(points: Sequence[GridPoint]) -> str:
    """One sub-path; a lone point (a dot, as over an i) becomes a zero-length line so it shows."""
    if not points:
        return ""
    head, *rest = points
    words = [f"M {head[0]} {head[1]}"]
    words += [f"L {x} {y}" for x, y in rest or [head]]
    return " ".join(words)


def _joined(strokes: Sequence[Sequence[GridPoint]]) -> str:
    return " ".join(part for part in map(stroke_path, strokes) if part)


def to_svg_path(strokes: Sequence[Stroke], max_chars: int = MAX_CHARS) -> str:
    """The SVG path of the strokes, within `max_chars`: simplified more and more when too long,
    and, if even the coarsest outline is too long, the last strokes are left out."""
    grid = [snapped(stroke) for stroke in strokes]
    grid = [stroke for stroke in grid if stroke]
    path = _joined(grid)
    tolerance = 0.5
    while len(path) > max_chars and tolerance <= max(BOX_WIDTH, BOX_HEIGHT):
        path = _joined([simplify(stroke, tolerance) for stroke in grid])
        tolerance *= 2
    if len(path) <= max_chars:
        return path
    kept: list[str] = []
    size = 0
    for stroke in grid:
        part = stroke_path(simplify(stroke, tolerance))
        grown = size + len(part) + (1 if kept else 0)
        if grown > max_chars:
            break
        kept.append(part)
        size = grown
    return " ".join(kept)
