"""Which of an asset's handoffs this device recorded with a drawn signature. The history
entries name the signer only, so the UI reads the signatures from the device's own outbox
(synced rows included); another device's signed handoffs are not marked."""

from __future__ import annotations

import json

from sqlalchemy import select

from sync.device.schema import outbox
from sync.device.service import DeviceService


def signed_handoffs(svc: DeviceService, tag: str) -> frozenset[str]:
    """The op ids of the asset's handoffs in this device's outbox that carry a signature."""
    key = tag if tag.startswith("asset:") else f"asset:{tag}"
    query = select(outbox.c.op_id, outbox.c.body).where(
        outbox.c.kind == "handoff", outbox.c.target == key
    )
    with svc.db.read() as conn:
        rows = list(conn.execute(query))
    return frozenset(op_id for op_id, body in rows if _has_signature(body))


def _has_signature(body: str) -> bool:
    try:
        args = json.loads(body).get("args")
    except (ValueError, AttributeError):
        return False
    return isinstance(args, dict) and bool(args.get("signature"))
