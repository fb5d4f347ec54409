"""Data in and out: CSV import (supervisors and admins), CSV exports (supervisors and admins),
and search by custom field (everyone who may read)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from sync.errors import Forbidden
from sync.protocol import AssetPage, ErrorBody, ImportReport
from sync.server import asset_fields, exports, queries
from sync.server.auth import Caller
from sync.server.db import reading
from sync.server.deps import CallerDep, StoreDep
from sync.server.imports import import_csv

router = APIRouter(prefix="/v1")
DATA_ROLES = frozenset({"supervisor", "admin"})
SiteQuery = Annotated[str | None, Query(max_length=64, description="only this site")]


def _require_data_role(caller: Caller, what: str) -> None:
    if caller.user.role not in DATA_ROLES:
        raise Forbidden(f"a {caller.user.role} may not {what}; ask a supervisor or admin")


@router.post(
    "/imports",
    response_model=ImportReport,
    tags=["data"],
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
    responses={
        422: {"model": ErrorBody, "description": "bad rows (listed) or an unreadable file"},
    },
)
async def import_file(
    *,
    request: Request,
    store: StoreDep,
    caller: CallerDep,
    format: Annotated[Literal["auto", "snipe-it", "tagtrail"], Query()] = "auto",
    site: SiteQuery = None,
    dry_run: bool = False,
) -> ImportReport:
    """Import a CSV file (Snipe-IT's asset export or TagTrail's template), sent as the body.
    The whole file or nothing: with bad rows, 422 lists each (row, column, why)."""
    _require_data_role(caller, "import assets")
    data = await request.body()
    return await run_in_threadpool(
        import_csv,
        store,
        data,
        caller.user.username,
        caller.user.role,
        fmt=format,
        site=site,
        dry_run=dry_run,
    )


@router.get(
    "/exports/{what}.csv",
    tags=["data"],
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "the export"}},
)
def export_file(
    store: StoreDep,
    caller: CallerDep,
    what: Annotated[Literal["assets", "custody", "sanitization"], Path()],
    site: SiteQuery = None,
) -> StreamingResponse:
    """Assets (TagTrail's import template, custom fields included), the custody log, or the
    sanitization records, as CSV."""
    _require_data_role(caller, "export data")
    body = exports.export_csv(store.engine, what, site)
    name = f"tagtrail-{what}{'-' + site.upper() if site else ''}.csv"
    return StreamingResponse(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/asset-fields", response_model=AssetPage, tags=["assets"])
def search_fields(
    store: StoreDep,
    caller: CallerDep,
    value: Annotated[str, Query(min_length=1, max_length=200, description="prefix")],
    name: Annotated[str | None, Query(max_length=80, description="only this field")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> AssetPage:
    """Assets whose custom field (any, or `name`) starts with `value`, ignoring case."""
    caller.require("read")
    with reading(store.engine) as conn:
        keys, _more = asset_fields.find(conn, value, name, limit)
        return AssetPage(items=queries.asset_views(conn, keys), next_cursor=None)


class FieldName(BaseModel):
    name: str
    assets: int


@router.get("/asset-fields/names", response_model=list[FieldName], tags=["assets"])
def field_names(store: StoreDep, caller: CallerDep) -> list[FieldName]:
    """Every custom field in use and how many assets carry it."""
    caller.require("read")
    with reading(store.engine) as conn:
        return [FieldName(name=n, assets=c) for n, c in asset_fields.names(conn)]
