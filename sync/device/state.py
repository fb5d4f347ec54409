"""The device's sync state: one row saying who the device is and how far it has synced."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from sync.device import raw
from sync.device.schema import sync_state


@dataclass(frozen=True, slots=True)
class SyncState:
    device_id: str
    last_seq: int  # the last device_seq issued here
    acked_seq: int  # the highest device_seq the central store holds
    cursor: str | None  # the pull cursor; None = never pulled (a snapshot is due)
    hlc_last: str | None
    token: str | None
    token_expires: str | None
    server_url: str | None
    sites: str | None  # JSON list of the sites replicated ("null": every site)
    actor: str | None  # the person signed in now
    resnapshot: bool  # the store no longer keeps our cursor: pull again from the start


_FIELDS = tuple(SyncState.__dataclass_fields__)
_LOAD = f"SELECT {', '.join(_FIELDS)} FROM sync_state WHERE id = 1"
_COLUMNS = frozenset(sync_state.c.keys()) - {"id"}  # save_state writes only these names


def load_state(conn: Connection) -> SyncState:
    row = raw.run(conn, _LOAD).fetchone()
    if row is None:
        raise LookupError("the device database has no sync state row")
    values = dict(zip(_FIELDS, row, strict=True))
    values["resnapshot"] = bool(values["resnapshot"])
    return SyncState(**values)


def save_state(conn: Connection, **values: object) -> None:
    """Update some columns of the state row (inside the caller's transaction)."""
    unknown = set(values) - _COLUMNS
    if unknown:
        raise ValueError(f"sync_state has no column {', '.join(sorted(unknown))}")
    if not values:
        return
    assignments = ", ".join(f"{name} = :{name}" for name in values)
    raw.run(conn, f"UPDATE sync_state SET {assignments} WHERE id = 1", values)
