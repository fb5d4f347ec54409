"""FastAPI dependencies: the store, the calling device and the person signed in on it.

Auth is settled before a handler runs, so a 401 or 403 never leaves anything written.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from sync.errors import Unauthorized
from sync.server.auth import Caller, caller_for, device_for_token
from sync.server.store import Store


def get_store(request: Request) -> Store:
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
    device_id: DeviceDep,
    x_tagtrail_person: Annotated[
        str | None, Header(description="the person token from /v1/auth/signin")
    ] = None,
) -> Caller:
    with store.engine.connect() as conn:
        return caller_for(conn, device_id, x_tagtrail_person, store.now_ms())


CallerDep = Annotated[Caller, Depends(get_caller)]


def needs(action: str) -> object:
    """A dependency that admits only callers whose role may do `action`."""

    def check(caller: CallerDep) -> Caller:
        caller.require(action)
        return caller

    return Depends(check)
