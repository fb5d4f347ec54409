"""FastAPI dependencies: the store, the calling device and the person signed in on it.

Auth is settled before a handler runs, so a 401 or 403 never leaves anything written.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from sync.errors import Unauthorized
from sync.server.auth import Caller, caller_for, device_for_token
from sync.server.store import Store


async def get_store(request: Request) -> Store:
    # async: it only reads app state, so FastAPI need not send it to the thread pool.
    store: Store = request.app.state.store
    return store


StoreDep = Annotated[Store, Depends(get_store)]


def bearer(authorization: str | None) -> str | None:
    if authorization is None:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("send the device token as: Authorization: Bearer <token>")
    return token.strip()


def get_device(
    store: StoreDep,
    authorization: Annotated[str | None, Header(description="Bearer <device token>")] = None,
) -> str:
    with store.engine.connect() as conn:
        return device_for_token(conn, bearer(authorization), store.now_ms())


DeviceDep = Annotated[str, Depends(get_device)]


def get_caller(
    store: StoreDep,
    authorization: Annotated[str | None, Header(description="Bearer <device token>")] = None,
    x_tagtrail_person: Annotated[
        str | None, Header(description="the person token from /v1/auth/signin")
    ] = None,
) -> Caller:
    """The device, then the person on it (the same checks, in the same order, as get_device
    followed by caller_for), on one connection and one trip to the thread pool: every push and
    pull pays for this."""
    now_ms = store.now_ms()
    with store.engine.connect() as conn:
        device_id = device_for_token(conn, bearer(authorization), now_ms)
        return caller_for(conn, device_id, x_tagtrail_person, now_ms)


CallerDep = Annotated[Caller, Depends(get_caller)]


def needs(action: str) -> object:
    """A dependency that admits only callers whose role may do `action`."""

    def check(caller: CallerDep) -> Caller:
        caller.require(action)
        return caller

    return Depends(check)
