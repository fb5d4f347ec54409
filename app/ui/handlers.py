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

        return run_async  # type: ignore[return-value]

    @functools.wraps(fn)
    def run(self: S, *args: P.args, **kw: P.kwargs) -> Any:
        try:
            return fn(self, *args, **kw)
        except Exception as exc:
            self.failed(exc)
            return None

    return run  # type: ignore[return-value]
