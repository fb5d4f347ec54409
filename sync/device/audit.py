"""Proving the store's log to a device with the signed chain heads the device has kept.

Someone who can rewrite the store's database could edit, delete or truncate log entries and
recompute every hash. They cannot re-sign chain heads: the key lives outside the database. So
each head this device was handed is evidence. An audit checks it twice:

1. here, each kept head's Ed25519 signature against the store's public key, so a forged or
   altered head is caught even if the store vouches for it;
2. at the store (`POST /v1/verify`), which recomputes its chain and shows that every head this
   device saw is still part of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from sync.device import heads
from sync.device.service import DeviceService
from sync.device.state import load_state
from sync.errors import NotEnrolled, ServerRefused, ServerUnreachable
from sync.protocol import (
    API_PREFIX,
    DEVICE_TOKEN_HEADER,
    PERSON_TOKEN_HEADER,
    PublicKey,
    SignedHead,
    VerifyReport,
    VerifyRequest,
    head_message,
)

AUDIT_TIMEOUT_S = 60.0  # the store rereads its whole log


@dataclass(frozen=True, slots=True)
class AuditReport:
    ok: bool
    heads_checked: int
    entries: int  # log entries the store recomputed
    problems: tuple[str, ...]


def forged_heads(kept: list[SignedHead], key: PublicKey) -> list[str]:
    """Problems with the kept heads' signatures (empty when every one is genuine)."""
    public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(key.public_key))
    problems = []
    for head in kept:
        if head.key_id != key.key_id:
            problems.append(f"head at position {head.position} was signed by another key")
            continue
        try:
            message = head_message(head.partition, head.position, head.hash)
            public.verify(bytes.fromhex(head.signature), message)
        except (InvalidSignature, ValueError):
            problems.append(f"head at position {head.position} has a signature that fails")
    return problems


def audit(
    service: DeviceService,
    server_url: str,
    *,
    client: httpx.Client | None = None,
    timeout_s: float = AUDIT_TIMEOUT_S,
) -> AuditReport:
    """Check the store's log against every head this device has kept."""
    with service.db.read() as conn:
        token = load_state(conn).token
        kept = heads.seen(conn)
    if not token:
        raise NotEnrolled("this device is not enrolled with a central store")
    person = service.current_person()
    headers = {DEVICE_TOKEN_HEADER: f"Bearer {token}"}
    if person is not None and person.token:
        headers[PERSON_TOKEN_HEADER] = person.token
    http = client or httpx.Client(base_url=server_url.rstrip("/"), timeout=timeout_s)
    try:
        key_answer = http.get(f"{API_PREFIX}/verify/key", headers=headers)
        body = VerifyRequest(heads=kept).model_dump_json()
        headers["content-type"] = "application/json"
        answer = http.post(f"{API_PREFIX}/verify", content=body, headers=headers)
    except httpx.HTTPError as exc:
        raise ServerUnreachable(f"cannot reach the central store: {exc!r:.200}") from exc
    finally:
        if client is None:
            http.close()
    for response in (key_answer, answer):
        if response.status_code >= 500:
            raise ServerUnreachable(f"the central store is unavailable ({response.status_code})")
        if response.status_code >= 400:
            raise ServerRefused(response.status_code, response.text[:300])
    problems = forged_heads(kept, PublicKey.model_validate_json(key_answer.content))
    report = VerifyReport.model_validate_json(answer.content)
    problems += report.problems
    return AuditReport(not problems and report.ok, len(kept), report.entries, tuple(problems))
