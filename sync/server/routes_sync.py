"""Routes of sync itself: push and pull."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel

from sync.errors import Forbidden
from sync.protocol import (
    DEFAULT_PULL_LIMIT,
    MAX_PULL_LIMIT,
    ErrorBody,
    GapErrorBody,
    PullResponse,
    PushRequest,
    PushResponse,
)
from sync.server import ingest
from sync.server.db import reading
from sync.server.deps import CallerDep, StoreDep
from sync.server.pull import pull_page
from sync.server.queries import latest_head

router = APIRouter(prefix="/v1/sync", tags=["sync"])


@router.post(
    "/push",
    response_model=PushResponse,
    responses={
        409: {"model": GapErrorBody, "description": "a gap: resend from expected_seq"},
        413: {"model": ErrorBody, "description": "batch or body too large: halve the batch"},
    },
)
def push(request: PushRequest, store: StoreDep, caller: CallerDep) -> Response:
    """A device's batch of operations, taken in one transaction (see DESIGN.md)."""
    caller.require("push")
    if request.device_id != caller.device_id:
        raise Forbidden(f"this token belongs to {caller.device_id}, not {request.device_id}")
    return _json(ingest.push(store, caller.device_id, request.ops))


@router.get("/pull", response_model=PullResponse)
def pull(
    store: StoreDep,
    caller: CallerDep,
    cursor: Annotated[str | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = DEFAULT_PULL_LIMIT,
    site: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    """Changes since `cursor` (assets, pallets, locations, conflicts with their decisions)."""
    caller.require("pull")
    with reading(store.engine) as conn:
        page = pull_page(conn, cursor, limit, site)
        page.head = latest_head(conn, store.settings.partition)
    return _json(page)


def _json(model: BaseModel) -> Response:
    # The model is already checked: serialise it once instead of validating it again.
    return Response(model.model_dump_json(), media_type="application/json")
