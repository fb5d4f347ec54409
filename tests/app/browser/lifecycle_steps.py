"""Steps of the receipt and label browser tests: the store's and the device's own records, and
an admin's change of the store's settings through its API (as the admin's own sign-in on this
device). Scrolling to a field or a control: tests/app/browser/forms.py."""

from __future__ import annotations

import sqlite3
from typing import Any

import httpx

from sync.protocol import DEVICE_TOKEN_HEADER, PERSON_TOKEN_HEADER
from tests.app.browser.conftest import Stack


def store_rows(stack: Stack, sql: str, *params: object) -> list[tuple[Any, ...]]:
    db = stack.home / "store" / "store.db"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return list(conn.execute(sql, params).fetchall())


def device_rows(stack: Stack, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with sqlite3.connect(f"file:{stack.home / 'device.db'}?mode=ro", uri=True) as conn:
        return list(conn.execute(sql, params).fetchall())


def admin_headers(stack: Stack, http: httpx.Client) -> dict[str, str]:
    """The headers of the admin signed in with this device's token and PIN."""
    [(token,)] = device_rows(stack, "select token from sync_state")
    signed = http.post(
        "/v1/auth/signin",
        json={"username": "admin", "pin": "1111"},
        headers={DEVICE_TOKEN_HEADER: f"Bearer {token}"},
    )
    signed.raise_for_status()
    person = signed.json()["person_token"]
    return {DEVICE_TOKEN_HEADER: f"Bearer {token}", PERSON_TOKEN_HEADER: person}


def change_settings(stack: Stack, **values: str) -> dict[str, Any]:
    """An admin changes the store's settings."""
    with httpx.Client(base_url=stack.store.url, timeout=10) as http:
        answer = http.put("/v1/settings", json=values, headers=admin_headers(stack, http))
        answer.raise_for_status()
        found: dict[str, Any] = answer.json()
        return found
