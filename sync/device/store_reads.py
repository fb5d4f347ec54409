"""One read from the central store for a screen's extra information (an asset's history, a
location's audits): the device's and person's tokens, a short timeout, and the answer mapped
to the device side's two errors."""

from __future__ import annotations

import httpx

from sync.errors import ServerRefused, ServerUnreachable
from sync.protocol import DEVICE_TOKEN_HEADER, PERSON_TOKEN_HEADER

FETCH_TIMEOUT_S = 4.0  # extra information: never keep a technician waiting long for it


def get_from_store(
    server_url: str,
    path: str,
    device_token: str,
    person_token: str | None,
    *,
    params: dict[str, int | str] | None = None,
    client: httpx.Client | None = None,
    timeout_s: float = FETCH_TIMEOUT_S,
) -> httpx.Response:
    """The store's answer to `GET path` (`client`: an httpx client to reuse, whose base URL is
    the store's). Raises `ServerUnreachable` (no network, store down, slow) or `ServerRefused`
    (a 4xx: unknown, not allowed)."""
    headers = {DEVICE_TOKEN_HEADER: f"Bearer {device_token}"}
    if person_token:
        headers[PERSON_TOKEN_HEADER] = person_token
    try:
        if client is not None:
            response = client.get(path, headers=headers, params=params, timeout=timeout_s)
        else:
            with httpx.Client(base_url=server_url.rstrip("/"), timeout=timeout_s) as http:
                response = http.get(path, headers=headers, params=params)
    except httpx.HTTPError as exc:
        raise ServerUnreachable(f"cannot reach the central store: {exc!r:.200}") from exc
    if response.status_code >= 500:
        raise ServerUnreachable(f"the central store is unavailable ({response.status_code})")
    if response.status_code >= 400:
        raise ServerRefused(response.status_code, response.text[:300])
    return response
