"""The device's sync state: one row saying who the device is and how far it has synced."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select, update

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


def load_state(conn: Connection) -> SyncState:
    row = conn.execute(select(sync_state).where(sync_state.c.id == 1)).mappings().one()
    return SyncState(
        device_id=row["device_id"],
        last_seq=row["last_seq"],
        acked_seq=row["acked_seq"],
        cursor=row["cursor"],
        hlc_last=row["hlc_last"],
        token=row["token"],
        token_expires=row["token_expires"],
        server_url=row["server_url"],
        sites=row["sites"],
        actor=row["actor"],
        resnapshot=bool(row["resnapshot"]),
    )


def save_state(conn: Connection, **values: object) -> None:
    """Update some columns of the state row (inside the caller's transaction)."""
    conn.execute(update(sync_state).where(sync_state.c.id == 1).values(**values))
