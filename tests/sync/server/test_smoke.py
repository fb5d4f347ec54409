from __future__ import annotations

from tests.assets.factory import Device
from tests.sync.server.harness import World


def test_push_then_pull_shows_the_asset(world: World) -> None:
    client = world.device("d1")
    d = Device("d1", actor="tech")
    ops = [
        d.op("register", "asset:TA-1", {"serial": "SN1"}),
        d.op("observe", "asset:TA-1", {"location": "DAL1/B2/CLOSET-3"}),
    ]
    body = client.push(ops)
    assert body["acked_through"] == 2
    assert [r["status"] for r in body["results"]] == ["applied", "applied"]
    changes, _ = client.pull_all()
    assets = [c for c in changes if c["entity"] == "asset"]
    assert assets[0]["data"]["location"] == "DAL1/B2/CLOSET-3"
    assert {c["key"] for c in changes if c["entity"] == "location"} == {
        "DAL1",
        "DAL1/B2",
        "DAL1/B2/CLOSET-3",
    }
