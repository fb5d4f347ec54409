"""The HTTP client of the central store's sync API (httpx, asynchronous).

It speaks sync/protocol.py and turns each answer into either a parsed response or one of a
few errors the engine knows how to handle: retry later (`ServerUnreachable`), resend from a
sequence number (`PushGap`), halve the batch (`BatchTooLarge`), pull from the start
(`ResnapshotRequired`), wait out a sign-in lock (`SignInLocked`), ask an admin to revoke a
device id still in use (`DeviceIdTaken`), or stop and show the message (`ServerRefused`).
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from sync.collector import collector_paused
from sync.errors import (
    BatchTooLarge,
    DeviceIdTaken,
    PushGap,
    ResnapshotRequired,
    ServerRefused,
    ServerUnreachable,
    SignInLocked,
)
from sync.protocol import (
    API_PREFIX,
    DEVICE_TOKEN_HEADER,
    PENDING_HEADER,
    PERSON_TOKEN_HEADER,
    EnrolRequest,
    EnrolResponse,
    Health,
    PullResponse,
    PushResponse,
    SignInRequest,
    SignInResponse,
    StoreSettingsView,
    TagRunReceipt,
    TagRunReport,
)

# Paths of the sync API (under /v1).
HEALTH = f"{API_PREFIX}/health"
PUSH = f"{API_PREFIX}/sync/push"
PULL = f"{API_PREFIX}/sync/pull"
ENROL = f"{API_PREFIX}/devices/enrol"
SIGN_IN = f"{API_PREFIX}/auth/signin"
SETTINGS = f"{API_PREFIX}/settings"
TAGS_PRINTED = f"{API_PREFIX}/tags/printed"

# Error codes meaning "your cursor is older than what the store keeps".
RESNAPSHOT_CODES = frozenset({"cursor_expired", "resnapshot", "snapshot_required"})
DEFAULT_TIMEOUT_S = 30.0

M = TypeVar("M", bound=BaseModel)


def _error_of(response: httpx.Response) -> tuple[str, str, dict[str, Any]]:
    """(code, message, body) of an error response, whatever shape it came in."""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return "", response.text[:200] or response.reason_phrase, {}
    if not isinstance(body, dict):
        return "", str(body)[:200], {}
    message = body.get("message") or body.get("detail") or response.reason_phrase
    return str(body.get("error", "")), str(message)[:500], body


def _retry_after(response: httpx.Response, body: dict[str, Any]) -> int:
    """Seconds until the store accepts the call again (Retry-After, else the body's figure)."""
    text = response.headers.get("Retry-After", "")
    if text.isascii() and text.isdigit():
        return int(text)
    value = body.get("retry_after")
    return value if isinstance(value, int) else 60


class SyncClient:
    """One connection pool to one central store. Not tied to a device database."""

    def __init__(
        self,
        base_url: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.AsyncClient(
            base_url=self.base_url, transport=transport, timeout=timeout_s
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    @staticmethod
    def _headers(device_token: str | None, person_token: str | None) -> dict[str, str]:
        headers: dict[str, str] = {}
        if device_token:
            headers[DEVICE_TOKEN_HEADER] = f"Bearer {device_token}"
        if person_token:
            headers[PERSON_TOKEN_HEADER] = person_token
        return headers

    async def _call(
        self,
        method: str,
        path: str,
        model: type[M],
        *,
        headers: dict[str, str] | None = None,
        body: BaseModel | None = None,
        params: dict[str, Any] | None = None,
    ) -> M:
        content = None if body is None else body.model_dump_json(by_alias=True)
        send_headers = dict(headers or {})
        if content is not None:
            send_headers["Content-Type"] = "application/json"
        try:
            response = await self._http.request(
                method, path, content=content, params=params, headers=send_headers
            )
        except httpx.TransportError as exc:
            raise ServerUnreachable(f"cannot reach the central store: {exc!r:.200}") from exc
        if response.status_code >= 400:
            self._raise_for(response)
        try:
            with collector_paused():  # thousands of new objects, no garbage yet
                return model.model_validate_json(response.content)
        except ValidationError as exc:
            raise ServerRefused(
                response.status_code, f"the answer is not a {model.__name__}: {exc}"[:500]
            ) from exc

    @staticmethod
    def _raise_for(response: httpx.Response) -> None:
        status = response.status_code
        code, message, body = _error_of(response)
        if status == 429 and code == "locked":
            raise SignInLocked(message, _retry_after(response, body))
        if status == 409 and code == "device_active":
            raise DeviceIdTaken(message)
        if status >= 500 or status == 429:
            raise ServerUnreachable(f"the central store is unavailable ({status}): {message}")
        if status == 413:
            raise BatchTooLarge(message)
        if status == 409 and "expected_seq" in body:
            raise PushGap(int(body["expected_seq"]), int(body.get("acked_through", 0)))
        if status == 410 or code in RESNAPSHOT_CODES:
            raise ResnapshotRequired(message)
        raise ServerRefused(status, message)

    # ---- the calls ------------------------------------------------------------------------

    async def health(self) -> Health:
        return await self._call("GET", HEALTH, Health)

    async def enrol(self, code: str, device_id: str, name: str) -> EnrolResponse:
        request = EnrolRequest(code=code, device_id=device_id, name=name)
        return await self._call("POST", ENROL, EnrolResponse, body=request)

    async def sign_in(self, device_token: str, username: str, pin: str) -> SignInResponse:
        request = SignInRequest(username=username, pin=pin)
        return await self._call(
            "POST",
            SIGN_IN,
            SignInResponse,
            body=request,
            headers=self._headers(device_token, None),
        )

    async def push(
        self,
        device_token: str,
        person_token: str | None,
        device_id: str,
        ops: list[str],
        pending: int | None = None,
    ) -> PushResponse:
        """Push operations given as their stored wire JSON: sent as they are, never re-encoded.
        `pending`: this device's operations the store does not hold yet (for its report)."""
        content = f'{{"device_id":{json.dumps(device_id)},"ops":[{",".join(ops)}]}}'
        headers = self._headers(device_token, person_token) | {"Content-Type": "application/json"}
        if pending is not None:
            headers[PENDING_HEADER] = str(pending)
        try:
            response = await self._http.post(PUSH, content=content, headers=headers)
        except httpx.TransportError as exc:
            raise ServerUnreachable(f"cannot reach the central store: {exc!r:.200}") from exc
        if response.status_code >= 400:
            self._raise_for(response)
        try:
            with collector_paused():  # thousands of new objects, no garbage yet
                return PushResponse.model_validate_json(response.content)
        except ValidationError as exc:
            raise ServerRefused(response.status_code, f"bad push answer: {exc}"[:500]) from exc

    async def pull(
        self,
        device_token: str,
        person_token: str | None,
        cursor: str | None,
        limit: int,
        site: str | None = None,
        *,
        pending: int | None = None,
    ) -> PullResponse:
        params: dict[str, Any] = {"limit": limit}
        if cursor is not None:
            params["cursor"] = cursor
        if site is not None:
            params["site"] = site
        return await self._call(
            "GET",
            PULL,
            PullResponse,
            headers=self._headers(device_token, person_token)
            | ({} if pending is None else {PENDING_HEADER: str(pending)}),
            params=params,
        )

    async def report_printed(
        self, device_token: str, person_token: str | None, report: TagRunReport
    ) -> TagRunReceipt:
        """A run of new tags this device numbered itself offline: the store keeps it so no
        later run repeats it, and names the numbers another device holds too."""
        return await self._call(
            "POST",
            TAGS_PRINTED,
            TagRunReceipt,
            headers=self._headers(device_token, person_token),
            body=report,
        )

    async def settings(self, device_token: str, person_token: str | None) -> StoreSettingsView:
        """The settings every device follows (receipt weight tolerance, label base URL)."""
        return await self._call(
            "GET", SETTINGS, StoreSettingsView, headers=self._headers(device_token, person_token)
        )
