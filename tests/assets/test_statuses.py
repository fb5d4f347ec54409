"""Every pair of statuses, allowed or refused, checked against the table."""

from __future__ import annotations

import itertools

import pytest

from assets.errors import TransitionRefused
from assets.statuses import (
    STATUSES,
    TRANSITIONS,
    Status,
    check_transition,
    is_terminal,
    require_transition,
)

TERMINAL = {"redeployed", "resold", "harvested", "recycled", "destroyed", "lost"}
PAIRS = list(itertools.product(STATUSES, STATUSES))

# A few transitions people rely on, spelled out so a change to the table is a visible choice.
EXPECTED_ALLOWED = [
    ("in_stock", "deployed"),
    ("deployed", "in_repair"),
    ("deployed", "surplus"),
    ("surplus", "pending_pickup"),
    ("pending_pickup", "in_transit"),
    ("in_transit", "received"),
    ("received", "pending_sanitization"),
    ("pending_sanitization", "sanitized"),
    ("sanitized", "resold"),
    ("pending_destruction", "destroyed"),
    ("ready_for_redeploy", "redeployed"),
]
EXPECTED_REFUSED = [
    ("in_transit", "deployed"),
    ("pending_destruction", "resold"),
    ("pending_sanitization", "resold"),
    ("in_stock", "destroyed"),
    ("destroyed", "in_stock"),
    ("resold", "deployed"),
    ("lost", "in_stock"),
]


def test_vocabulary_is_complete() -> None:
    assert set(TRANSITIONS) == set(STATUSES)
    assert len(STATUSES) == 18
    for value, choice in STATUSES.items():
        assert isinstance(choice, Status)
        assert value == value.lower()
        assert choice.label and choice.colour.startswith("#") and len(choice.colour) == 7
        assert TRANSITIONS[value] <= set(STATUSES)


def test_terminal_statuses() -> None:
    assert {s for s in STATUSES if is_terminal(s)} == TERMINAL
    for status in TERMINAL:
        assert TRANSITIONS[status] == frozenset()


@pytest.mark.parametrize(("current", "target"), PAIRS)
def test_every_pair_follows_the_table(current: str, target: str) -> None:
    verdict = check_transition(current, target)
    expected = target in TRANSITIONS[current] and current != target
    assert verdict.allowed is expected
    if expected:
        assert verdict.reason == ""
        require_transition(current, target)
    else:
        assert verdict.reason
        with pytest.raises(TransitionRefused, match=r"\w"):
            require_transition(current, target)
        if is_terminal(current) and current != target:
            assert "final status" in verdict.reason


@pytest.mark.parametrize(("current", "target"), EXPECTED_ALLOWED)
def test_named_transitions_allowed(current: str, target: str) -> None:
    assert check_transition(current, target).allowed


@pytest.mark.parametrize(("current", "target"), EXPECTED_REFUSED)
def test_named_transitions_refused(current: str, target: str) -> None:
    verdict = check_transition(current, target)
    assert not verdict.allowed
    assert STATUSES.label(current) in verdict.reason


def test_unknown_statuses_and_no_op() -> None:
    assert "not a lifecycle status" in check_transition("broken", "in_stock").reason
    assert "not a lifecycle status" in check_transition("in_stock", "broken").reason
    assert "already" in check_transition("storage", "storage").reason


def test_every_status_can_reach_a_terminal_one() -> None:
    for start in STATUSES:
        seen, frontier = {start}, [start]
        while frontier:
            for nxt in TRANSITIONS[frontier.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
        assert seen & TERMINAL, start
