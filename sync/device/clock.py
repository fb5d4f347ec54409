"""The device's hybrid logical clock, persisted so a restart never issues a lower stamp.

The last stamp lives in the database rather than in memory, so the service (UI thread) and
the sync engine (its own thread, or another process) share one clock through the write lock.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection

from assets.errors import ClockDriftError
from assets.hlc import HybridClock, Stamp, parse_stamp
from sync.device.state import SyncState, load_state, save_state


def clock_from(state: SyncState, now_ms: Callable[[], int]) -> HybridClock:
    last = parse_stamp(state.hlc_last) if state.hlc_last else None
    return HybridClock(state.device_id, now_ms, last)


def _clock(conn: Connection, now_ms: Callable[[], int]) -> HybridClock:
    return clock_from(load_state(conn), now_ms)


def observe_stamp(conn: Connection, remote: Stamp, now_ms: Callable[[], int]) -> str | None:
    """Take in a stamp pulled from the store; return a warning instead of failing the pull
    when the remote clock is implausibly far ahead (the stamp is then not taken in)."""
    try:
        stamp = _clock(conn, now_ms).observe(remote)
    except ClockDriftError as exc:
        return str(exc)
    save_state(conn, hlc_last=str(stamp))
    return None
