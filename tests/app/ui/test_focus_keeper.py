"""Focus given back to the page after a tap never takes a text field a person tapped since:
the keeper's decisions, with the browser's side played by coroutines that report a field tap
at the moment a real browser's report would arrive (during the round trip, or while the focus
request itself travels)."""

from __future__ import annotations

import asyncio
from typing import Any

from app.ui.focus import FocusKeeper

NOTE = "Note (why)"


class Browser:
    """What the keeper asks the browser, and what the person does meanwhile."""

    def __init__(self, keeper: FocusKeeper) -> None:
        self.keeper = keeper
        self.asked: list[str] = []
        self.tap_during_settle = False
        self.tap_during_focus = False

    async def settle(self) -> None:
        self.asked.append("settle")
        if self.tap_during_settle:  # the field tap the browser reported before it answered
            self.keeper.field(NOTE, True, self.restore)

    async def holder(self) -> None:
        self.asked.append("holder")
        if self.tap_during_focus:  # tapped as the request travelled: the request took it
            self.keeper.field(NOTE, True, self.restore)
            self.keeper.field(NOTE, False)

    async def restore(self) -> None:
        self.asked.append("restore")


def run_tap(tap_during_settle: bool = False, tap_during_focus: bool = False) -> Browser:
    """One tap's action ends; run whatever the keeper starts."""
    jobs: list[tuple[Any, tuple[Any, ...]]] = []
    keeper = FocusKeeper(lambda job, *args: jobs.append((job, args)))
    browser = Browser(keeper)
    browser.tap_during_settle, browser.tap_during_focus = tap_during_settle, tap_during_focus
    keeper.attach(browser.holder, browser.settle)
    keeper.after_tap(keeper.generation)

    async def run_all() -> None:
        for job, args in jobs:
            await job(*args)

    asyncio.run(run_all())
    return browser


def test_focus_goes_back_to_the_page_after_a_round_trip() -> None:
    assert run_tap().asked == ["settle", "holder"]


def test_a_field_tapped_before_the_browser_answered_keeps_its_focus() -> None:
    assert run_tap(tap_during_settle=True).asked == ["settle"]


def test_a_field_tapped_while_the_request_travelled_gets_focus_back() -> None:
    assert run_tap(tap_during_focus=True).asked == ["settle", "holder", "restore"]


def test_a_field_tapped_while_the_action_ran_keeps_its_focus() -> None:
    jobs: list[Any] = []
    keeper = FocusKeeper(lambda job, *args: jobs.append(job))
    began = keeper.generation
    keeper.field(NOTE, True)
    keeper.field(NOTE, False)  # typed, submitted: gone before the action ended
    keeper.after_tap(began)
    assert jobs == []
    keeper.field(NOTE, True)
    keeper.after_tap(keeper.generation)  # a field has focus now
    assert jobs == []
    keeper.forget_fields()  # its screen went away
    keeper.after_tap(keeper.generation)
    assert not keeper.typing and jobs == []  # nothing attached yet: nothing to focus


def test_a_browser_that_went_away_is_not_an_error() -> None:
    jobs: list[tuple[Any, tuple[Any, ...]]] = []
    keeper = FocusKeeper(lambda job, *args: jobs.append((job, args)))

    async def gone() -> None:
        raise RuntimeError("Session closed")

    keeper.attach(gone, gone)
    keeper.after_tap(keeper.generation)
    ((job, args),) = jobs
    asyncio.run(job(*args))  # logged, not raised
