"""Who may do what, on the store; finished location audits in the log, the pull and the API.

On SQLite and PostgreSQL (the `world` fixture is parametrised over both)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from sync.server import tables as t
from sync.server.db import reading
from tests.assets.factory import BASE_MS, Device
from tests.sync.server.harness import World

TAG = "LT-0000007-Q"
LOC = f"location:{TAG}"
A, B, C = "asset:AUD-1", "asset:AUD-2", "asset:AUD-3"


def _count(world: World, table: Any) -> int:
    with reading(world.store.engine) as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)


def test_each_role_records_only_its_kinds_and_the_queue_moves_on(world: World) -> None:
    tech, crew = world.device("t1", "tech"), world.device("c1", "crew")
    t_ops, c_ops = Device("t1", actor="tech"), Device("c1", actor="crew")
    body = tech.push(
        [
            t_ops.op("register", A, {"serial": "S-A"}),
            t_ops.op("load", A, {"pallet": "pallet:PL-R1"}),
            t_ops.op("dispose", A, {"outcome": "recycle"}),
            t_ops.op("sanitize", A, _wipe()),
        ]
    )
    verdicts = [(r["status"], r.get("code")) for r in body["results"]]
    applied, refused = ("applied", None), ("rejected", "role")
    assert verdicts == [applied, refused, refused, applied]
    assert (
        "A technician may not record a disposition: ask a supervisor or admin"
        in (body["results"][2]["reason"])
    )
    assert body["acked_through"] == 4
    body = crew.push(
        [
            c_ops.op("observe", A, {"location": "DAL1/DOCK"}),
            c_ops.op("load", A, {"pallet": "pallet:PL-R1"}),
        ]
    )
    assert [r["status"] for r in body["results"]] == ["rejected", "applied"]
    assert "A crew member may not record sightings" in body["results"][0]["reason"]
    sup, s_ops = world.device("s1", "sup"), Device("s1", actor="sup", start_ms=BASE_MS + 60_000)
    body = sup.push([s_ops.op("dispose", B, {"outcome": "recycle"})])
    assert body["results"][0]["status"] == "applied"
    assert _count(world, t.oplog) == 4  # the refused ones are not in the log
    assert _count(world, t.rejections) == 3


def _wipe() -> dict[str, object]:
    return {
        "storage_serial": "S-A",
        "method": "purge",
        "tool": "Blancco 7",
        "verified": True,
        "performed_by": "tech",
        "performed_at": "2026-05-28T09:30:00Z",
    }


def _audit(d: Device, found: list[str], at_ms: int) -> Any:
    expected = [A, B]
    return d.op(
        "audit",
        LOC,
        {
            "location": "DAL1/B1/CLOSET-1",
            "expected": expected,
            "found": found,
            "missing": sorted(set(expected) - set(found)),
            "unexpected": sorted(set(found) - set(expected)),
            "elsewhere": sorted(set(found) - set(expected)),
        },
        at_ms=at_ms,
    )


def test_an_audit_is_logged_raises_its_item_reaches_devices_and_has_a_history(
    world: World,
) -> None:
    tech, d = world.device("aud", "tech"), Device("aud", actor="tech")
    name = d.op("register", LOC, {"path": "DAL1/B1/CLOSET-1"})
    first = _audit(d, [A, C], BASE_MS + 60_000)
    second = _audit(d, [A, B], BASE_MS + 120_000)
    body = tech.push([name, first, second])
    assert [r["status"] for r in body["results"]] == ["applied", "flagged", "applied"]

    crew = world.device("crew-dev", "crew")
    refused = crew.push(
        [Device("crew-dev", actor="crew").op("audit", LOC, first.to_dict()["args"])]
    )
    assert refused["results"][0]["code"] == "role"

    changes, _ = tech.pull_all()
    (tag_change,) = [c for c in changes if c["entity"] == "location_tag"]
    assert tag_change["data"]["audit_op"] == second.op_id  # the latest audit by clock
    assert tag_change["data"]["audit_counts"]["missing"] == 0
    (item,) = [c for c in changes if c["entity"] == "conflict"]
    assert item["data"]["type"] == "missing_in_audit" and item["data"]["target"] == LOC
    assert item["data"]["detail"]["missing"] == B

    r = tech.get(f"/v1/location-tags/{TAG}/audits")
    assert r.status_code == 200, r.text
    page = r.json()
    assert [a["op_id"] for a in page["items"]] == [second.op_id, first.op_id]
    newest, oldest = page["items"]
    assert oldest["missing"] == [B] and oldest["unexpected"] == [C] and oldest["elsewhere"] == [C]
    assert (oldest["actor"], oldest["location"]) == ("tech", "DAL1/B1/CLOSET-1")
    assert oldest["audited_at"].startswith("2026-")
    assert newest["found"] == [A, B] and page["next_before"] is None
    older = tech.get(f"/v1/location-tags/{TAG}/audits", limit=1).json()
    assert [a["op_id"] for a in older["items"]] == [second.op_id]
    rest = tech.get(f"/v1/location-tags/{TAG}/audits", before=older["next_before"]).json()
    assert [a["op_id"] for a in rest["items"]] == [first.op_id]


def test_audit_history_refuses_strangers_and_unknown_tags(world: World) -> None:
    assert world.http.get(f"/v1/location-tags/{TAG}/audits").status_code == 401
    r = world.device("x1").get("/v1/location-tags/LT-0000404-Z/audits")
    assert r.status_code == 404 and r.json()["error"] == "not_found"
    assert world.device("x2").get(f"/v1/location-tags/{TAG}/audits", limit=0).status_code == 422
