"""Steps of the receipt and label browser tests: scrolling a long tool screen to a field or a
control, the store's own records of a pallet, and an admin's change of the store's settings
through its API (as the admin's own sign-in on this device)."""

from __future__ import annotations

import sqlite3
import time
from typing import Any

import httpx

from sync.protocol import DEVICE_TOKEN_HEADER, PERSON_TOKEN_HEADER
from tests.app.browser.conftest import Stack
from tests.app.browser.flutter import by_id, field

VIEW_TOP, VIEW_BOTTOM = 60, 844 - 72  # under the header, above the 72 px navigation bar


def _box(locator: Any) -> dict[str, float] | None:
    for index in range(locator.count()):
        box = locator.nth(index).bounding_box()
        if box and box["width"] > 0 and box["height"] > 0:
            return dict(box)
    return None


def into_view(page: Any, locator: Any, attempts: int = 16) -> Any:
    """Scroll the screen under the pointer until `locator` is drawn in full on screen (a
    repaint may take a moment to put it in the semantics tree: it is waited for first)."""
    deadline = time.monotonic() + 5.0
    while _box(locator) is None and time.monotonic() < deadline:
        time.sleep(0.2)
    for attempt in range(attempts):
        box = _box(locator)
        if box and box["y"] >= VIEW_TOP and box["y"] + box["height"] <= VIEW_BOTTOM:
            return locator
        page.mouse.move(20, 420)  # the screen's margin: a text field there would take the wheel
        down = (box is None and attempt < attempts // 2) or (box is not None and box["y"] > 400)
        page.mouse.wheel(0, 220 if down else -220)
        time.sleep(0.4)
    raise AssertionError(f"{locator} never came into view")


def field_in_view(page: Any, label: str) -> Any:
    return into_view(page, field(page, label))


def id_in_view(page: Any, identifier: str) -> Any:
    return into_view(page, by_id(page, identifier))


def store_rows(stack: Stack, sql: str, *params: object) -> list[tuple[Any, ...]]:
    db = stack.home / "store" / "store.db"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return list(conn.execute(sql, params).fetchall())


def device_rows(stack: Stack, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with sqlite3.connect(f"file:{stack.home / 'device.db'}?mode=ro", uri=True) as conn:
        return list(conn.execute(sql, params).fetchall())


def change_settings(stack: Stack, **values: str) -> dict[str, Any]:
    """An admin changes the store's settings: signed in with this device's token and PIN."""
    [(token,)] = device_rows(stack, "select token from sync_state")
    with httpx.Client(base_url=stack.store.url, timeout=10) as http:
        signed = http.post(
            "/v1/auth/signin",
            json={"username": "admin", "pin": "1111"},
            headers={DEVICE_TOKEN_HEADER: f"Bearer {token}"},
        )
        signed.raise_for_status()
        person = signed.json()["person_token"]
        answer = http.put(
            "/v1/settings",
            json=values,
            headers={DEVICE_TOKEN_HEADER: f"Bearer {token}", PERSON_TOKEN_HEADER: person},
        )
        answer.raise_for_status()
        found: dict[str, Any] = answer.json()
        return found
