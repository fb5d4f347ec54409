"""Where keyboard focus goes after a tap: back to the page's key holder, unless a person has
tapped a text field since the tap began.

Why give it back: Flutter leaves focus on the button tapped, and on web Enter presses the
focused button, so the next wedge scan's Enter would repeat the tap. Why with care: the
request reaches the browser a while after the tap (later still on a loaded phone, or when the
action waited on the database), and by then the person may be in a note, a PIN or a weight;
applied then, it would take that field's keystrokes. So each field focus the page reports is
counted; an action notes the count when it begins (`began`) and focus is given back only if no
field gained focus since. The browser may have reported a field the server has not read yet:
one round trip to it first (`settle`) brings those reports in. A field tapped while the request
itself travels gets its focus back (`restore`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)
Focus = Callable[[], Awaitable[Any]]  # asks the browser to focus something; done once it did
Runner = Callable[..., Any]  # page.run_task


class FocusKeeper:
    """The text fields with focus now, and the focus given back to the page after a tap."""

    def __init__(self, run: Runner) -> None:
        self._run = run
        self._holder: Focus | None = None
        self._settle: Focus | None = None
        self._fields: dict[str, Focus | None] = {}  # label -> how to give it focus again
        self._last: Focus | None = None  # the field that gained focus last
        self._generation = 0  # field focus events seen

    def attach(self, holder: Focus, settle: Focus) -> None:
        """`holder` focuses the page's key holder; `settle` is a round trip to the browser."""
        self._holder, self._settle = holder, settle

    @property
    def typing(self) -> bool:
        """A text field has focus: the page's keys are a person's, not a wedge scanner's."""
        return bool(self._fields)

    @property
    def generation(self) -> int:
        return self._generation

    def field(self, label: str, focused: bool, restore: Focus | None = None) -> None:
        if focused:
            self._generation += 1
            self._fields[label] = self._last = restore
        else:
            self._fields.pop(label, None)

    def forget_fields(self) -> None:
        """A new screen: the fields of the one left behind are gone (no blur comes)."""
        self._fields.clear()
        self._last = None

    def after_tap(self, began: int) -> None:
        """The action of a tap that began at field generation `began` is over."""
        if self._holder is not None and not self._moved_on(began):
            self._run(self._give_back, began)

    def _moved_on(self, began: int) -> bool:
        return self.typing or self._generation != began

    async def _give_back(self, began: int) -> None:
        holder, settle = self._holder, self._settle
        if holder is None or settle is None:
            return
        try:
            await settle()
            await asyncio.sleep(0)  # the field events that came in before the answer run first
            if self._moved_on(began):
                return
            sent = self._generation
            await holder()
            await asyncio.sleep(0)
            restore = self._last
            if self._generation != sent and restore is not None:
                log.info("a field tapped while focus travelled: its focus given back")
                await restore()
        except Exception as exc:  # the page or the field is going away: nothing to focus
            log.info("focus not moved: %r", exc)
