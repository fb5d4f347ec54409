"""People on a shared device: who has signed in here, and who is signed in now.

Signing in checks a PIN with the central store (see `client.SyncClient.sign_in`); once a
person has signed in on this device they can switch back to it offline.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select
from sqlalchemy.dialects.sqlite import insert

from sync.device.schema import people
from sync.device.state import load_state, save_state
from sync.errors import NotSignedIn


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    display_name: str
    role: str
    token: str | None


def remember(
    conn: Connection,
    name: str,
    *,
    display_name: str,
    role: str,
    token: str | None,
    token_expires: str | None,
    now_ms: int,
) -> Person:
    stmt = insert(people).values(
        name=name,
        display_name=display_name,
        role=role,
        token=token,
        token_expires=token_expires,
        first_ms=now_ms,
        last_ms=now_ms,
    )
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["name"],
            set_={
                "display_name": display_name,
                "role": role,
                "token": token,
                "token_expires": token_expires,
                "last_ms": now_ms,
            },
        )
    )
    save_state(conn, actor=name)
    return Person(name, display_name, role, token)


def find(conn: Connection, name: str) -> Person | None:
    row = conn.execute(select(people).where(people.c.name == name)).mappings().first()
    if row is None:
        return None
    return Person(row["name"], row["display_name"], row["role"], row["token"])


def everyone(conn: Connection) -> list[Person]:
    rows = conn.execute(select(people).order_by(people.c.last_ms.desc())).mappings()
    return [Person(r["name"], r["display_name"], r["role"], r["token"]) for r in rows]


def current(conn: Connection) -> Person:
    """The person signed in now; NotSignedIn when nobody is."""
    name = load_state(conn).actor
    person = find(conn, name) if name else None
    if person is None:
        raise NotSignedIn("nobody is signed in on this device: sign in first")
    return person


def token_for_sync(conn: Connection) -> str | None:
    """A person token to send with sync calls: the current person's, else the latest one."""
    name = load_state(conn).actor
    person = find(conn, name) if name else None
    if person is not None and person.token:
        return person.token
    for other in everyone(conn):
        if other.token:
            return other.token
    return None
