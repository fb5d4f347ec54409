"""`@action`: a handler whose exception becomes a sentence on screen, never a dead page.

The controller and every tool's state (a desk) run their handlers under it; each owner has a
`failed(exc)` that says what went wrong in people's words.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class Fails(Protocol):
    def failed(self, exc: BaseException) -> None: ...


S = TypeVar("S", bound=Fails)


_depth = 0  # sync actions running now (one event loop thread; an action may call others)


def _done(owner: object, name: str) -> None:
    """The action a tap (or a key, or the poll) started is over: its owner may move keyboard
    focus back to the page (the controller's `refocus`; see there why)."""
    refocus = getattr(owner, "refocus", None)
    if refocus is not None:
        refocus(name)


def action(fn: Callable[Concatenate[S, P], T]) -> Callable[Concatenate[S, P], T]:
    """Run a handler so that no exception takes the app down: it becomes a sentence."""
    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def run_async(self: S, *args: P.args, **kw: P.kwargs) -> Any:
            try:
                return await fn(self, *args, **kw)
            except Exception as exc:
                self.failed(exc)
                return None
            finally:
                _done(self, fn.__name__)

        return run_async  # type: ignore[return-value]

    @functools.wraps(fn)
    def run(self: S, *args: P.args, **kw: P.kwargs) -> Any:
        global _depth  # noqa: PLW0603  (one counter for the loop's thread: see above)
        _depth += 1
        try:
            return fn(self, *args, **kw)
        except Exception as exc:
            self.failed(exc)
            return None
        finally:
            _depth -= 1
            if _depth == 0:
                _done(self, fn.__name__)

    return run  # type: ignore[return-value]
