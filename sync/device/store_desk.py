"""A person's desk at the central store: reports (as data and as CSV), exports, certificates
(PDF), CSV imports and (admins) the store's settings for supervisors; runs of new tags for
whoever prints labels. All with the device's token and the signed-in person's.

Online only, and blocking: the app runs each call in a worker thread. Every answer is either
what was asked for or one of the device side's errors: `ServerUnreachable` (offline, store
down, slow), `StoreSaid` (the store refused and said why, in its own words), `BadImport` (a
file with bad rows: nothing was imported, the report lists each)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from sync.errors import ServerRefused, ServerUnreachable
from sync.protocol import (
    API_PREFIX,
    DEVICE_TOKEN_HEADER,
    PERSON_TOKEN_HEADER,
    AssetsByLocationReport,
    AssetsByStatusReport,
    CertificateBatch,
    DevicesReport,
    DispositionReport,
    DiversionReport,
    ImportReport,
    RecoveryReport,
    StorageAgeReport,
    StoreSettingsView,
    TagRun,
)

READ_TIMEOUT_S = 20.0  # a report or a certificate: a person waits for it
TAGS_TIMEOUT_S = 10.0  # new tags: past this the Labels tool counts them on the device
IMPORT_TIMEOUT_S = 600.0  # 100,000 rows take about half a minute on a quiet store
EXPORTS = ("assets", "custody", "sanitization")
M = TypeVar("M", bound=BaseModel)
Params = Mapping[str, str | int | None]

# Each report's path under /v1 (its CSV is the same path with `.csv`).
REPORT_PATHS: dict[str, str] = {
    "disposition": "reports/disposition",
    "assets-by-status": "reports/assets-by-status",
    "assets-by-location": "reports/assets-by-location",
    "storage-age": "reports/storage-age",
    "recovery": "reports/recovery",
    "diversion": "reports/diversion",
    "devices": "reports/devices",
}
_FILENAME = re.compile(r'filename="?([^";]+)"?')


class StoreSaid(ServerRefused):
    """A 4xx with the store's own sentence (`said`), which is written for people."""

    def __init__(self, status: int, code: str, said: str) -> None:
        super().__init__(status, said)
        self.code = code
        self.said = said


class BadImport(StoreSaid):
    """A file with bad rows: nothing was imported; `outcome.problems` names each row."""

    def __init__(self, said: str, outcome: ImportReport) -> None:
        super().__init__(422, "bad_rows", said)
        self.outcome = outcome


@dataclass(frozen=True, slots=True)
class Download:
    name: str  # the file name the store suggests
    data: bytes
    media_type: str


def _said(response: httpx.Response) -> tuple[str, str, dict[str, object]]:
    """(code, sentence, body) of a refusal, whatever shape it came in."""
    try:
        body = response.json()
    except ValueError:
        return "", response.text[:300], {}
    if not isinstance(body, dict):
        return "", str(body)[:300], {}
    message = body.get("message") or body.get("detail") or response.reason_phrase
    return str(body.get("error", "")), str(message)[:500], body


def _refusal(response: httpx.Response) -> ServerRefused:
    code, said, body = _said(response)
    if code == "bad_rows" and isinstance(body.get("report"), dict):
        try:
            return BadImport(said, ImportReport.model_validate(body["report"]))
        except ValidationError:
            pass
    return StoreSaid(response.status_code, code, said)


class StoreDesk:
    """One person's calls to one store (`client`: an httpx client to reuse, whose base
    URL is the store's — tests pass one)."""

    def __init__(
        self,
        server_url: str,
        device_token: str,
        person_token: str | None,
        *,
        client: httpx.Client | None = None,
    ) -> None:
        self.server_url = server_url.rstrip("/")
        self._headers = {DEVICE_TOKEN_HEADER: f"Bearer {device_token}"}
        if person_token:
            self._headers[PERSON_TOKEN_HEADER] = person_token
        self._client = client

    # ---- the one way out ---------------------------------------------------------------

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        content: bytes | None = None,
        content_type: str | None = None,
        timeout_s: float = READ_TIMEOUT_S,
    ) -> httpx.Response:
        headers = dict(self._headers)
        if content_type:
            headers["Content-Type"] = content_type
        query = {k: v for k, v in (params or {}).items() if v is not None and v != ""}
        url = f"{API_PREFIX}/{path}"
        try:
            if self._client is not None:
                response = self._client.request(
                    method, url, params=query, content=content, headers=headers, timeout=timeout_s
                )
            else:
                with httpx.Client(base_url=self.server_url, timeout=timeout_s) as http:
                    response = http.request(
                        method, url, params=query, content=content, headers=headers
                    )
        except httpx.HTTPError as exc:
            raise ServerUnreachable(f"cannot reach the central store: {exc!r:.200}") from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise ServerUnreachable(f"the central store is unavailable ({response.status_code})")
        if response.status_code >= 400:
            raise _refusal(response)
        return response

    def _read(self, path: str, model: type[M], params: Params) -> M:
        response = self._send("GET", path, params=params)
        try:
            return model.model_validate_json(response.content)
        except ValidationError as exc:
            raise ServerRefused(
                response.status_code, f"the answer is not a {model.__name__}: {exc}"[:300]
            ) from exc

    def _download(
        self,
        method: str,
        path: str,
        fallback: str,
        *,
        params: Params | None = None,
        content: bytes | None = None,
        content_type: str | None = None,
    ) -> Download:
        response = self._send(
            method, path, params=params, content=content, content_type=content_type
        )
        found = _FILENAME.search(response.headers.get("Content-Disposition", ""))
        media = response.headers.get("Content-Type", "application/octet-stream")
        return Download(found.group(1) if found else fallback, response.content, media)

    # ---- reports -----------------------------------------------------------------------

    def disposition(
        self, site: str | None = None, since: str | None = None, until: str | None = None
    ) -> DispositionReport:
        params = {"site": site, "since": since, "until": until}
        return self._read(REPORT_PATHS["disposition"], DispositionReport, params)

    def assets_by_status(self, site: str | None = None) -> AssetsByStatusReport:
        return self._read(REPORT_PATHS["assets-by-status"], AssetsByStatusReport, {"site": site})

    def assets_by_location(
        self, site: str | None = None, limit: int = 100, cursor: str | None = None
    ) -> AssetsByLocationReport:
        params = {"site": site, "limit": limit, "cursor": cursor}
        return self._read(REPORT_PATHS["assets-by-location"], AssetsByLocationReport, params)

    def storage_age(
        self,
        site: str | None = None,
        status: str | None = None,
        limit: int = 100,
        cursor: str | None = None,
    ) -> StorageAgeReport:
        params = {"site": site, "status": status, "limit": limit, "cursor": cursor}
        return self._read(REPORT_PATHS["storage-age"], StorageAgeReport, params)

    def recovery(
        self,
        period: str = "month",
        site: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> RecoveryReport:
        params = {"period": period, "site": site, "since": since, "until": until}
        return self._read(REPORT_PATHS["recovery"], RecoveryReport, params)

    def diversion(
        self,
        period: str = "month",
        site: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> DiversionReport:
        params = {"period": period, "site": site, "since": since, "until": until}
        return self._read(REPORT_PATHS["diversion"], DiversionReport, params)

    def devices(self, limit: int = 100, cursor: str | None = None) -> DevicesReport:
        params = {"limit": limit, "cursor": cursor}
        return self._read(REPORT_PATHS["devices"], DevicesReport, params)

    def report_csv(self, report: str, params: Params) -> Download:
        """A report as the store's CSV (every row, not one page)."""
        path = REPORT_PATHS[report]
        page_free = {k: v for k, v in params.items() if k not in ("cursor", "limit")}
        return self._download("GET", f"{path}.csv", f"tagtrail-{report}.csv", params=page_free)

    # ---- data out and in ---------------------------------------------------------------

    def export(self, what: str, site: str | None = None) -> Download:
        if what not in EXPORTS:
            raise ValueError(f"no export called {what!r}")
        return self._download(
            "GET", f"exports/{what}.csv", f"tagtrail-{what}.csv", params={"site": site}
        )

    def import_csv(
        self, data: bytes, *, dry_run: bool, fmt: str = "auto", site: str | None = None
    ) -> ImportReport:
        """Import a CSV file (or only check it, `dry_run`). Raises `BadImport` when any row
        is bad: then nothing was imported."""
        params = {"dry_run": "true" if dry_run else "false", "format": fmt, "site": site}
        response = self._send(
            "POST",
            "imports",
            params=params,
            content=data,
            content_type="text/csv",
            timeout_s=IMPORT_TIMEOUT_S,
        )
        try:
            return ImportReport.model_validate_json(response.content)
        except ValidationError as exc:
            raise ServerRefused(response.status_code, f"not an import report: {exc}"[:300]) from exc

    # ---- the store's settings (admins change them) -------------------------------------

    def settings(self) -> StoreSettingsView:
        return self._read("settings", StoreSettingsView, {})

    def change_settings(self, values: Mapping[str, str]) -> StoreSettingsView:
        """Change some settings, all or none. The values go as typed: the store is the one
        judge of them (its refusal is a `StoreSaid` naming the setting)."""
        # json escapes a lone surrogate as \ud800: sent whole, for the store to refuse in words
        body = json.dumps(dict(values)).encode()
        response = self._send("PUT", "settings", content=body, content_type="application/json")
        try:
            return StoreSettingsView.model_validate_json(response.content)
        except ValidationError as exc:
            raise ServerRefused(response.status_code, f"not the settings: {exc}"[:300]) from exc

    # ---- new tags ----------------------------------------------------------------------

    def reserve_tags(self, kind: str, count: int) -> TagRun:
        """The next `count` tags of `kind`, handed to this device alone (the Labels tool, for
        whoever may claim tags of that kind)."""
        body = json.dumps({"kind": kind, "count": count}).encode()
        response = self._send(
            "POST",
            "tags/reserve",
            content=body,
            content_type="application/json",
            timeout_s=TAGS_TIMEOUT_S,
        )
        try:
            run = TagRun.model_validate_json(response.content)
        except ValidationError as exc:
            raise ServerRefused(response.status_code, f"not a run of tags: {exc}"[:300]) from exc
        if run.kind != kind or len(run.tags) != count or run.last - run.first + 1 != count:
            raise ServerRefused(response.status_code, f"asked for {count} {kind} tags, not this")
        return run

    # ---- certificates (PDF) ------------------------------------------------------------

    def asset_certificate(self, tag: str) -> Download:
        path = f"assets/{quote(tag, safe='')}/certificate.pdf"
        return self._download("GET", path, f"certificate-{tag}.pdf")

    def pallet_certificate(self, tag: str) -> Download:
        path = f"pallets/{quote(tag, safe='')}/certificate.pdf"
        return self._download("GET", path, f"certificate-{tag}.pdf")

    def batch_certificate(self, tags: Sequence[str]) -> Download:
        body = CertificateBatch(tags=list(tags)).model_dump_json().encode()
        return self._download(
            "POST",
            "certificates.pdf",
            f"certificate-{len(tags)}-assets.pdf",
            content=body,
            content_type="application/json",
        )

    def recycling_certificate(
        self, since: str | None = None, until: str | None = None, site: str | None = None
    ) -> Download:
        params = {"since": since, "until": until, "site": site}
        return self._download(
            "GET", "reports/recycling-certificate.pdf", "recycling-certificate.pdf", params=params
        )
