"""The hybrid logical clock: monotonic, causal, robust to skewed and stalled wall clocks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assets.errors import ClockDriftError, InvalidOperation
from assets.hlc import DAY_MS, MAX_COUNTER, HybridClock, Stamp, parse_stamp


class FakeTime:
    def __init__(self, ms: int) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


def test_ticks_increase_even_when_the_wall_clock_stalls_or_goes_back() -> None:
    time = FakeTime(1_000)
    clock = HybridClock("d1", time)
    a = clock.tick()
    b = clock.tick()
    time.ms = 500  # the phone's clock was set back
    c = clock.tick()
    assert a < b < c
    assert c.wall_ms == 1_000 and c.counter == 2


def test_observe_moves_past_a_remote_stamp() -> None:
    clock = HybridClock("d1", FakeTime(1_000))
    remote = Stamp(5_000, 7, "d2")
    seen = clock.observe(remote)
    assert seen > remote
    assert clock.tick() > seen


def test_a_day_of_skew_is_accepted_more_is_refused() -> None:
    clock = HybridClock("d1", FakeTime(10 * DAY_MS))
    assert clock.observe(Stamp(11 * DAY_MS, 0, "d2")).wall_ms == 11 * DAY_MS
    with pytest.raises(ClockDriftError, match="ahead"):
        clock.observe(Stamp(13 * DAY_MS, 0, "d3"))


def test_counter_overflow_borrows_the_next_millisecond() -> None:
    clock = HybridClock("d1", FakeTime(1_000), last=Stamp(1_000, MAX_COUNTER, "d1"))
    assert clock.tick() == Stamp(1_001, 0, "d1")


def test_restart_from_the_last_stamp_never_goes_back() -> None:
    last = Stamp(9_000, 3, "d1")
    clock = HybridClock("d1", FakeTime(1_000), last=last)
    assert clock.tick() > last


@given(
    st.integers(0, 10**13 - 2),
    st.integers(0, MAX_COUNTER),
    st.from_regex(r"[a-z0-9\-]{1,20}", fullmatch=True),
)
def test_text_form_round_trips_and_sorts_like_the_tuple(
    wall: int, counter: int, device: str
) -> None:
    stamp = Stamp(wall, counter, device)
    assert parse_stamp(str(stamp)) == stamp
    other = Stamp(wall + 1, 0, device)
    assert (str(stamp) < str(other)) == (stamp < other)


@pytest.mark.parametrize(
    "text", ["", "123", "1-2-3", "0000000001000-00000-", 5, None, "0000000001000-00000-dev ice"]
)
def test_bad_stamps(text: object) -> None:
    with pytest.raises(InvalidOperation):
        parse_stamp(text)


@given(st.lists(st.sampled_from(["tick", "observe", "back", "forward"]), max_size=60))
def test_stamps_are_strictly_increasing(steps: list[str]) -> None:
    time = FakeTime(50_000)
    clock = HybridClock("d1", time)
    previous = clock.tick()
    for step in steps:
        if step == "back":
            time.ms -= 7_000
        elif step == "forward":
            time.ms += 3_000
        stamp = (
            clock.observe(Stamp(time.ms + 1_000, 4, "zz")) if step == "observe" else clock.tick()
        )
        assert stamp > previous
        previous = stamp
