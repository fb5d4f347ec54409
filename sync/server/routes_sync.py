"""Routes of sync itself: push and pull."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request, Response
from pydantic import BaseModel
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool

from sync.errors import Forbidden
from sync.protocol import (
    DEFAULT_PULL_LIMIT,
    MAX_PULL_LIMIT,
    PENDING_HEADER,
    ErrorBody,
    GapErrorBody,
    PullResponse,
    PushRequest,
    PushResponse,
)
from sync.server import ingest
from sync.server.auth import Caller
from sync.server.db import reading
from sync.server.deps import CallerDep, StoreDep
from sync.server.envelope import parse_push_body
from sync.server.heads import latest_head
from sync.server.pull import page_json, read_page
from sync.server.report_devices import PULL, PUSH, parse_pending, record_contact, write_contact
from sync.server.store import Store

router = APIRouter(prefix="/v1/sync", tags=["sync"])

# The push body is read raw and checked once (sync.server.envelope); the document still shows
# PushRequest, the model that check follows.
_PUSH_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PushRequest"}}},
    }
}


@router.post(
    "/push",
    response_model=PushResponse,
    openapi_extra=_PUSH_BODY,
    responses={
        409: {"model": GapErrorBody, "description": "a gap: resend from expected_seq"},
        413: {"model": ErrorBody, "description": "batch or body too large: halve the batch"},
    },
)
async def push(request: Request, store: StoreDep, caller: CallerDep) -> Response:
    """A device's batch of operations (a PushRequest), taken in one transaction (DESIGN.md)."""
    caller.require("push")
    pending = parse_pending(request.headers.get(PENDING_HEADER))
    raw = await request.body()
    return await run_in_threadpool(_push, store, caller, raw, pending)


def _push(store: Store, caller: Caller, raw: bytes, pending: int | None) -> Response:
    device_id, ops = parse_push_body(raw)
    if device_id != caller.device_id:
        raise Forbidden(f"this token belongs to {caller.device_id}, not {device_id}")

    def contact(conn: Connection) -> None:
        write_contact(conn, caller.device_id, PUSH, store.now_ms(), pending)

    return _json(ingest.push(store, caller.device_id, ops, caller.user, contact))


@router.get("/pull", response_model=PullResponse)
def pull(
    request: Request,
    *,
    store: StoreDep,
    caller: CallerDep,
    cursor: Annotated[str | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = DEFAULT_PULL_LIMIT,
    site: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    """Changes since `cursor` (assets, pallets, locations, location tags, conflicts with their
    decisions)."""
    caller.require("pull")
    pending = parse_pending(request.headers.get(PENDING_HEADER))
    with reading(store.engine) as conn:
        page = read_page(conn, cursor, limit, site)
        head = latest_head(conn, store.settings.partition)
    record_contact(store.engine, caller.device_id, PULL, store.now_ms(), pending)
    return Response(page_json(page, head), media_type="application/json")


def document_push_body(app: FastAPI) -> None:
    """Put PushRequest (and the models it uses) in the OpenAPI components the push body names:
    no route declares it as a parameter any more, so FastAPI would leave it out."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            doc = generate()
            schemas = doc.setdefault("components", {}).setdefault("schemas", {})
            schema = PushRequest.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, part in schema.pop("$defs", {}).items():
                schemas.setdefault(name, part)
            schemas.setdefault("PushRequest", schema)
        return app.openapi_schema or generate()

    app.openapi = openapi  # type: ignore[method-assign]


def _json(model: BaseModel) -> Response:
    # The model is already checked: serialise it once instead of validating it again.
    return Response(model.model_dump_json(), media_type="application/json")
