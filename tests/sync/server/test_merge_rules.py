"""Every merge rule and conflict type through the real server, on SQLite and PostgreSQL; replays
leave the state unchanged; the live projection equals a rebuild from the log."""

from __future__ import annotations

import json
from typing import Any

from assets.conflicts import CONFLICT_TYPES
from sync.server.chain import canonical_json
from sync.server.db import reading
from sync.server.projections import live, rebuild
from tests.assets.factory import Device
from tests.sync.server.harness import World
from tests.sync.server.scenarios import scenarios, two_devices


def _normal(data: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(canonical_json(data))
    return result


def test_every_rule_on_the_server(world: World) -> None:
    a, b = two_devices()
    client_a, client_b = world.device("dev-a", "sup"), world.device("dev-b", "admin")
    cases = scenarios(a, b)
    first = client_a.push([op for case in cases for op in case.first])
    second = client_b.push([op for case in cases for op in case.second])
    verdicts = {r["op_id"]: r for r in first["results"] + second["results"]}
    raised: set[str] = set()
    for case in cases:
        statuses = [verdicts[op.op_id]["status"] for op in case.first + case.second]
        keys = {key for op in case.first + case.second for key in op.touches}
        types = {
            c["type"]
            for key in keys
            for c in client_a.get("/v1/conflicts", target=key).json()["items"]
        }
        if case.conflict is None:
            assert "flagged" not in statuses, case.name
            assert not types, case.name
        else:
            assert "flagged" in statuses, (case.name, statuses)
            assert case.conflict in types, (case.name, types)
            raised.add(case.conflict)
    assert raised == set(CONFLICT_TYPES)

    # each conflict's sides carry who / when / where / which device
    page = client_a.get("/v1/conflicts", status="open", limit=100).json()
    for conflict in page["items"]:
        for side in conflict["sides"]:
            assert side["actor"] in {"sup", "admin"}
            assert side["device_id"] in {"dev-a", "dev-b"}
            assert side["at"] and side["hlc"]

    before = _state(world)
    # replaying any batch changes nothing
    again_a = client_a.push([op for case in cases for op in case.first])
    again_b = client_b.push([op for case in cases for op in case.second])
    assert {r["status"] for r in again_a["results"] + again_b["results"]} == {"duplicate"}
    assert _state(world) == before

    with reading(world.store.engine) as conn:
        assert _normal(live(conn)) == _normal(rebuild(conn, world.store.settings.rules))


def _state(world: World) -> dict[str, Any]:
    with reading(world.store.engine) as conn:
        return _normal(live(conn))


def test_late_operation_refolds_its_target(world: World) -> None:
    early = Device("early")
    late = Device("late", start_ms=early.now - 3_600_000)
    c_early, c_late = world.device("early"), world.device("late")
    c_early.push(
        [
            early.op("register", "asset:LATE-1", {"serial": "L1"}),
            early.op("observe", "asset:LATE-1", {"location": "DAL1/B1/ROOM-2"}),
        ]
    )
    # An older observation arriving late only enters history; the location stays the latest.
    old = late.op("observe", "asset:LATE-1", {"location": "DAL1/B1/ROOM-1"})
    verdict = c_late.push([old])["results"][0]
    assert verdict["status"] == "applied"
    asset = c_early.get("/v1/assets/LATE-1").json()
    assert asset["asset"]["location"] == "DAL1/B1/ROOM-2"
    assert old.op_id in [h["op"]["op_id"] for h in asset["history"]]
    # A late older grade (made before the current one, without seeing it) refolds: disputed.
    c_early.push([early.op("assess", "asset:LATE-1", {"grade": "F1/C1"}, {"grade_op": None})])
    c_late.push([late.op("assess", "asset:LATE-1", {"grade": "F5/C5"}, {"grade_op": None})])
    asset = c_early.get("/v1/assets/LATE-1").json()["asset"]
    assert asset["grade_disputed"] is True
    with reading(world.store.engine) as conn:
        assert _normal(live(conn)) == _normal(rebuild(conn, world.store.settings.rules))
