"""The store's audit history of a location tag, for the Audit screen (online only: the
device keeps just the tag's latest audit, through pull)."""

from __future__ import annotations

from urllib.parse import quote

import httpx

from sync.errors import ServerRefused, ServerUnreachable
from sync.protocol import API_PREFIX, DEVICE_TOKEN_HEADER, PERSON_TOKEN_HEADER, AuditPage, AuditView

FETCH_TIMEOUT_S = 4.0  # extra information: never keep a technician waiting long for it


def fetch_audits(
    server_url: str,
    device_token: str,
    person_token: str | None,
    tag: str,
    *,
    limit: int = 20,
    client: httpx.Client | None = None,
) -> list[AuditView]:
    """The latest finished audits of a location tag, newest first.

    Raises `ServerUnreachable` (offline, store down, slow) or `ServerRefused` (unknown tag, not
    allowed, bad answer)."""
    headers = {DEVICE_TOKEN_HEADER: f"Bearer {device_token}"}
    if person_token:
        headers[PERSON_TOKEN_HEADER] = person_token
    path = f"{API_PREFIX}/location-tags/{quote(tag, safe='')}/audits"
    params = {"limit": limit}
    try:
        if client is not None:
            response = client.get(path, headers=headers, params=params, timeout=FETCH_TIMEOUT_S)
        else:
            with httpx.Client(base_url=server_url.rstrip("/"), timeout=FETCH_TIMEOUT_S) as http:
                response = http.get(path, headers=headers, params=params)
    except httpx.HTTPError as exc:
        raise ServerUnreachable(f"cannot reach the central store: {exc!r:.200}") from exc
    if response.status_code >= 500:
        raise ServerUnreachable(f"the central store is unavailable ({response.status_code})")
    if response.status_code >= 400:
        raise ServerRefused(response.status_code, response.text[:300])
    try:
        return AuditPage.model_validate_json(response.content).items
    except ValueError as exc:
        raise ServerRefused(response.status_code, f"not an audit history: {exc}"[:300]) from exc
