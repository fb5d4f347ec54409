"""Per device: its latest contact (push, pull) and the backlog it reported then.

A device sends its count of operations not pushed yet in `X-TagTrail-Pending` (PENDING_HEADER)
with each push and pull; the store keeps the latest per device (`device_contacts`, one row per
device, written after the call). The store also knows, without asking, how far it holds the
device's log (`acked_through`); the report shows both.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, select
from sqlalchemy.dialects import postgresql, sqlite

from sync.errors import BadRequest
from sync.protocol import MAX_SEQ, PENDING_HEADER, DeviceActivity, DevicesReport
from sync.server import tables as t
from sync.server.auth import iso

PUSH, PULL = "push", "pull"


def parse_pending(text: str | None) -> int | None:
    """The header's count; None when it was not sent; BadRequest when it is not a count."""
    if text is None:
        return None
    raw = text.strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 19 or int(raw) > MAX_SEQ:
        raise BadRequest(f"{PENDING_HEADER} must be a whole number of operations, e.g. 12")
    return int(raw)


def record_contact(
    engine: Engine, device_id: str, kind: str, now_ms: int, pending: int | None
) -> None:
    """Upsert the device's row in its own short transaction (after a pull)."""
    with engine.begin() as conn:
        write_contact(conn, device_id, kind, now_ms, pending)


def write_contact(
    conn: Connection, device_id: str, kind: str, now_ms: int, pending: int | None
) -> None:
    """Upsert the device's row inside the caller's transaction (a push's own: one commit,
    one disk sync per batch instead of two)."""
    values: dict[str, Any] = {f"last_{kind}_ms": now_ms}
    if pending is not None:
        values |= {"pending": pending, "pending_ms": now_ms}
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(t.device_contacts).values(device_id=device_id, **values)
    conn.execute(statement.on_conflict_do_update(index_elements=["device_id"], set_=values))


def devices_report(
    conn: Connection, now_ms: int, cursor: str | None = None, limit: int = 100
) -> DevicesReport:
    """Devices in id order, `limit` per page, after the device id `cursor`."""
    d, c = t.devices.c, t.device_contacts.c
    query = (
        select(
            d.device_id,
            d.name,
            d.revoked_ms,
            d.acked_through,
            c.last_push_ms,
            c.last_pull_ms,
            c.pending,
            c.pending_ms,
        )
        .select_from(t.devices.outerjoin(t.device_contacts, c.device_id == d.device_id))
        .order_by(d.device_id)
        .limit(limit + 1)
    )
    if cursor:
        query = query.where(d.device_id > cursor)
    rows = list(conn.execute(query))
    more = len(rows) > limit
    items = [_activity(row) for row in rows[:limit]]
    return DevicesReport(
        as_of=iso(now_ms) or "",
        items=items,
        next_cursor=items[-1].device_id if more else None,
    )


def _activity(row: Any) -> DeviceActivity:
    contacts = [ms for ms in (row.last_push_ms, row.last_pull_ms) if ms is not None]
    return DeviceActivity(
        device_id=row.device_id,
        name=row.name,
        revoked=row.revoked_ms is not None,
        acked_through=row.acked_through,
        last_contact=iso(max(contacts)) if contacts else None,
        last_push=iso(row.last_push_ms),
        last_pull=iso(row.last_pull_ms),
        pending=row.pending,
        pending_reported=iso(row.pending_ms),
    )
