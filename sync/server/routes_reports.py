"""Supervisors' reports: disposition totals and per-asset certificates (supervisors and admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from sync.errors import Forbidden
from sync.protocol import DispositionReport, ErrorBody
from sync.server import certificates, reports
from sync.server.auth import Caller, iso
from sync.server.db import reading
from sync.server.deps import CallerDep, StoreDep

router = APIRouter(prefix="/v1")
REPORTING_ROLES = frozenset({"supervisor", "admin"})
DateText = Annotated[
    str | None,
    Query(max_length=40, description="a date (2026-03-31) or an ISO 8601 date and time, UTC"),
]


def _require_reporter(caller: Caller) -> None:
    if caller.user.role not in REPORTING_ROLES:
        raise Forbidden(f"a {caller.user.role} may not read reports; ask a supervisor or admin")


@router.get("/reports/disposition", response_model=DispositionReport, tags=["reports"])
def disposition(
    store: StoreDep,
    caller: CallerDep,
    site: Annotated[str | None, Query(max_length=64)] = None,
    since: DateText = None,
    until: DateText = None,
) -> DispositionReport:
    """Assets disposed of from `since` (inclusive) to `until` (exclusive; a date alone includes
    that day), by the dispose record's clock time: totals per outcome (weight in kg, value per
    currency), recycling by commodity, sanitization of data-bearing assets, landfill diversion."""
    _require_reporter(caller)
    window = reports.parse_window(since, until)
    with reading(store.engine) as conn:
        return reports.disposition_report(conn, site, window)


@router.get(
    "/assets/{tag}/certificate.pdf",
    tags=["reports"],
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}}, "description": "the certificate"},
        404: {"model": ErrorBody, "description": "no such asset"},
        409: {"model": ErrorBody, "description": "the asset has no disposition yet"},
    },
)
def certificate(
    store: StoreDep, caller: CallerDep, tag: Annotated[str, Path(max_length=200)]
) -> Response:
    """A certificate of sanitization and disposition for one asset, citing its log entries."""
    _require_reporter(caller)
    with reading(store.engine) as conn:
        facts = certificates.gather(conn, tag)
    issued = iso(store.now_ms()) or ""
    pdf = certificates.render_pdf(facts, issued, caller.user.username)
    name = facts.state.key.removeprefix("asset:").replace('"', "")
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="certificate-{name}.pdf"'},
    )
