"""The store's audit history of a location tag, for the Audit screen (online only: the
device keeps just the tag's latest audit, through pull)."""

from __future__ import annotations

from urllib.parse import quote

import httpx

from sync.device.store_reads import get_from_store
from sync.errors import ServerRefused
from sync.protocol import API_PREFIX, AuditPage, AuditView


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
    path = f"{API_PREFIX}/location-tags/{quote(tag, safe='')}/audits"
    response = get_from_store(
        server_url, path, device_token, person_token, params={"limit": limit}, client=client
    )
    try:
        return AuditPage.model_validate_json(response.content).items
    except ValueError as exc:
        raise ServerRefused(response.status_code, f"not an audit history: {exc}"[:300]) from exc
