"""Hostile clients against auth: acting as another person, taking over a device, guessing PINs.

Each attack is made over HTTP against a running store, on SQLite and PostgreSQL, and must be
refused with a clear answer while nothing it tried is written.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Table, func, select, update

from sync.device.client import SyncClient
from sync.errors import DeviceIdTaken, SignInLocked
from sync.server import tables as t
from sync.server.auth import device_actors
from sync.server.bootstrap import enrolment_code
from tests.assets.factory import BASE_MS, Device
from tests.sync.server.harness import PINS, DeviceClient, World, open_store


def _count(world: World, table: Table) -> int:
    with world.store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)


def _second_person(world: World, client: DeviceClient, username: str) -> DeviceClient:
    """Another person signed in on the same device (same device token)."""
    return DeviceClient(world.http, client.device_id, client.token).sign_in(username)


def _grade_conflict(world: World, tag: str) -> str:
    a, b = Device("ga"), Device("gb", start_ms=BASE_MS + 1000)
    world.device("ga").push([a.op("assess", f"asset:{tag}", {"grade": "F1/C1"})])
    world.device("gb").push([b.op("assess", f"asset:{tag}", {"grade": "F3/C3"})])
    items = world.admin.get("/v1/conflicts", target=f"asset:{tag}").json()["items"]
    return str(items[0]["id"])


# ---- 1. acting as another person ------------------------------------------------------------


def test_an_actor_who_signed_out_cannot_be_named_by_the_next_person(world: World) -> None:
    cid = _grade_conflict(world, "IMP-1")
    shared = world.device("shared", "sup")
    assert shared.post("/v1/auth/signout", {}).status_code == 204
    tech = _second_person(world, shared, "tech")
    as_sup = Device("shared", start_ms=BASE_MS + 60_000, actor="sup")
    observe = as_sup.op("observe", "asset:IMP-1", {"location": "DAL1/B1"})
    decide = as_sup.op(
        "resolve", f"conflict:{cid}", {"conflict_id": cid, "on": "asset:IMP-1", "choice": "a"}
    )
    body = tech.push([observe, decide])
    assert [(r["status"], r["code"]) for r in body["results"]] == [
        ("rejected", "actor"),
        ("rejected", "actor"),
    ]
    assert "sup is not signed in on this device" in body["results"][0]["reason"]
    assert body["acked_through"] == 2  # the queue moves on
    assert _count(world, t.rejections) == 2
    conflict = world.admin.get(f"/v1/conflicts/{cid}").json()
    assert conflict["status"] == "open"
    asset = world.admin.get("/v1/assets/IMP-1").json()["asset"]
    assert asset["location"] is None


def test_the_role_checked_is_the_actors_and_a_live_shared_session_counts(world: World) -> None:
    cid = _grade_conflict(world, "IMP-2")
    shared = world.device("shared", "sup")  # the supervisor stays signed in
    tech = _second_person(world, shared, "tech")
    d = Device("shared", start_ms=BASE_MS + 60_000, actor="tech")
    as_tech = d.op(
        "resolve", f"conflict:{cid}", {"conflict_id": cid, "on": "asset:IMP-2", "choice": "a"}
    )
    d.actor = "sup"  # a queue recorded while the supervisor held the device
    as_sup = d.op("observe", "asset:IMP-2", {"location": "DAL1/B2"})
    body = tech.push([as_tech, as_sup])
    assert [(r["status"], r["code"]) for r in body["results"]] == [
        ("rejected", "role"),
        ("applied", None),
    ]
    assert "tech: A technician may not decide" in body["results"][0]["reason"]
    now = world.store.now_ms()
    with world.store.engine.connect() as conn:
        assert device_actors(conn, "shared", now) == {"sup": "supervisor", "tech": "technician"}
        assert device_actors(conn, "shared", now + 13 * 3_600_000) == {}  # sign-ins expired


# ---- 2. device takeover -----------------------------------------------------------------------


def test_enrolling_an_active_device_id_is_refused_until_an_admin_revokes(world: World) -> None:
    victim = world.device("victim", "tech")
    d = Device("victim")
    assert victim.push([d.op("register", "asset:TK-1")])["acked_through"] == 1
    code = enrolment_code(world.store, "admin")
    taken = world.http.post(
        "/v1/devices/enrol", json={"code": code, "device_id": "victim", "name": "taker"}
    )
    assert taken.status_code == 409
    assert taken.json()["error"] == "device_active"
    assert "token" not in taken.json()
    assert "revoke" in taken.json()["message"]
    # the victim keeps working, the refused code was not spent
    assert victim.push([d.op("observe", "asset:TK-1", {"location": "DAL1"})])["acked_through"] == 2
    other = world.http.post(
        "/v1/devices/enrol", json={"code": code, "device_id": "other", "name": "other"}
    )
    assert other.status_code == 200
    # after a revoke, the device id can be enrolled again and keeps its sequence
    assert world.admin.post("/v1/devices/victim/revoke", {}).status_code == 204
    again = world.enrol("victim").sign_in("tech")
    assert (
        again.push([d.op("observe", "asset:TK-1", {"location": "DAL1/B1"})])["acked_through"] == 3
    )
    assert victim.get("/v1/auth/me").status_code == 401  # the old token is gone
    # the store's own decision device cannot be enrolled, whether it exists yet or not
    store_dev = world.http.post(
        "/v1/devices/enrol",
        json={"code": enrolment_code(world.store, "admin"), "device_id": "store.main", "name": "x"},
    )
    assert store_dev.status_code == 422
    assert store_dev.json()["error"] == "reserved"


def test_a_person_token_works_only_with_the_device_token_it_was_issued_with(
    world: World,
) -> None:
    first = world.device("d1", "tech")
    old_person = first.person
    assert world.admin.post("/v1/devices/d1/revoke", {}).status_code == 204
    fresh = world.enrol("d1")
    # Even a sign-in whose revocation was lost (rows edited, an older store) stays dead.
    with world.store.engine.begin() as conn:
        conn.execute(update(t.sessions).values(revoked_ms=None))
    fresh.person = old_person
    r = fresh.get("/v1/auth/me")
    assert r.status_code == 401
    assert "enrolled again" in r.json()["message"]
    assert fresh.sign_in("tech").get("/v1/auth/me").status_code == 200


def test_the_device_client_names_a_refused_enrolment(world: World) -> None:
    world.device("busy")

    async def enrol() -> None:
        client = SyncClient(world.server.url)
        try:
            await client.enrol(enrolment_code(world.store, "admin"), "busy", "taker")
        finally:
            await client.aclose()

    with pytest.raises(DeviceIdTaken, match="revoke"):
        asyncio.run(enrol())


# ---- 3. PIN guessing ------------------------------------------------------------------------


def _sign_in(client: DeviceClient, username: str, pin: str) -> httpx.Response:
    return client.http.post(
        "/v1/auth/signin", json={"username": username, "pin": pin}, headers=client.headers
    )


def test_five_wrong_pins_lock_the_person_out_with_retry_after(world: World) -> None:
    guesser = world.enrol("guesser")
    for pin in ("0000", "0001", "0002", "0003"):
        assert _sign_in(guesser, "tech", pin).status_code == 401
    fifth = _sign_in(guesser, "tech", "0004")
    assert fifth.status_code == 401
    locked = _sign_in(guesser, "tech", PINS["tech"])  # the right PIN, too late
    assert locked.status_code == 429
    assert 890 <= int(locked.headers["Retry-After"]) <= 900
    assert locked.json()["error"] == "locked"
    assert "too many wrong PINs" in locked.json()["message"]
    # locked for the person from every device; others sign in as usual
    elsewhere = world.enrol("elsewhere")
    assert _sign_in(elsewhere, "tech", PINS["tech"]).status_code == 429
    assert _sign_in(elsewhere, "crew", PINS["crew"]).status_code == 200
    assert _count(world, t.sign_in_failures) == 5
    # an admin unlocks the person; the guessing device stays locked until unlocked too
    assert world.admin.post("/v1/users/tech/unlock", {}).status_code == 204
    assert _sign_in(elsewhere, "tech", PINS["tech"]).status_code == 200
    assert _sign_in(guesser, "tech", PINS["tech"]).status_code == 429
    assert world.admin.post("/v1/devices/guesser/unlock", {}).status_code == 204
    assert _sign_in(guesser, "tech", PINS["tech"]).status_code == 200
    tech = world.device("tech-tab", "tech")
    assert tech.post("/v1/users/tech/unlock", {}).status_code == 403


def test_the_lock_runs_out_and_a_device_spraying_names_is_locked(world: World) -> None:
    sprayer = world.enrol("sprayer")
    for name in ("tech", "crew", "sup", "admin", "nobody"):
        assert _sign_in(sprayer, name, "9999").status_code == 401
    r = _sign_in(sprayer, "crew", PINS["crew"])
    assert r.status_code == 429
    assert "this device" in r.json()["message"]
    assert _sign_in(world.enrol("calm"), "crew", PINS["crew"]).status_code == 200
    real = world.store.now_ms
    world.store.now_ms = lambda: real() + 15 * 60_000 + 1000
    try:
        assert _sign_in(sprayer, "crew", PINS["crew"]).status_code == 200
    finally:
        world.store.now_ms = real


@pytest.fixture
def strict_world(db_url: str, tmp_path: Path) -> Iterator[World]:
    w = World(open_store(db_url, tmp_path, signin_max_failures=2, signin_lock_minutes=1))
    yield w
    w.close()


def test_the_limits_are_settings_and_the_device_client_says_locked(strict_world: World) -> None:
    world = strict_world
    guesser = world.enrol("g")
    for pin in ("0000", "0001"):
        assert _sign_in(guesser, "tech", pin).status_code == 401

    async def sign_in() -> None:
        client = SyncClient(world.server.url)
        try:
            await client.sign_in(guesser.token, "tech", PINS["tech"])
        finally:
            await client.aclose()

    with pytest.raises(SignInLocked) as refused:
        asyncio.run(sign_in())
    assert 50 <= refused.value.retry_after <= 60
    assert "too many wrong PINs" in refused.value.message


def test_an_admin_unlocks_from_the_command_line(world: World) -> None:
    from click.testing import CliRunner

    from app.commands.server import server

    guesser = world.enrol("cli-g")
    for pin in ("0000", "0001", "0002", "0003", "0004"):
        assert _sign_in(guesser, "tech", pin).status_code == 401
    assert _sign_in(guesser, "tech", PINS["tech"]).status_code == 429
    settings = world.store.settings
    where = ["--db", settings.db_url, "--key-file", str(settings.key_file)]
    r = CliRunner().invoke(
        server, [*where, "admin", "unlock", "--username", "tech", "--device", "cli-g"]
    )
    assert r.exit_code == 0, r.output
    assert "Person tech unlocked." in r.output
    assert "Device cli-g unlocked." in r.output
    assert _sign_in(guesser, "tech", PINS["tech"]).status_code == 200


# ---- every endpoint, without or with someone else's tokens ----------------------------------

_OPEN = {("GET", "/v1/health"), ("POST", "/v1/devices/enrol")}  # no token by design


def _operations(world: World) -> list[tuple[str, str]]:
    doc = world.http.get("/openapi.json").json()
    return [
        (method.upper(), path.replace("{", "").replace("}", ""))
        for path, ops in doc["paths"].items()
        for method in ops
        if (method.upper(), path) not in _OPEN
    ]


def test_every_endpoint_refuses_missing_wrong_and_borrowed_tokens(world: World) -> None:
    mine = world.device("mine", "tech")
    theirs = world.device("theirs", "sup")
    borrowed = {"Authorization": f"Bearer {mine.token}", "X-TagTrail-Person": theirs.person or ""}
    wrong = {"Authorization": "Bearer not-a-token", "X-TagTrail-Person": theirs.person or ""}
    operations = _operations(world)
    assert len(operations) >= 25
    for method, path in operations:
        for headers in ({}, wrong, borrowed):
            if path == "/v1/auth/signin" and headers is borrowed:
                continue  # sign-in takes a device token only: the borrowed one is valid
            r = world.http.request(method, path, headers=headers, json={})
            assert r.status_code == 401, (method, path, headers.keys(), r.status_code, r.text)
            assert r.json()["error"] == "unauthorized"
    assert _count(world, t.oplog) == 0
