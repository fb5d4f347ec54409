"""A guard around one flet 1.0.5 behaviour that takes a whole page down.

When a control goes away while a method call to it is in flight (the camera closed during a
`take_picture`, a sound's service replaced during `play`), the browser's answer names a
control the session no longer has: flet raises from its receive loop, the loop ends, and the
page stops answering every tap and key until it is reloaded. The answer is for nobody, so
it is logged and dropped instead. Pinned to flet 1.0.5 (pyproject); checked by a test.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from flet.messaging.session import Session

log = logging.getLogger(__name__)
_MARK = "_tagtrail_guarded"


def install() -> None:
    """Make a late method answer for an unmounted control harmless (idempotent)."""
    original = Session.handle_invoke_method_results
    if getattr(original, _MARK, False):
        return

    @functools.wraps(original)
    def guarded(self: Session, control_id: int, call_id: str, result: Any, error: Any) -> None:
        try:
            original(self, control_id, call_id, result, error)
        except RuntimeError as exc:
            log.info("dropped a method answer for a control that is gone: %s", exc)

    setattr(guarded, _MARK, True)
    Session.handle_invoke_method_results = guarded  # type: ignore[method-assign]
