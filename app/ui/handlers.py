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


_RUNNING = "_actions_running"  # on the owner: its sync actions running now (one calls others)


def _began(owner: object) -> Any:
    """What the owner notes as an action begins (the controller: the field focus count)."""
    began = getattr(owner, "action_began", None)
    return began() if began is not None else None


def _done(owner: object, name: str, began: Any) -> None:
    """The action a tap (or a key, or the poll) started is over: its owner may move keyboard
    focus back to the page (the controller's `refocus`; see there why)."""
    refocus = getattr(owner, "refocus", None)
    if refocus is not None:
        refocus(name, began)


def action(fn: Callable[Concatenate[S, P], T]) -> Callable[Concatenate[S, P], T]:
    """Run a handler so that no exception takes the app down: it becomes a sentence."""
    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def run_async(self: S, *args: P.args, **kw: P.kwargs) -> Any:
            began = _began(self)
            try:
                return await fn(self, *args, **kw)
            except Exception as exc:
                self.failed(exc)
                return None
            finally:
                _done(self, fn.__name__, began)

        return run_async  # type: ignore[return-value]

    @functools.wraps(fn)
    def run(self: S, *args: P.args, **kw: P.kwargs) -> Any:
        # Counted per owner: sync actions cannot interleave (one loop thread), so only the
        # outermost of an owner's nested actions ends the tap; async ones each end their own.
        depth: int = getattr(self, _RUNNING, 0)
        began = _began(self) if depth == 0 else None
        setattr(self, _RUNNING, depth + 1)
        try:
            return fn(self, *args, **kw)
        except Exception as exc:
            self.failed(exc)
            return None
        finally:
            setattr(self, _RUNNING, depth)
            if depth == 0:
                _done(self, fn.__name__, began)

    return run  # type: ignore[return-value]
