"""What people entered, as this device's outbox recorded it (synced rows included).

The folded state keeps what the rules need (a signer's name, weights in kg); what was drawn
or typed lives in the operation's body: a handoff's drawn signature, a seal's weights in the
unit the crew weighed in. Another device's entries are not here. Reads by the outbox's
own-operations lookups (outbox and settled).
"""

from __future__ import annotations

import json

from sqlalchemy import Connection

from sync.device import outbox


def signed_handoffs(conn: Connection, key: str) -> frozenset[str]:
    """The op ids of `key`'s handoffs recorded here (in flight or settled) with a signature."""
    return frozenset(
        row.op_id
        for row in outbox.own_operations(conn, key)
        if row.kind == "handoff" and _has_signature(row.body)
    )


def seal_weights(conn: Connection, key: str) -> tuple[dict[str, str], dict[str, str]] | None:
    """The (gross, tare) weights of the pallet's newest seal recorded here, as entered."""
    body = next((row.body for row in outbox.own_operations(conn, key) if row.kind == "seal"), None)
    args = _args(body) if body is not None else {}
    gross, tare = args.get("gross"), args.get("tare")
    if isinstance(gross, dict) and isinstance(tare, dict):
        return {k: str(v) for k, v in gross.items()}, {k: str(v) for k, v in tare.items()}
    return None


def _args(body: str) -> dict[str, object]:
    try:
        args = json.loads(body).get("args")
    except (ValueError, AttributeError):
        return {}
    return args if isinstance(args, dict) else {}


def _has_signature(body: str) -> bool:
    return bool(_args(body).get("signature"))
