"""What every desk shares about taps: once a tap's action is over, keyboard focus goes back to
the page's key holder, by the controller's rule (app/ui/focus.py). Flutter leaves focus on
the button tapped and on web Enter presses it, so without this a wedge scan's Enter would
press a tool's Record, Dispose or Save a second time."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the toolbox lists the desks: a runtime import would be a cycle
    from app.ui.toolbox import Kit


class GivesFocusBack:
    """Mixed into a desk that holds its Kit as `_kit`; `@action` calls these two."""

    _kit: Kit

    def action_began(self) -> int:
        return self._kit.action_began()

    def refocus(self, after: str, began: int) -> None:
        self._kit.refocus(after, began)
