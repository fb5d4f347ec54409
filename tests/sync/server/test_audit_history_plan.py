"""The audit history of a location tag reads the fold_a index, not the log (both databases,
after ANALYZE over a log of a few thousand entries)."""

from __future__ import annotations

from sqlalchemy import select, text

from sync.server import tables as t
from sync.server.db import reading
from tests.assets.factory import Device
from tests.sync.server.harness import World

LOC = "location:LT-0000077-P"


def test_the_audit_history_query_uses_the_fold_index(world: World) -> None:
    d, client = Device("plan"), world.device("plan")
    ops = [d.op("observe", f"asset:PLAN-{n}", {"location": "DAL1/B1/ROOM-1"}) for n in range(3000)]
    ops.append(d.op("register", LOC, {"path": "DAL1/B1/ROOM-1"}))
    for start in range(0, len(ops), 1000):
        client.push(ops[start : start + 1000])
    log = t.oplog.c
    query = (
        select(log.position, log.body)
        .where(log.fold_a == LOC, log.kind == "audit")
        .order_by(log.position.desc())
        .limit(51)
    )
    with reading(world.store.engine) as conn:
        conn.execute(text("ANALYZE"))
        sql = str(query.compile(conn, compile_kwargs={"literal_binds": True}))
        if conn.dialect.name == "postgresql":
            plan = "\n".join(r[0] for r in conn.execute(text(f"EXPLAIN {sql}")))
            assert "ix_oplog_fold_a" in plan and "Seq Scan on oplog" not in plan, plan
        else:
            plan = "\n".join(str(r[-1]) for r in conn.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
            assert "ix_oplog_fold_a" in plan and "SCAN oplog" not in plan, plan
