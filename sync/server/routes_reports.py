"""Supervisors' reports (supervisors and admins), each as JSON and as CSV: the same path with
`.csv`, or `?format=csv`, or `Accept: text/csv`. A paged report's CSV holds every page."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from sqlalchemy import Connection

from sync.errors import Forbidden
from sync.protocol import (
    AssetsByLocationReport,
    AssetsByStatusReport,
    DevicesReport,
    DispositionReport,
    DiversionReport,
    RecoveryReport,
    ReportPeriod,
    StorageAgeReport,
)
from sync.server import csvfile, report_csv, report_devices, report_periods, report_stock, reports
from sync.server.auth import Caller
from sync.server.db import reading
from sync.server.deps import CallerDep, StoreDep
from sync.server.store import Store

router = APIRouter(prefix="/v1", tags=["reports"])
REPORTING_ROLES = frozenset({"supervisor", "admin"})
CSV_PAGE = 1000
DateText = Annotated[
    str | None,
    Query(max_length=40, description="a date (2026-03-31) or an ISO 8601 date and time, UTC"),
]
SiteText = Annotated[str | None, Query(max_length=64)]
Format = Annotated[
    Literal["json", "csv"] | None, Query(description="csv: the report as a CSV file")
]
Cursor = Annotated[str | None, Query(max_length=300, description="next_cursor of a page")]
Limit = Annotated[int, Query(ge=1, le=1000)]
Period = Annotated[ReportPeriod, Query(description="day, week (from Monday) or month, UTC")]
_CSV: dict[int | str, dict[str, Any]] = {200: {"content": {"application/json": {}, "text/csv": {}}}}


def require_reporter(caller: Caller) -> None:
    if caller.user.role not in REPORTING_ROLES:
        raise Forbidden(f"a {caller.user.role} may not read reports; ask a supervisor or admin")


def _wants_csv(request: Request, fmt: str | None) -> bool:
    if fmt is not None:
        return fmt == "csv"
    if request.url.path.endswith(".csv"):
        return True
    accept = request.headers.get("accept", "")
    return "text/csv" in accept and "application/json" not in accept


def _csv(name: str, chunks: Iterator[str]) -> StreamingResponse:
    return StreamingResponse(
        chunks,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="tagtrail-{name}.csv"'},
    )


def _answer(
    request: Request,
    fmt: str | None,
    name: str,
    report: BaseModel,
    rows: Callable[[Any], Iterable[report_csv.Row]],
) -> Response:
    if _wants_csv(request, fmt):
        return _csv(name, csvfile.write(rows(report)))
    return Response(report.model_dump_json(), media_type="application/json")


def _paged(
    request: Request,
    *,
    fmt: str | None,
    store: Store,
    name: str,
    fetch: Callable[[Connection, str | None, int], Any],
    first: Any,
) -> Response:
    """JSON: the page asked for (`first`). CSV: every page, read one at a time in one snapshot."""
    if not _wants_csv(request, fmt):
        return Response(first.model_dump_json(), media_type="application/json")
    rows = getattr(report_csv, name.replace("-", "_"))

    def chunks() -> Iterator[str]:
        with reading(store.engine) as conn:
            pages = report_csv.every_page(
                report_csv.PAGED_COLUMNS[name], lambda c: fetch(conn, c, CSV_PAGE), rows
            )
            yield from csvfile.write(pages)

    return _csv(name, chunks())


@router.get("/reports/disposition", response_model=DispositionReport, responses=_CSV)
@router.get("/reports/disposition.csv", response_model=DispositionReport, responses=_CSV)
def disposition(
    request: Request,
    *,
    store: StoreDep,
    caller: CallerDep,
    site: SiteText = None,
    since: DateText = None,
    until: DateText = None,
    format: Format = None,
) -> Response:
    """Assets disposed of from `since` (inclusive) to `until` (exclusive; a date alone includes
    that day), by the dispose record's clock time: totals per outcome (weight in kg, value per
    currency), recycling by commodity, sanitization of data-bearing assets, landfill diversion."""
    require_reporter(caller)
    window = reports.parse_window(since, until)
    with reading(store.engine) as conn:
        report = reports.disposition_report(conn, site, window)
    return _answer(request, format, "disposition", report, report_csv.disposition)


@router.get("/reports/assets-by-status", response_model=AssetsByStatusReport, responses=_CSV)
@router.get("/reports/assets-by-status.csv", response_model=AssetsByStatusReport, responses=_CSV)
def assets_by_status(
    request: Request,
    *,
    store: StoreDep,
    caller: CallerDep,
    site: SiteText = None,
    format: Format = None,
) -> Response:
    """How many assets are in each status, over all sites (or one) and per site."""
    require_reporter(caller)
    with reading(store.engine) as conn:
        report = report_stock.assets_by_status(conn, site)
    return _answer(request, format, "assets-by-status", report, report_csv.assets_by_status)


@router.get("/reports/assets-by-location", response_model=AssetsByLocationReport, responses=_CSV)
@router.get(
    "/reports/assets-by-location.csv", response_model=AssetsByLocationReport, responses=_CSV
)
def assets_by_location(
    request: Request,
    *,
    store: StoreDep,
    caller: CallerDep,
    site: SiteText = None,
    cursor: Cursor = None,
    limit: Limit = 100,
    format: Format = None,
) -> Response:
    """How many assets each place holds (places holding none left out), in path order."""
    require_reporter(caller)

    def fetch(conn: Connection, after: str | None, size: int) -> AssetsByLocationReport:
        return report_stock.assets_by_location(conn, site, after, size)

    with reading(store.engine) as conn:
        first = fetch(conn, cursor, limit)
    return _paged(
        request, fmt=format, store=store, name="assets-by-location", fetch=fetch, first=first
    )


@router.get("/reports/storage-age", response_model=StorageAgeReport, responses=_CSV)
@router.get("/reports/storage-age.csv", response_model=StorageAgeReport, responses=_CSV)
def storage_age(
    request: Request,
    *,
    store: StoreDep,
    caller: CallerDep,
    site: SiteText = None,
    status: Annotated[str | None, Query(max_length=40, description="storage or surplus")] = None,
    cursor: Cursor = None,
    limit: Limit = 100,
    format: Format = None,
) -> Response:
    """Assets sitting in storage or surplus, the longest idle first, with the days since they
    arrived where they are."""
    require_reporter(caller)
    now = store.now_ms()

    def fetch(conn: Connection, after: str | None, size: int) -> StorageAgeReport:
        return report_stock.storage_age(
            conn, now, site=site, status=status, cursor=after, limit=size
        )

    with reading(store.engine) as conn:
        first = fetch(conn, cursor, limit)
    return _paged(request, fmt=format, store=store, name="storage-age", fetch=fetch, first=first)


@router.get("/reports/recovery", response_model=RecoveryReport, responses=_CSV)
@router.get("/reports/recovery.csv", response_model=RecoveryReport, responses=_CSV)
def recovery(
    request: Request,
    *,
    store: StoreDep,
    caller: CallerDep,
    period: Period = "month",
    site: SiteText = None,
    since: DateText = None,
    until: DateText = None,
    format: Format = None,
) -> Response:
    """Value recovered by period, site and currency (never added across currencies)."""
    require_reporter(caller)
    window = reports.parse_window(since, until)
    with reading(store.engine) as conn:
        report = report_periods.recovery_report(conn, period, site, window)
    return _answer(request, format, "recovery", report, report_csv.recovery)


@router.get("/reports/diversion", response_model=DiversionReport, responses=_CSV)
@router.get("/reports/diversion.csv", response_model=DiversionReport, responses=_CSV)
def diversion(
    request: Request,
    *,
    store: StoreDep,
    caller: CallerDep,
    period: Period = "month",
    site: SiteText = None,
    since: DateText = None,
    until: DateText = None,
    format: Format = None,
) -> Response:
    """Landfill diversion (diverted weight over retired weight) by period and site."""
    require_reporter(caller)
    window = reports.parse_window(since, until)
    with reading(store.engine) as conn:
        report = report_periods.diversion_report(conn, period, site, window)
    return _answer(request, format, "diversion", report, report_csv.diversion)


@router.get("/reports/devices", response_model=DevicesReport, responses=_CSV)
@router.get("/reports/devices.csv", response_model=DevicesReport, responses=_CSV)
def devices(
    request: Request,
    *,
    store: StoreDep,
    caller: CallerDep,
    cursor: Annotated[str | None, Query(max_length=64)] = None,
    limit: Limit = 100,
    format: Format = None,
) -> Response:
    """Per device: its latest contact, push and pull, and the backlog it reported then."""
    require_reporter(caller)
    now = store.now_ms()

    def fetch(conn: Connection, after: str | None, size: int) -> DevicesReport:
        return report_devices.devices_report(conn, now, after, size)

    with reading(store.engine) as conn:
        first = fetch(conn, cursor, limit)
    return _paged(request, fmt=format, store=store, name="devices", fetch=fetch, first=first)
