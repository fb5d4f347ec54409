"""Devices, people and roles.

- A device is enrolled with a one-time enrolment code an admin made; it gets a device token.
- A person signs in on an enrolled device with username + PIN and gets a person token bound to
  that device and to the device token it was made with (shared devices change hands at shift
  change: each person signs in). Wrong PINs are throttled (sync.server.throttle).
- An enrolled device id that is still active cannot be enrolled again (409) until an admin
  revokes it: enrolment never hands out a token for another device's identity.
- Tokens are random, stored only as SHA-256, expire, and can be revoked (a lost phone).
- PINs are stored with scrypt.

Roles: technicians and crews push and pull; supervisors also decide conflicts; admins also enrol
devices and manage people. An admin may do anything a supervisor may.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, insert, select, update

from assets import roles
from sync.errors import BadRequest, DeviceActive, Forbidden, NotFound, Unauthorized
from sync.protocol import ROLES, UserView
from sync.server import tables as t
from sync.server import throttle
from sync.server.settings import Settings

DAY_MS = 86_400_000
HOUR_MS = 3_600_000

PERMISSIONS: dict[str, tuple[str, ...]] = {
    "technician": ("push", "pull", "read"),
    "crew": ("push", "pull", "read"),
    "supervisor": ("push", "pull", "read", "decide", "list_users"),
    "admin": (
        "push",
        "pull",
        "read",
        "decide",
        "list_users",
        "enrol",
        "manage_users",
        "configure",  # the store's settings (sync.server.store_settings)
    ),
}
assert set(PERMISSIONS) == set(ROLES)
DECIDING_ROLES = frozenset(r for r, may in PERMISSIONS.items() if "decide" in may)
# Deciding over REST and recording a decision are one right (the role table, assets.roles).
assert {r for r in ROLES if roles.may(r, "resolve")} == DECIDING_ROLES


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"scrypt${salt.hex()}${digest.hex()}"


def check_pin(pin: str, stored: str) -> bool:
    try:
        _, salt, digest = stored.split("$")
        computed = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=2**14, r=8, p=1)
    except ValueError:
        return False
    return hmac.compare_digest(computed.hex(), digest)


def iso(ms: int | None) -> str | None:
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling: the device and the person signed in on it."""

    device_id: str
    user: UserView

    def may(self, action: str) -> bool:
        return action in PERMISSIONS.get(self.user.role, ())

    def require(self, action: str) -> None:
        if not self.may(action):
            raise Forbidden(
                f"a {self.user.role} may not {action.replace('_', ' ')}; ask a supervisor or admin"
            )


def device_for_token(conn: Connection, token: str | None, now_ms: int) -> str:
    """The device a bearer token belongs to; Unauthorized when missing, wrong, expired, revoked."""
    if not token:
        raise Unauthorized("this call needs the device token: Authorization: Bearer <token>")
    row = conn.execute(
        select(t.devices.c.device_id, t.devices.c.expires_ms, t.devices.c.revoked_ms).where(
            t.devices.c.token_hash == token_hash(token)
        )
    ).first()
    if row is None:
        raise Unauthorized("the device token is not known: enrol the device again")
    if row.revoked_ms is not None:
        raise Unauthorized("this device was revoked: ask an admin to enrol it again")
    if row.expires_ms <= now_ms:
        raise Unauthorized("the device token has expired: ask an admin to enrol it again")
    return str(row.device_id)


def caller_for(conn: Connection, device_id: str, person_token: str | None, now_ms: int) -> Caller:
    if not person_token:
        raise Unauthorized("sign in first: this call needs X-TagTrail-Person")
    row = conn.execute(
        select(
            t.sessions.c.device_id,
            t.sessions.c.expires_ms,
            t.sessions.c.revoked_ms,
            t.users.c.username,
            t.users.c.display_name,
            t.users.c.role,
            t.users.c.active,
            t.sessions.c.device_token_hash,
            t.devices.c.token_hash.label("current_device_token"),
        )
        .join(t.users, t.users.c.username == t.sessions.c.username)
        .join(t.devices, t.devices.c.device_id == t.sessions.c.device_id)
        .where(t.sessions.c.token_hash == token_hash(person_token))
    ).first()
    if row is None or row.device_id != device_id:
        raise Unauthorized("the sign-in is not known on this device: sign in again")
    if row.device_token_hash != row.current_device_token:
        raise Unauthorized(
            "the sign-in was made before this device was enrolled again: sign in again"
        )
    if row.revoked_ms is not None or row.expires_ms <= now_ms:
        raise Unauthorized("the sign-in has ended: sign in again")
    if not row.active:
        raise Unauthorized(f"{row.username} is no longer active: ask an admin")
    return Caller(device_id, _user(row))


def _user(row: object) -> UserView:
    return UserView(
        username=row.username,  # type: ignore[attr-defined]
        display_name=row.display_name,  # type: ignore[attr-defined]
        role=row.role,  # type: ignore[attr-defined]
        active=bool(row.active),  # type: ignore[attr-defined]
    )


def create_user(  # noqa: PLR0917 - positional use is part of the API other helpers call
    conn: Connection, username: str, display_name: str, role: str, pin: str, now_ms: int
) -> UserView:
    if role not in ROLES:
        raise BadRequest(f"role must be one of {', '.join(ROLES)}")
    if conn.execute(select(t.users.c.username).where(t.users.c.username == username)).first():
        raise BadRequest(f"a person named {username} already exists", error="exists")
    conn.execute(
        insert(t.users).values(
            username=username,
            display_name=display_name,
            role=role,
            pin_hash=hash_pin(pin),
            active=True,
            created_ms=now_ms,
        )
    )
    return UserView(username=username, display_name=display_name, role=role, active=True)  # type: ignore[arg-type]


def get_user(conn: Connection, username: str) -> UserView:
    row = conn.execute(select(t.users).where(t.users.c.username == username)).first()
    if row is None:
        raise NotFound(f"nobody is called {username}")
    return _user(row)


def list_users(conn: Connection) -> list[UserView]:
    return [_user(r) for r in conn.execute(select(t.users).order_by(t.users.c.username))]


def update_user(conn: Connection, username: str, changes: dict[str, object]) -> UserView:
    get_user(conn, username)
    values = {k: v for k, v in changes.items() if v is not None and k != "pin"}
    if changes.get("pin") is not None:
        values["pin_hash"] = hash_pin(str(changes["pin"]))
    if values:
        conn.execute(update(t.users).where(t.users.c.username == username).values(**values))
    if changes.get("active") is False:
        conn.execute(
            update(t.sessions)
            .where(t.sessions.c.username == username, t.sessions.c.revoked_ms.is_(None))
            .values(revoked_ms=0)
        )
    return get_user(conn, username)


def make_enrolment_code(
    conn: Connection, created_by: str, now_ms: int, hours: int = 24, note: str | None = None
) -> tuple[str, int]:
    code = new_token()
    expires = now_ms + hours * HOUR_MS
    conn.execute(
        insert(t.enrolments).values(
            code_hash=token_hash(code),
            created_by=created_by,
            note=note,
            created_ms=now_ms,
            expires_ms=expires,
        )
    )
    return code, expires


def enrol_device(  # noqa: PLR0917 - positional use is part of the API other helpers call
    conn: Connection, code: str, device_id: str, name: str, now_ms: int, token_days: int
) -> tuple[str, int]:
    """Spend an enrolment code on a device; return its token and expiry.

    A device id that is enrolled and not revoked is refused (DeviceActive): otherwise a fresh
    code and a known id would take that device's place and its outbox sequence."""
    known = conn.execute(
        select(t.devices.c.device_id, t.devices.c.revoked_ms).where(
            t.devices.c.device_id == device_id
        )
    ).first()
    if known is not None and known.revoked_ms is None:
        raise DeviceActive(
            f"a device called {device_id} is already enrolled and active: an admin must "
            "revoke it before it can be enrolled again",
            device_id=device_id,
        )
    row = conn.execute(
        select(t.enrolments).where(t.enrolments.c.code_hash == token_hash(code))
    ).first()
    if row is None or row.used_ms is not None or row.expires_ms <= now_ms:
        raise Unauthorized(
            "the enrolment code is wrong, used or expired: ask an admin for a new one"
        )
    spent = conn.execute(
        update(t.enrolments)
        .where(t.enrolments.c.code_hash == row.code_hash, t.enrolments.c.used_ms.is_(None))
        .values(used_ms=now_ms, used_by=device_id)
    )
    if spent.rowcount != 1:
        raise Unauthorized("the enrolment code was just used by another device")
    token = new_token()
    expires = now_ms + token_days * DAY_MS
    if known is None:
        conn.execute(
            insert(t.devices).values(
                device_id=device_id,
                name=name,
                token_hash=token_hash(token),
                enrolled_ms=now_ms,
                expires_ms=expires,
                acked_through=0,
            )
        )
    else:
        # Re-enrolling a device (e.g. after a revoke) keeps its sequence: its outbox continues.
        conn.execute(
            update(t.devices)
            .where(t.devices.c.device_id == device_id)
            .values(name=name, token_hash=token_hash(token), expires_ms=expires, revoked_ms=None)
        )
    return token, expires


def revoke_device(conn: Connection, device_id: str, now_ms: int) -> None:
    done = conn.execute(
        update(t.devices).where(t.devices.c.device_id == device_id).values(revoked_ms=now_ms)
    )
    if done.rowcount != 1:
        raise NotFound(f"no device {device_id}")
    conn.execute(
        update(t.sessions)
        .where(t.sessions.c.device_id == device_id, t.sessions.c.revoked_ms.is_(None))
        .values(revoked_ms=now_ms)
    )


def sign_in(  # noqa: PLR0917 - positional use is part of the API other helpers call
    conn: Connection,
    device_id: str,
    username: str,
    pin: str,
    now_ms: int,
    hours: int,
    settings: Settings | None = None,
) -> tuple[str, UserView, int]:
    """A new person token, or Unauthorized (the wrong PIN is recorded in `conn`: the caller
    commits it) or TooManyAttempts while the person or device is locked out."""
    limits = settings or Settings()
    throttle.check_not_locked(conn, username, device_id, now_ms)
    row = conn.execute(select(t.users).where(t.users.c.username == username)).first()
    if row is None or not check_pin(pin, row.pin_hash):
        throttle.record_failure(conn, limits, username, device_id, now_ms)
        raise Unauthorized("wrong name or PIN")
    if not row.active:
        raise Unauthorized(f"{username} is no longer active: ask an admin")
    token = new_token()
    expires = now_ms + hours * HOUR_MS
    device_token = conn.execute(
        select(t.devices.c.token_hash).where(t.devices.c.device_id == device_id)
    ).scalar()
    conn.execute(
        insert(t.sessions).values(
            token_hash=token_hash(token),
            username=username,
            device_id=device_id,
            created_ms=now_ms,
            expires_ms=expires,
            device_token_hash=device_token,
        )
    )
    return token, _user(row), expires


def sign_out(conn: Connection, person_token: str, now_ms: int) -> None:
    conn.execute(
        update(t.sessions)
        .where(t.sessions.c.token_hash == token_hash(person_token))
        .values(revoked_ms=now_ms)
    )


def device_actors(conn: Connection, device_id: str, now_ms: int) -> dict[str, str]:
    """People with a live sign-in on a device (username -> role): the actors it may record.

    A queue recorded offline before a shift change still carries the earlier person's
    operations, so everyone whose sign-in on this device is unexpired, unrevoked and made with
    its current token counts, not only the person pushing; a person who signed out does not.
    """
    rows = conn.execute(
        select(t.users.c.username, t.users.c.role)
        .join(t.sessions, t.sessions.c.username == t.users.c.username)
        .join(t.devices, t.devices.c.device_id == t.sessions.c.device_id)
        .where(
            t.sessions.c.device_id == device_id,
            t.sessions.c.revoked_ms.is_(None),
            t.sessions.c.expires_ms > now_ms,
            t.sessions.c.device_token_hash == t.devices.c.token_hash,
            t.users.c.active.is_(True),
        )
        .distinct()
    )
    return {r.username: r.role for r in rows}
