"""Tokens and roles: 401 for missing/wrong/expired/revoked, 403 for the wrong role, nothing
written either way."""

from __future__ import annotations

from sqlalchemy import func, select

from sync.server import tables as t
from tests.assets.factory import Device
from tests.sync.server.harness import World


def _log_size(world: World) -> int:
    with world.store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(t.oplog)).scalar() or 0)


def test_missing_wrong_expired_revoked_tokens(world: World) -> None:
    client, d = world.device("d1"), Device("d1")
    body = {"device_id": "d1", "ops": [d.op("register", "asset:T-1").to_dict()]}
    assert world.http.post("/v1/sync/push", json=body).status_code == 401
    wrong = {"Authorization": "Bearer nope", "X-TagTrail-Person": client.person or ""}
    assert world.http.post("/v1/sync/push", json=body, headers=wrong).status_code == 401
    no_person = {"Authorization": f"Bearer {client.token}"}
    r = world.http.post("/v1/sync/push", json=body, headers=no_person)
    assert r.status_code == 401
    assert "sign in" in r.json()["message"]
    # expired: move the store's clock two years ahead
    real = world.store.now_ms
    world.store.now_ms = lambda: real() + 2 * 365 * 86_400_000
    try:
        assert (
            world.http.post("/v1/sync/push", json=body, headers=client.headers).status_code == 401
        )
    finally:
        world.store.now_ms = real
    # revoked (a lost phone)
    assert world.admin.post("/v1/devices/d1/revoke", {}).status_code == 204
    r = world.http.post("/v1/sync/push", json=body, headers=client.headers)
    assert r.status_code == 401
    assert "revoked" in r.json()["message"]
    assert _log_size(world) == 0


def test_roles(world: World) -> None:
    tech = world.device("d1", "tech")
    assert (
        tech.post(
            "/v1/users", {"username": "x", "display_name": "X", "role": "admin", "pin": "9999"}
        ).status_code
        == 403
    )
    assert tech.post("/v1/enrolments", {}).status_code == 403
    assert tech.get("/v1/users").status_code == 403
    sup = world.device("d2", "sup")
    assert sup.get("/v1/users").status_code == 200
    assert sup.post("/v1/enrolments", {}).status_code == 403
    r = tech.post("/v1/conflicts/c-123/decision", {"choice": "a"})
    assert r.status_code == 403
    assert world.admin.get("/v1/roles").status_code == 200


def test_wrong_pin_and_enrolment_code_spent_once(world: World) -> None:
    client = world.enrol("d9")
    r = client.http.post(
        "/v1/auth/signin", json={"username": "tech", "pin": "0000"}, headers=client.headers
    )
    assert r.status_code == 401
    code = world.admin.post("/v1/enrolments", {}).json()["code"]
    first = world.http.post(
        "/v1/devices/enrol", json={"code": code, "device_id": "e1", "name": "E"}
    )
    assert first.status_code == 200
    second = world.http.post(
        "/v1/devices/enrol", json={"code": code, "device_id": "e2", "name": "E"}
    )
    assert second.status_code == 401
