"""Tamper evidence: verify catches an edited, deleted or truncated log, also when the attacker
recomputed the whole chain inside the database."""

from __future__ import annotations

import json

from sqlalchemy import delete, func, select, update

from sync.server import tables as t
from sync.server.db import reading, writing
from sync.server.verify import verify
from tests.assets.factory import Device
from tests.sync.server.harness import World
from tests.sync.tamper import recompute_chain


def _fill(world: World) -> None:
    client, d = world.device("d1"), Device("d1")
    for batch in range(3):
        client.push(
            [d.op("observe", f"asset:V-{batch}-{i}", {"location": "DAL1/B1"}) for i in range(4)]
        )


def _report(world: World) -> list[str]:
    with reading(world.store.engine) as conn:
        return verify(conn, world.store).problems


def test_intact_log_verifies(world: World) -> None:
    _fill(world)
    assert _report(world) == []
    r = world.admin.get("/v1/verify")
    assert r.json()["ok"] is True and r.json()["entries"] == 12


def test_edited_entry_is_detected_even_with_recomputed_chain(world: World) -> None:
    _fill(world)
    with writing(world.store.engine) as conn:
        body = json.loads(
            conn.execute(select(t.oplog.c.body).where(t.oplog.c.position == 5)).scalar_one()
        )
        body["args"]["location"] = "AUS2/B9"
        conn.execute(update(t.oplog).where(t.oplog.c.position == 5).values(body=json.dumps(body)))
    assert any("entry 5" in p for p in _report(world))
    recompute_chain(world.store.engine)
    problems = _report(world)
    assert problems and all("entry 5" not in p for p in problems)
    assert any("signed" in p or "head" in p for p in problems)


def test_deleted_entry_is_detected(world: World) -> None:
    _fill(world)
    with writing(world.store.engine) as conn:
        conn.execute(delete(t.oplog).where(t.oplog.c.position == 3))
    assert any("missing" in p for p in _report(world))


def test_truncation_is_detected_even_with_heads_removed(world: World) -> None:
    _fill(world)
    with writing(world.store.engine) as conn:
        conn.execute(delete(t.oplog).where(t.oplog.c.position > 8))
        conn.execute(delete(t.heads).where(t.heads.c.position > 8))
        count = conn.execute(select(func.count()).select_from(t.oplog)).scalar()
    assert count == 8
    problems = _report(world)
    assert any("removed from the end" in p for p in problems)


def test_a_device_head_proves_truncation(world: World) -> None:
    _fill(world)
    head = world.admin.get("/v1/sync/pull").json()["head"]
    with writing(world.store.engine) as conn:
        conn.execute(delete(t.oplog).where(t.oplog.c.position > 4))
        conn.execute(delete(t.heads).where(t.heads.c.position > 4))
    (world.store.settings.heads_dir).joinpath(f"{world.store.store_id}-main.json").unlink()
    assert _report(world) == []  # the database alone now looks consistent...
    r = world.admin.post("/v1/verify", {"heads": [head]})
    assert r.json()["ok"] is False  # ...but a device's signed head shows what was cut
