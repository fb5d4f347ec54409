"""Deciding conflicts: A, B or a value; once; the decision is in the log and in pull."""

from __future__ import annotations

from tests.assets.factory import BASE_MS, Device
from tests.sync.server.harness import World


def _grade_conflict(world: World, tag: str) -> str:
    a, b = Device("ga"), Device("gb", start_ms=BASE_MS + 1000)
    world.device("ga").push(
        [a.op("assess", f"asset:{tag}", {"grade": "F1/C1"}, {"grade_op": None})]
    )
    world.device("gb").push(
        [b.op("assess", f"asset:{tag}", {"grade": "F3/C3"}, {"grade_op": None})]
    )
    items = world.admin.get("/v1/conflicts", target=f"asset:{tag}").json()["items"]
    assert [c["type"] for c in items] == ["grade_disputed"]
    return str(items[0]["id"])


def test_decide_once_and_second_decision_names_the_winner(world: World) -> None:
    cid = _grade_conflict(world, "DEC-1")
    sup = world.device("sup-tab", "sup")
    puller = world.device("reader")
    _, cursor = puller.pull_all()
    r = sup.post(f"/v1/conflicts/{cid}/decision", {"choice": "b", "note": "rechecked"})
    assert r.status_code == 200, r.text
    decision = r.json()
    assert decision["conflict"]["status"] == "decided"
    assert decision["conflict"]["decided_actor"] == "sup"
    assert decision["conflict"]["decision_note"] == "rechecked"
    asset = sup.get("/v1/assets/DEC-1").json()
    assert asset["asset"]["grade"] == "F3/C3"
    assert asset["asset"]["grade_disputed"] is False
    assert decision["op_id"] in [h["op"]["op_id"] for h in asset["history"]]
    again = world.admin.post(f"/v1/conflicts/{cid}/decision", {"choice": "a"})
    assert again.status_code == 409
    body = again.json()
    assert body["decided_by"] == decision["op_id"]
    assert "sup" in body["message"]
    changes, _ = puller.pull_all(cursor)
    decided = [c for c in changes if c["entity"] == "conflict" and c["key"] == cid]
    assert decided and decided[-1]["data"]["decided_by"] == decision["op_id"]


def test_decide_with_a_value(world: World) -> None:
    cid = _grade_conflict(world, "DEC-2")
    r = world.admin.post(
        f"/v1/conflicts/{cid}/decision", {"choice": "value", "value": {"grade": "F2/C2"}}
    )
    assert r.status_code == 200, r.text
    assert world.admin.get("/v1/assets/DEC-2").json()["asset"]["grade"] == "F2/C2"
    detail = world.admin.get(f"/v1/conflicts/{cid}").json()
    assert detail["decision_value"] == {"grade": "F2/C2"}


def test_decision_pushed_from_a_device_after_another_won_is_rejected(world: World) -> None:
    cid = _grade_conflict(world, "DEC-3")
    assert world.admin.post(f"/v1/conflicts/{cid}/decision", {"choice": "a"}).status_code == 200
    sup_dev = Device("sup-dev", start_ms=BASE_MS + 10_000, actor="sup")
    client = world.device("sup-dev", "sup")
    op = sup_dev.op(
        "resolve", f"conflict:{cid}", {"conflict_id": cid, "on": "asset:DEC-3", "choice": "b"}
    )
    verdict = client.push([op])["results"][0]
    assert (verdict["status"], verdict["code"]) == ("rejected", "already_decided")
    assert "admin" in verdict["reason"]
