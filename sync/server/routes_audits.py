"""Route for the audit history of a location tag."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from sync.protocol import MAX_SEQ, AuditPage
from sync.server.audits import audit_history
from sync.server.db import reading
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
