"""Which of an asset's handoffs this device recorded with a drawn signature. The history
entries name the signer only, so the UI reads the signatures from the device's own outbox
(synced ones included, read from `settled`); another device's signed handoffs are not marked."""

from __future__ import annotations

import json

from sync.device import outbox
from sync.device.service import DeviceService


def signed_handoffs(svc: DeviceService, tag: str) -> frozenset[str]:
    """The op ids of the asset's handoffs in this device's outbox that carry a signature."""
    key = tag if tag.startswith("asset:") else f"asset:{tag}"
    with svc.db.read() as conn:
        rows = outbox.own_operations(conn, key)
    return frozenset(r.op_id for r in rows if r.kind == "handoff" and _has_signature(r.body))


def _has_signature(body: str) -> bool:
    try:
        args = json.loads(body).get("args")
    except (ValueError, AttributeError):
        return False
    return isinstance(args, dict) and bool(args.get("signature"))
