"""Certificates as PDFs (supervisors and admins): per asset, per pallet, per batch of assets,
and a certificate of recycling over a window."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response

from sync.protocol import CertificateBatch, ErrorBody
from sync.server import certificate_pdf, certificates, reports, store_settings
from sync.server.auth import Caller, iso
from sync.server.db import reading
from sync.server.deps import CallerDep, StoreDep
from sync.server.routes_reports import DateText, SiteText, require_reporter
from sync.server.store import Store

router = APIRouter(prefix="/v1", tags=["reports"])
_PDF: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}, "description": "the certificate"}
}
_CERTIFIED: dict[int | str, dict[str, Any]] = {
    **_PDF,
    404: {"model": ErrorBody, "description": "no such asset or pallet"},
    409: {"model": ErrorBody, "description": "no disposition recorded yet"},
}


def _issue(store: Store, caller: Caller, organisation: str) -> certificate_pdf.Issue:
    return certificate_pdf.Issue(iso(store.now_ms()) or "", caller.user.username, organisation)


def _pdf(data: bytes, name: str) -> Response:
    safe = "".join(c for c in name if c.isalnum() or c in "-_.") or "certificate"
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{safe}.pdf"'},
    )


@router.get("/assets/{tag}/certificate.pdf", response_class=Response, responses=_CERTIFIED)
def asset_certificate(
    store: StoreDep, caller: CallerDep, tag: Annotated[str, Path(max_length=200)]
) -> Response:
    """A certificate of sanitization and disposition for one asset, citing its log entries."""
    require_reporter(caller)
    with reading(store.engine) as conn:
        facts = certificates.gather(conn, tag)
        organisation = store_settings.current(conn).organisation_name
    pdf = certificate_pdf.asset_certificate(facts, _issue(store, caller, organisation))
    return _pdf(pdf, f"certificate-{facts.state.key.removeprefix('asset:')}")


@router.get("/pallets/{tag}/certificate.pdf", response_class=Response, responses=_CERTIFIED)
def pallet_certificate(
    store: StoreDep, caller: CallerDep, tag: Annotated[str, Path(max_length=200)]
) -> Response:
    """One certificate for every disposed asset the pallet carried (the others are named)."""
    require_reporter(caller)
    with reading(store.engine) as conn:
        facts = certificates.gather_pallet(conn, tag)
        organisation = store_settings.current(conn).organisation_name
    pdf = certificate_pdf.pallet_certificate(facts, _issue(store, caller, organisation))
    return _pdf(pdf, f"certificate-{facts.state.key.removeprefix('pallet:')}")


@router.post("/certificates.pdf", response_class=Response, responses=_CERTIFIED)
def batch_certificate(store: StoreDep, caller: CallerDep, batch: CertificateBatch) -> Response:
    """One certificate for a batch of assets (all or nothing: the first that cannot be
    certified is named in the error)."""
    require_reporter(caller)
    with reading(store.engine) as conn:
        facts = certificates.gather_many(conn, batch.tags)
        organisation = store_settings.current(conn).organisation_name
    pdf = certificate_pdf.batch_certificate(facts, _issue(store, caller, organisation))
    return _pdf(pdf, f"certificate-{len(facts)}-assets")


@router.get("/reports/recycling-certificate.pdf", response_class=Response, responses=_PDF)
def recycling_certificate(
    store: StoreDep,
    caller: CallerDep,
    site: SiteText = None,
    since: DateText = None,
    until: DateText = None,
) -> Response:
    """A certificate of recycling: the weight of each commodity recycled in the window."""
    require_reporter(caller)
    window = reports.parse_window(since, until)
    with reading(store.engine) as conn:
        report = reports.disposition_report(conn, site, window)
        organisation = store_settings.current(conn).organisation_name
    pdf = certificate_pdf.recycling_certificate(report, _issue(store, caller, organisation))
    return _pdf(pdf, "certificate-of-recycling")
