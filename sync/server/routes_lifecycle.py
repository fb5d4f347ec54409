"""Routes of the lifecycle (issue 11): audit history per location tag; the store's settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from sync.protocol import MAX_SEQ, AuditPage, StoreSettingsChange, StoreSettingsView
from sync.server import store_settings
from sync.server.audits import audit_history
from sync.server.db import reading, writing
from sync.server.deps import CallerDep, StoreDep

router = APIRouter(prefix="/v1")


@router.get("/location-tags/{tag}/audits", response_model=AuditPage, tags=["locations"])
def audits(
    store: StoreDep,
    caller: CallerDep,
    tag: Annotated[str, Path(max_length=200)],
    before: Annotated[int | None, Query(ge=1, le=MAX_SEQ)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> AuditPage:
    """The finished audits of one location tag, newest first (page with `before`)."""
    caller.require("read")
    with reading(store.engine) as conn:
        return audit_history(conn, tag, before, limit)


@router.get("/settings", response_model=StoreSettingsView, tags=["settings"])
def settings(store: StoreDep, caller: CallerDep) -> StoreSettingsView:
    """The settings every device follows (receipt weight tolerance, label QR base URL)."""
    caller.require("read")
    with reading(store.engine) as conn:
        return store_settings.current(conn)


@router.put("/settings", response_model=StoreSettingsView, tags=["settings"])
def change_settings(
    store: StoreDep, caller: CallerDep, request: StoreSettingsChange
) -> StoreSettingsView:
    """Change some settings (admins). Values are checked all first: all or nothing."""
    caller.require("configure")
    with writing(store.engine) as conn:
        return store_settings.change(conn, request, caller.user.username, store.now_ms())
