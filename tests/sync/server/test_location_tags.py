"""Shared location tags through the real server, on SQLite and PostgreSQL: a claim is applied,
projected and pulled; two different claims raise one conflict a supervisor's decision settles;
replays change nothing; a late claim refolds; the live projection equals a rebuild."""

from __future__ import annotations

import json
from typing import Any

from sync.server.chain import canonical_json
from sync.server.db import reading
from sync.server.projections import live, rebuild
from tests.assets.factory import Device
from tests.sync.server.harness import DeviceClient, World

TAG = "location:TL-0000042-7"


def _normal(data: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(canonical_json(data))
    return result


def _tag_changes(client: DeviceClient, cursor: str = "0") -> list[dict[str, Any]]:
    changes, _ = client.pull_all(cursor)
    return [c for c in changes if c["entity"] == "location_tag"]


def _assert_live_equals_rebuild(world: World) -> None:
    with reading(world.store.engine) as conn:
        assert _normal(live(conn)) == _normal(rebuild(conn, world.store.settings.rules))


def test_a_location_tag_claim_is_applied_projected_and_pulled(world: World) -> None:
    a = Device("dev-a")
    client = world.device("dev-a")
    claim = a.op("register", TAG, {"path": "dal1/b1/closet-2", "name": "Closet 2"})
    result = client.push([claim])["results"][0]
    assert result["status"] == "applied", result

    changes = _tag_changes(client)
    assert len(changes) == 1
    change = changes[0]
    assert change["key"] == TAG and change["site"] == "DAL1"
    assert change["data"]["path"] == "DAL1/B1/CLOSET-2"
    assert change["data"]["name"] == "Closet 2"
    assert change["data"]["path_op"] == claim.op_id

    listed = client.get("/v1/location-tags", site="DAL1").json()
    assert [(t["tag"], t["path"]) for t in listed] == [("TL-0000042-7", "DAL1/B1/CLOSET-2")]
    assert client.get("/v1/location-tags", place="DAL1/B1/CLOSET-2").json()[0]["key"] == TAG
    assert client.get("/v1/location-tags", site="AUS2").json() == []
    # The place the tag marks is a known place (with its parents) even before any sighting.
    places = {loc["key"] for loc in client.get("/v1/locations", site="DAL1").json()}
    assert {"DAL1", "DAL1/B1", "DAL1/B1/CLOSET-2"} <= places
    # No asset row was made for the tag.
    assert client.get("/v1/assets", q="TL-0000042-7").json()["items"] == []

    # Replaying the batch changes nothing, and the pull stays where it was.
    _, cursor = client.pull_all()
    before = _normal(_live(world))
    again = client.push([claim])["results"][0]
    assert again["status"] == "duplicate"
    assert _normal(_live(world)) == before
    assert _tag_changes(client, cursor) == []
    _assert_live_equals_rebuild(world)


def _live(world: World) -> dict[str, Any]:
    with reading(world.store.engine) as conn:
        return live(conn)


def test_two_names_raise_one_conflict_and_a_decision_sets_the_path(world: World) -> None:
    a, b = Device("dev-a"), Device("dev-b", actor="tech")
    client_a, client_b = world.device("dev-a"), world.device("dev-b", "tech")
    first = a.op("register", TAG, {"path": "DAL1/B1/CLOSET-2"})
    second = b.op("register", TAG, {"path": "DAL1/B2/CLOSET-9"})
    assert client_a.push([first])["results"][0]["status"] == "applied"
    verdict = client_b.push([second])["results"][0]
    assert verdict["status"] == "flagged" and len(verdict["conflicts"]) == 1
    client_b.push([second])  # a retry raises nothing new
    conflicts = client_a.get("/v1/conflicts", target=TAG).json()["items"]
    assert len(conflicts) == 1
    conflict = conflicts[0]
    assert conflict["type"] == "tag_claimed_twice" and conflict["status"] == "open"
    # each side shows the place it claims
    assert [s["where"] for s in conflict["sides"]] == ["DAL1/B1/CLOSET-2", "DAL1/B2/CLOSET-9"]
    # the first claim stands until a supervisor decides
    assert client_a.get("/v1/location-tags").json()[0]["path"] == "DAL1/B1/CLOSET-2"
    _, cursor = client_b.pull_all()

    sup = world.device("sup-dev", "sup")
    r = sup.post(
        f"/v1/conflicts/{conflict['id']}/decision",
        {"choice": "value", "value": {"path": "dal1/b3/cage-1"}},
    )
    assert r.status_code == 200, r.text
    assert r.json()["conflict"]["status"] == "decided"
    # every device hears the new path (and the decided conflict) on its next pull
    changes, _ = client_b.pull_all(cursor)
    by_entity = {c["entity"]: c for c in changes}
    assert by_entity["location_tag"]["data"]["path"] == "DAL1/B3/CAGE-1"
    assert by_entity["conflict"]["data"]["status"] == "decided"
    assert client_a.get("/v1/location-tags").json()[0]["site"] == "DAL1"
    _assert_live_equals_rebuild(world)


def test_a_late_claim_refolds_the_tag(world: World) -> None:
    early = Device("early")
    late = Device("late", start_ms=early.now - 3_600_000)
    c_early, c_late = world.device("early"), world.device("late")
    c_early.push([early.op("register", TAG, {"path": "DAL1/B1/CLOSET-2"})])
    # made an hour earlier, arriving now: by fold order it is the first claim
    old = late.op("register", TAG, {"path": "AUS2/B1/ROOM-4"})
    verdict = c_late.push([old])["results"][0]
    # it is applied (the first claim now), and named by the conflict the refold raised
    assert verdict["status"] == "applied" and len(verdict["conflicts"]) == 1
    tag = c_early.get("/v1/location-tags").json()[0]
    assert tag["path"] == "AUS2/B1/ROOM-4" and tag["data"]["path_op"] == old.op_id
    assert tag["site"] == "AUS2"
    conflicts = c_early.get("/v1/conflicts", target=TAG).json()["items"]
    assert [c["type"] for c in conflicts] == ["tag_claimed_twice"]
    _assert_live_equals_rebuild(world)


def test_a_store_at_revision_0001_upgrades_to_location_tags(sqlite_url: str) -> None:
    from alembic import command
    from sqlalchemy import create_engine, inspect

    from sync.server.migrate import _config, current_revision, head_revision, upgrade

    engine = create_engine(sqlite_url)
    try:
        with engine.connect() as conn, conn.begin():
            command.upgrade(_config(conn), "0001")
        assert "location_tags" not in inspect(engine).get_table_names()
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        assert "location_tags" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
