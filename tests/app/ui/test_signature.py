"""Drawn strokes -> the SVG path a handoff stores; the history marks signed handoffs."""

from __future__ import annotations

import random
import re
from pathlib import Path

from app.ui import signature
from app.ui.signature import BOX_HEIGHT, BOX_WIDTH, MAX_CHARS, is_empty, simplify, to_svg_path
from app.ui.views.history import history_row
from assets.tags import make_tag
from sync.device.database import DeviceDatabase
from sync.device.history import DEVICE, HistoryEntry
from sync.device.service import DeviceService

PATH = re.compile(r"M \d+ \d+( L \d+ \d+)+( M \d+ \d+( L \d+ \d+)+)*")


def test_points_are_rounded_to_whole_units() -> None:
    assert to_svg_path([[(10.4, 20.6), (11.5, 21.49), (30.0, 40.0)]]) == "M 10 21 L 12 21 L 30 40"


def test_points_off_the_pad_are_clipped_to_the_box() -> None:
    path = to_svg_path([[(-15.0, 50.0), (150.0, -3.0), (900.0, 500.0)]])
    assert path == f"M 0 50 L 150 0 L {BOX_WIDTH} {BOX_HEIGHT}"


def test_each_stroke_starts_a_sub_path() -> None:
    strokes = [[(1.0, 1.0), (5.0, 5.0)], [(100.0, 100.0), (110.0, 90.0), (120.0, 100.0)]]
    assert to_svg_path(strokes) == "M 1 1 L 5 5 M 100 100 L 110 90 L 120 100"


def test_repeated_points_are_dropped_and_a_dot_still_draws() -> None:
    assert to_svg_path([[(3.0, 3.0), (3.2, 2.9), (3.0, 3.0)]]) == "M 3 3 L 3 3"
    assert to_svg_path([[(8.0, 9.0), (8.1, 9.0), (12.0, 9.0)]]) == "M 8 9 L 12 9"


def test_empty_strokes_make_no_path() -> None:
    assert is_empty([]) and is_empty([[], []])
    assert not is_empty([[(1.0, 1.0)]])
    assert to_svg_path([]) == "" and to_svg_path([[], []]) == ""


def test_simplify_keeps_corners_and_drops_points_on_a_line() -> None:
    line = [(x, 10) for x in range(0, 101)]
    assert simplify(line, 0.5) == [(0, 10), (100, 10)]
    vee = [(x, abs(50 - x)) for x in range(0, 101)]
    assert simplify(vee, 0.5) == [(0, 50), (50, 0), (100, 50)]


def _scribble(seed: int, strokes: int, points: int) -> list[list[tuple[float, float]]]:
    rng = random.Random(seed)
    return [
        [(rng.uniform(0, BOX_WIDTH), rng.uniform(0, BOX_HEIGHT)) for _ in range(points)]
        for _ in range(strokes)
    ]


def test_a_long_signature_is_simplified_to_the_limit() -> None:
    strokes = _scribble(1, 40, 500)  # ~20,000 points: far over 65,536 characters as drawn
    full = to_svg_path(strokes, max_chars=10**9)
    assert len(full) > MAX_CHARS
    path = to_svg_path(strokes)
    assert 0 < len(path) <= MAX_CHARS
    assert PATH.fullmatch(path)
    assert path.count("M ") == 40  # every stroke is still there, with fewer points


def test_when_even_the_outline_is_too_long_the_last_strokes_go() -> None:
    strokes = _scribble(2, 50, 30)
    path = to_svg_path(strokes, max_chars=200)
    assert 0 < len(path) <= 200
    assert PATH.fullmatch(path)
    first = to_svg_path(strokes[:1], max_chars=10**9).split(" L ")[0]
    assert path.startswith(first)  # the strokes kept are the first ones, in order
    assert path.count("M ") < 50


def test_signature_module_exposes_the_operation_limit() -> None:
    assert signature.MAX_CHARS == 65_536


def _handoff() -> HistoryEntry:
    return HistoryEntry(
        op_id="op-1",
        kind="handoff",
        who="tess",
        when_ms=None,
        where="site:DAL1 → carrier:ups",
        summary="Handed over site:DAL1 → carrier:ups, signed by Tess",
        pending=True,
        source=DEVICE,
        from_holder="site:DAL1",
        to_holder="carrier:ups",
        signed_by="Tess",
    )


def test_history_marks_a_handoff_with_a_drawn_signature() -> None:
    signed = history_row(0, _handoff(), signed=True)
    plain = history_row(0, _handoff())
    assert "(signed)" in str(getattr(signed, "label", ""))
    assert "(signed)" not in str(getattr(plain, "label", ""))


def test_signed_handoffs_are_read_from_the_outbox(tmp_path: Path) -> None:
    svc = DeviceService(DeviceDatabase(tmp_path / "device.db"))
    svc.remember_person("sam", "Sam", "supervisor")  # claims and hands off (assets.roles)
    tag = make_tag("asset", 77)
    svc.claim_tag(tag, serial="SN-77")
    plain = svc.hand_off(tag, "person:bo", "Tess", from_holder="site:DAL1")
    drawn = svc.hand_off(tag, "carrier:ups", "Bo", signature="M 1 1 L 20 20")
    found = svc.signed_handoffs(tag)
    assert found == {drawn.op.op_id} and plain.op.op_id not in found
    assert svc.signed_handoffs(make_tag("asset", 78)) == frozenset()
