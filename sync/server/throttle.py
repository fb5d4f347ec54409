"""Sign-in throttling: wrong PINs are recorded; too many lock a person or a device out a while.

A four-digit PIN has 10,000 values and a guess costs one scrypt (about 50 ms), so without a
limit every PIN falls in minutes. After `signin_max_failures` wrong PINs within
`signin_window_minutes` — for one person (from any device) or from one device (for anyone) —
sign-ins for that person or device are refused with 429 for `signin_lock_minutes`, or until an
admin unlocks. Counting restarts after a lock, an unlock, or (for a person) a good sign-in.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, insert, select, update

from sync.errors import NotFound, TooManyAttempts
from sync.server import tables as t
from sync.server.settings import Settings

MINUTE_MS = 60_000
SCOPES = ("user", "device")


def check_not_locked(conn: Connection, username: str, device_id: str, now_ms: int) -> None:
    """Raise TooManyAttempts while the person or the device is locked out."""
    for scope, subject in (("user", username), ("device", device_id)):
        until = conn.execute(
            select(func.max(t.lockouts.c.until_ms)).where(
                t.lockouts.c.scope == scope,
                t.lockouts.c.subject == subject,
                t.lockouts.c.unlocked_ms.is_(None),
                t.lockouts.c.until_ms > now_ms,
            )
        ).scalar()
        if until is not None:
            seconds = max(1, -(-(int(until) - now_ms) // 1000))
            who = f"{username}" if scope == "user" else "this device"
            raise TooManyAttempts(
                f"too many wrong PINs: sign-ins for {who} are paused for "
                f"{-(-seconds // 60)} more minute(s), or until an admin unlocks",
                retry_after=seconds,
                scope=scope,
            )


def record_failure(
    conn: Connection, settings: Settings, username: str, device_id: str, now_ms: int
) -> None:
    """Keep one wrong PIN; lock the person and/or the device when it is one too many."""
    conn.execute(
        insert(t.sign_in_failures).values(username=username, device_id=device_id, failed_ms=now_ms)
    )
    column = {"user": t.sign_in_failures.c.username, "device": t.sign_in_failures.c.device_id}
    for scope, subject in (("user", username), ("device", device_id)):
        since = max(
            now_ms - settings.signin_window_minutes * MINUTE_MS, _reset(conn, scope, subject)
        )
        failures = conn.execute(
            select(func.count())
            .select_from(t.sign_in_failures)
            .where(column[scope] == subject, t.sign_in_failures.c.failed_ms > since)
        ).scalar()
        if int(failures or 0) >= settings.signin_max_failures:
            conn.execute(
                insert(t.lockouts).values(
                    scope=scope,
                    subject=subject,
                    locked_ms=now_ms,
                    until_ms=now_ms + settings.signin_lock_minutes * MINUTE_MS,
                )
            )


def _reset(conn: Connection, scope: str, subject: str) -> int:
    """When counting last started over for a subject: its latest lock or unlock, or (for a
    person) their latest good sign-in."""
    lock = conn.execute(
        select(func.max(func.coalesce(t.lockouts.c.unlocked_ms, t.lockouts.c.locked_ms))).where(
            t.lockouts.c.scope == scope, t.lockouts.c.subject == subject
        )
    ).scalar()
    last = int(lock or 0)
    if scope == "user":
        good = conn.execute(
            select(func.max(t.sessions.c.created_ms)).where(t.sessions.c.username == subject)
        ).scalar()
        last = max(last, int(good or 0))
    return last


def unlock(conn: Connection, scope: str, subject: str, by: str, now_ms: int) -> int:
    """Lift every running lock of a person or device; how many there were."""
    if scope not in SCOPES:
        raise NotFound(f"there is nothing called a {scope} to unlock")
    done = conn.execute(
        update(t.lockouts)
        .where(
            t.lockouts.c.scope == scope,
            t.lockouts.c.subject == subject,
            t.lockouts.c.unlocked_ms.is_(None),
            t.lockouts.c.until_ms > now_ms,
        )
        .values(unlocked_ms=now_ms, unlocked_by=by)
    )
    # Counting starts over from the unlock even when no lock was running.
    if done.rowcount == 0:
        conn.execute(
            insert(t.lockouts).values(
                scope=scope,
                subject=subject,
                locked_ms=now_ms,
                until_ms=now_ms,
                unlocked_ms=now_ms,
                unlocked_by=by,
            )
        )
    return int(done.rowcount)
