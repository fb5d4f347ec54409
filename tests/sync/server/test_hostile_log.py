"""Hostile clients against the log: decisions without effect, reused op_ids and seqs.

Every refusal is answered per operation, is in the rejections table, and leaves the log, its
chain and the projections as a rebuild from the log would make them.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from sync.server import tables as t
from sync.server.chain import canonical_json
from sync.server.db import reading
from sync.server.projections import live, rebuild
from sync.server.verify import verify
from tests.assets.factory import BASE_MS, Device
from tests.sync.server.harness import World


def _count(world: World, table: Any, *where: Any) -> int:
    with world.store.engine.connect() as conn:
        query = select(func.count()).select_from(table)
        return int(conn.execute(query.where(*where) if where else query).scalar() or 0)


def _intact(world: World) -> None:
    with reading(world.store.engine) as conn:
        report = verify(conn, world.store)
        assert report.ok, report.problems
        normal = json.loads(canonical_json(live(conn)))
        assert normal == json.loads(canonical_json(rebuild(conn, world.store.settings.rules)))


def _grade_conflict(world: World, tag: str) -> str:
    a, b = Device("ga"), Device("gb", start_ms=BASE_MS + 1000)
    world.device("ga").push([a.op("assess", f"asset:{tag}", {"grade": "F1/C1"})])
    world.device("gb").push([b.op("assess", f"asset:{tag}", {"grade": "F3/C3"})])
    items = world.admin.get("/v1/conflicts", target=f"asset:{tag}").json()["items"]
    assert [c["type"] for c in items] == ["grade_disputed"]
    return str(items[0]["id"])


def _resolve(d: Device, cid: str, tag: str, choice: str = "a") -> Any:
    return d.op(
        "resolve", f"conflict:{cid}", {"conflict_id": cid, "on": f"asset:{tag}", "choice": choice}
    )


# ---- 4. a decision that does nothing ------------------------------------------------------------


def test_a_decision_whose_clock_sorts_before_its_conflict_is_rejected_not_applied(
    world: World,
) -> None:
    cid = _grade_conflict(world, "EARLY-1")
    behind = Device("sup-dev", start_ms=BASE_MS - 3_600_000, actor="sup")  # an hour behind
    client = world.device("sup-dev", "sup")
    verdict = client.push([_resolve(behind, cid, "EARLY-1")])["results"][0]
    assert (verdict["status"], verdict["code"]) == ("rejected", "no_effect")
    assert "sorts before the operations that raised" in verdict["reason"]
    assert world.admin.get(f"/v1/conflicts/{cid}").json()["status"] == "open"
    assert _count(world, t.oplog, t.oplog.c.kind == "resolve") == 0
    assert _count(world, t.rejections, t.rejections.c.code == "no_effect") == 1
    # a decision made now closes it; any later one, whatever its clock, is refused
    r = world.admin.post(f"/v1/conflicts/{cid}/decision", {"choice": "b"})
    assert r.status_code == 200, r.text
    ahead = Device("sup-dev", start_ms=BASE_MS + 86_400_000, actor="sup")
    ahead.seq = 1
    verdict = client.push([_resolve(ahead, cid, "EARLY-1")])["results"][0]
    assert (verdict["status"], verdict["code"]) == ("rejected", "already_decided")
    assert _count(world, t.oplog, t.oplog.c.kind == "resolve") == 1
    assert world.admin.get("/v1/assets/EARLY-1").json()["asset"]["grade"] == "F3/C3"
    _intact(world)


def test_two_decisions_in_one_batch_the_first_wins_and_others_in_it_still_apply(
    world: World,
) -> None:
    cid = _grade_conflict(world, "TWO-1")
    d = Device("sup-dev", start_ms=BASE_MS + 60_000, actor="sup")
    early = Device("sup-dev", start_ms=BASE_MS - 60_000, actor="sup")
    client = world.device("sup-dev", "sup")
    ops = [_resolve(d, cid, "TWO-1", "a"), _resolve(d, cid, "TWO-1", "b")]
    early.seq = 2
    ops.append(_resolve(early, cid, "TWO-1", "b"))
    d.seq = 3
    ops.append(d.op("observe", "asset:TWO-1", {"location": "DAL1/B1"}))
    body = client.push(ops)
    assert [(r["status"], r["code"]) for r in body["results"]] == [
        ("applied", None),
        ("rejected", "already_decided"),
        ("rejected", "already_decided"),
        ("applied", None),
    ]
    assert _count(world, t.oplog, t.oplog.c.kind == "resolve") == 1
    assert world.admin.get(f"/v1/conflicts/{cid}").json()["decision"] == "a"
    _intact(world)


def test_rest_decide_is_refused_like_a_pushed_one(world: World) -> None:
    cid = _grade_conflict(world, "REST-1")
    r = world.admin.post("/v1/conflicts/c-000000000000000000000000/decision", {"choice": "a"})
    assert r.status_code == 404
    d = Device("sup-dev", start_ms=BASE_MS + 60_000, actor="sup")
    assert world.device("sup-dev", "sup").push([_resolve(d, cid, "REST-1")])["results"][0][
        "status"
    ] == ("applied")
    r = world.admin.post(f"/v1/conflicts/{cid}/decision", {"choice": "b"})
    assert r.status_code == 409
    assert r.json()["error"] == "already_decided"
    assert r.json()["decided_actor"] == "sup"
    assert _count(world, t.oplog, t.oplog.c.kind == "resolve") == 1
    _intact(world)


# ---- 5. reused op_ids and seqs --------------------------------------------------------------


def test_another_devices_op_id_is_rejected_as_reused(world: World) -> None:
    victim, thief = Device("victim"), Device("thief")
    victim_client = world.device("victim")
    victim_client.push([victim.op("register", "asset:OP-1")])
    stolen = victim.op("observe", "asset:OP-1", {"location": "DAL1"})
    victim_client.push([stolen])
    copy = thief.op("observe", "asset:OP-1", {"location": "HOU1"}, op_id=stolen.op_id)
    verdict = world.device("thief").push([copy])["results"][0]
    assert (verdict["status"], verdict["code"]) == ("rejected", "op_id_reused")
    assert "victim #2" in verdict["reason"]
    assert _count(world, t.rejections, t.rejections.c.code == "op_id_reused") == 1
    asset = world.admin.get("/v1/assets/OP-1").json()["asset"]
    assert asset["location"] == "DAL1"
    _intact(world)


def test_a_replay_of_a_seq_with_the_same_op_id_but_other_content_is_rejected(
    world: World,
) -> None:
    d = Device("d1")
    client = world.device("d1")
    op = d.op("observe", "asset:OP-2", {"location": "DAL1"})
    client.push([op])
    changed = op.to_dict() | {"args": {"location": "HOU1"}}
    body = client.push_raw([changed]).json()
    verdict = body["results"][0]
    assert (verdict["status"], verdict["code"]) == ("rejected", "op_id_reused")
    assert "other content" in verdict["reason"]
    same = client.push([op])["results"][0]
    assert same["status"] == "duplicate"
    assert _count(world, t.rejections) == 1
    _intact(world)


def test_a_seq_repeated_in_one_batch_is_one_rejection_not_a_409(world: World) -> None:
    d = Device("d1")
    client = world.device("d1")
    first = d.op("register", "asset:SEQ-1")
    second = d.op("register", "asset:SEQ-2")
    repeat = d.op("register", "asset:SEQ-3").to_dict() | {"device_seq": 2}
    r = client.push_raw([first.to_dict(), second.to_dict(), repeat, second.to_dict()])
    assert r.status_code == 200, r.text
    body = r.json()
    assert [(v["status"], v["code"]) for v in body["results"]] == [
        ("applied", None),
        ("applied", None),
        ("rejected", "seq_reused"),
        ("duplicate", None),
    ]
    assert "device_seq 2 appears twice in this batch" in body["results"][2]["reason"]
    assert body["acked_through"] == 2
    assert _count(world, t.rejections, t.rejections.c.code == "seq_reused") == 1
    # the same seq reused in a later batch is refused and recorded as well
    later = d.op("register", "asset:SEQ-4").to_dict() | {"device_seq": 1}
    verdict = client.push_raw([later]).json()["results"][0]
    assert (verdict["status"], verdict["code"]) == ("rejected", "seq_reused")
    assert _count(world, t.rejections, t.rejections.c.code == "seq_reused") == 2
    # a real hole is still a 409 telling where to resume
    hole = d.op("register", "asset:SEQ-5").to_dict() | {"device_seq": 5}
    r = client.push_raw([hole])
    assert r.status_code == 409
    assert r.json()["expected_seq"] == 3
    _intact(world)
