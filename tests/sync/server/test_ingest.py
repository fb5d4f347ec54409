"""Ingest faults: gaps, reused seqs, duplicates by op_id, rejections, quarantine, limits."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from sync.server import tables as t
from tests.assets.factory import Device
from tests.sync.server.harness import World, open_store


def _count(world: World, table: t.Table) -> int:  # type: ignore[name-defined]
    with world.store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)


def test_gap_returns_409_with_expected_seq(world: World) -> None:
    client, d = world.device("d1"), Device("d1")
    first = d.op("register", "asset:G-1")
    d.op("observe", "asset:G-1", {"location": "DAL1"})  # seq 2 never sent
    third = d.op("observe", "asset:G-1", {"location": "DAL1/B2"})
    client.push([first])
    r = client.push_raw([third.to_dict()])
    assert r.status_code == 409
    assert r.json()["error"] == "gap"
    assert r.json()["expected_seq"] == 2
    assert _count(world, t.oplog) == 1


def test_known_seq_with_other_op_id_is_refused_not_duplicate(world: World) -> None:
    client, d = world.device("d1"), Device("d1")
    op = d.op("register", "asset:R-1")
    client.push([op])
    impostor = op.to_dict() | {"op_id": "6f2c1d7e-0000-4000-8000-000000000001"}
    verdict = client.push_raw([impostor]).json()["results"][0]
    assert verdict["status"] == "rejected"
    assert verdict["code"] == "seq_reused"
    assert op.op_id in verdict["reason"]
    same = client.push([op])["results"][0]
    assert same["status"] == "duplicate"


def test_same_op_id_at_a_new_seq_is_rejected_as_reused(world: World) -> None:
    client, d = world.device("d1"), Device("d1")
    op = d.op("register", "asset:R-2")
    client.push([op])
    again = op.to_dict() | {"device_seq": 2}
    body = client.push_raw([again]).json()
    verdict = body["results"][0]
    assert (verdict["status"], verdict["code"]) == ("rejected", "op_id_reused")
    assert "already in the log" in verdict["reason"]
    assert body["acked_through"] == 2
    assert _count(world, t.oplog) == 1
    assert _count(world, t.rejections) == 1


def test_invalid_and_quarantined_ops_advance_the_cursor_and_are_kept(world: World) -> None:
    client, d = world.device("d1"), Device("d1")
    good = d.op("register", "asset:Q-1")
    bad = d.op("observe", "asset:Q-1", {"location": "DAL1"}).to_dict()
    bad["args"] = {"location": "not a place!"}
    future = d.op("observe", "asset:Q-1", {"location": "DAL1"}).to_dict() | {"schema": 99}
    unknown = d.op("observe", "asset:Q-1", {"location": "DAL1"}).to_dict() | {"kind": "teleport"}
    after = d.op("observe", "asset:Q-1", {"location": "DAL1/B1"})
    body = client.push_raw([good.to_dict(), bad, future, unknown, after.to_dict()]).json()
    statuses = [(r["status"], r["code"]) for r in body["results"]]
    assert statuses == [
        ("applied", None),
        ("rejected", "invalid"),
        ("rejected", "quarantined"),
        ("rejected", "quarantined"),
        ("applied", None),
    ]
    assert "args.location" in body["results"][1]["reason"]
    assert body["acked_through"] == 5
    assert _count(world, t.rejections) == 1
    assert _count(world, t.quarantine) == 2


def test_unparseable_envelope_fails_the_batch_with_readable_422(world: World) -> None:
    client, d = world.device("d1"), Device("d1")
    good = d.op("register", "asset:E-1").to_dict()
    broken = dict(good, device_seq="two")
    r = client.push_raw([good, broken])
    assert r.status_code == 422
    body = r.json()
    assert body["error"] == "invalid_request"
    assert "device_seq" in body["message"]
    assert _count(world, t.oplog) == 0


def test_actor_must_have_signed_in_on_the_device(world: World) -> None:
    client, d = world.device("d1"), Device("d1", actor="stranger")
    verdict = client.push([d.op("register", "asset:A-1")])["results"][0]
    assert (verdict["status"], verdict["code"]) == ("rejected", "actor")


def test_a_technician_cannot_record_a_decision(world: World) -> None:
    client, d = world.device("d1", "tech"), Device("d1", actor="tech")
    op = d.op(
        "resolve",
        "conflict:c-0",
        {"conflict_id": "c-0", "on": "asset:X", "choice": "a"},
    )
    verdict = client.push([op])["results"][0]
    assert (verdict["status"], verdict["code"]) == ("rejected", "role")


def test_limits_give_413(sqlite_url: str, tmp_path: Path) -> None:
    world = World(open_store(sqlite_url, tmp_path, max_batch_ops=3, max_body_bytes=20_000))
    try:
        client, d = world.device("d1"), Device("d1")
        ops = [d.op("register", f"asset:L-{i}").to_dict() for i in range(4)]
        r = client.push_raw(ops)
        assert r.status_code == 413
        assert "at most 3" in r.json()["message"]
        big = [dict(ops[0], args={"serial": "x" * 30_000})]
        r = client.push_raw(big)
        assert r.status_code == 413
        assert r.json()["error"] == "too_large"
        assert _count(world, t.oplog) == 0
    finally:
        world.close()
