"""What people entered, as this device's outbox recorded it (synced rows included).

The folded state keeps what the rules need (a signer's name, weights in kg); what was drawn
or typed lives in the operation's body: a handoff's drawn signature, a seal's weights in the
unit the crew weighed in. Another device's entries are not here. Reads by the outbox's
(kind, target) columns.
"""

from __future__ import annotations

import json

from sqlalchemy import Connection, select

from sync.device.schema import outbox


def signed_handoffs(conn: Connection, key: str) -> frozenset[str]:
    """The op ids of `key`'s handoffs in the outbox that carry a signature."""
    query = select(outbox.c.op_id, outbox.c.body).where(
        outbox.c.kind == "handoff", outbox.c.target == key
    )
    return frozenset(op_id for op_id, body in conn.execute(query) if _has_signature(body))


def seal_weights(conn: Connection, key: str) -> tuple[dict[str, str], dict[str, str]] | None:
    """The (gross, tare) weights of the pallet's newest seal recorded here, as entered."""
    query = (
        select(outbox.c.body)
        .where(outbox.c.kind == "seal", outbox.c.target == key)
        .order_by(outbox.c.device_seq.desc())
        .limit(1)
    )
    body = conn.execute(query).scalar()
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
