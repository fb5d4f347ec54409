"""A store with people and enrolled devices, driven over HTTP through the ASGI app."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import httpx

from assets.operations import Operation
from sync.server.bootstrap import create_admin, enrolment_code
from sync.server.serve import BackgroundServer
from sync.server.settings import Settings
from sync.server.store import Store

PINS = {"admin": "1111", "sup": "2222", "tech": "3333", "crew": "4444"}


def head_revision() -> str:
    """The newest migration shipped (what a fresh store is at)."""
    from alembic.script import ScriptDirectory

    from sync.server.migrate import MIGRATIONS_DIR

    head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    assert head is not None
    return head


def open_store(db_url: str, tmp_path: Path, **overrides: Any) -> Store:
    settings = Settings(db_url=db_url, key_file=tmp_path / "keys" / "signing.key", **overrides)
    return Store.open(settings)


class DeviceClient:
    """One enrolled device with a person signed in."""

    def __init__(self, http: httpx.Client, device_id: str, token: str) -> None:
        self.http = http
        self.device_id = device_id
        self.token = token
        self.person: str | None = None

    @property
    def headers(self) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"}
        if self.person:
            headers["X-TagTrail-Person"] = self.person
        return headers

    def sign_in(self, username: str, pin: str | None = None) -> DeviceClient:
        r = self.http.post(
            "/v1/auth/signin",
            json={"username": username, "pin": pin or PINS[username]},
            headers=self.headers,
        )
        assert r.status_code == 200, r.text
        self.person = r.json()["person_token"]
        return self

    def push_raw(self, ops: Iterable[dict[str, Any]]) -> Any:
        return self.http.post(
            "/v1/sync/push",
            json={"device_id": self.device_id, "ops": list(ops)},
            headers=self.headers,
        )

    def push(self, ops: Iterable[Operation]) -> dict[str, Any]:
        r = self.push_raw(op.to_dict() for op in ops)
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body

    def get(self, path: str, **params: Any) -> Any:
        return self.http.get(path, params=params, headers=self.headers)

    def post(self, path: str, body: Any) -> Any:
        return self.http.post(path, json=body, headers=self.headers)

    def pull_all(self, cursor: str = "0", limit: int = 200) -> tuple[list[dict[str, Any]], str]:
        changes: list[dict[str, Any]] = []
        while True:
            r = self.get("/v1/sync/pull", cursor=cursor, limit=limit)
            assert r.status_code == 200, r.text
            page = r.json()
            changes.extend(page["changes"])
            cursor = page["next_cursor"]
            if not page["has_more"]:
                return changes, cursor


class World:
    """A store with admin, supervisor, technician and crew, and an HTTP client."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.server = BackgroundServer(store).__enter__()
        self.http = httpx.Client(base_url=self.server.url, timeout=60)
        _, code = create_admin(store, "admin", PINS["admin"])
        self.admin = self.enrol("admin-dev", code).sign_in("admin")
        for name, role in (("sup", "supervisor"), ("tech", "technician"), ("crew", "crew")):
            r = self.admin.post(
                "/v1/users",
                {"username": name, "display_name": name.title(), "role": role, "pin": PINS[name]},
            )
            assert r.status_code == 201, r.text

    def enrol(self, device_id: str, code: str | None = None) -> DeviceClient:
        code = code or enrolment_code(self.store, "admin")
        r = self.http.post(
            "/v1/devices/enrol", json={"code": code, "device_id": device_id, "name": device_id}
        )
        assert r.status_code == 200, r.text
        return DeviceClient(self.http, device_id, r.json()["token"])

    def device(self, device_id: str, person: str = "sup") -> DeviceClient:
        return self.enrol(device_id).sign_in(person)

    def close(self) -> None:
        self.http.close()
        self.server.__exit__(None, None, None)
        self.store.close()
