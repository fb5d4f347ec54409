"""First steps on an empty store: the first admin and a code to enrol the first device."""

from __future__ import annotations

from sync.protocol import UserView
from sync.server import auth
from sync.server.db import writing
from sync.server.store import Store


def create_admin(
    store: Store, username: str, pin: str, display_name: str | None = None, hours: int = 24
) -> tuple[UserView, str]:
    """Create an admin and return it with a one-time enrolment code for a device."""
    with writing(store.engine) as conn:
        user = auth.create_user(
            conn, username, display_name or username, "admin", pin, store.now_ms()
        )
        code, _ = auth.make_enrolment_code(
            conn, username, store.now_ms(), hours, "first device, made at bootstrap"
        )
    return user, code


def enrolment_code(store: Store, created_by: str, hours: int = 24) -> str:
    with writing(store.engine) as conn:
        code, _ = auth.make_enrolment_code(conn, created_by, store.now_ms(), hours)
    return code
