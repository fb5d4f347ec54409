"""Every API read is served through indexes: on a store grown through the push path (and
ANALYZEd), each statement a read issues is EXPLAINed on SQLite and PostgreSQL, and a full scan
of a table that grows with the log fails the test.

A scan in index order is allowed only for the reads that page a table in that order with a
LIMIT (the unfiltered listings, and a filter most rows pass): they stop after the page.

PostgreSQL rightly reads a table of a few pages (this store's pallets, conflicts, location
tags) sequentially; there the plans are asked for with `enable_seqscan = off`, which still
answers a sequential scan where no index can serve the query, so a missing index fails.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, event, select

from app.commands.growth_ops import asset_tag, operations, pallet_tag, shelf
from assets.tags import TAG_KINDS, make_tag
from sync.server import tables as t
from sync.server.disposals import Totals
from tests.assets.factory import Device
from tests.sync.server.harness import DeviceClient, World, open_store

OPS = 9000
# Tables whose rows grow with the log. disposal_days grows with days and sites, not entries.
GROWING = {
    "oplog",
    "assets",
    "pallets",
    "locations",
    "location_tags",
    "conflicts",
    "disposals",
    "idle_assets",
    "heads",
    "rejections",
    "quarantine",
    "tag_blocks",
    "offline_runs",
}


@dataclass
class Read:
    path: str
    params: dict[str, Any] = field(default_factory=dict)
    ordered_scan: bool = False  # pages a whole table in index order (LIMIT stops it)


def _reads(conflict_id: str, disposed: str, cursor: int, pallet: str) -> list[Read]:
    tag = asset_tag(1234)
    return [
        Read("/v1/assets", ordered_scan=True),
        Read("/v1/assets", {"q": tag[:8].lower()}),
        Read("/v1/assets", {"q": "SN00012"}),
        Read("/v1/assets", {"q": "NO-SUCH-TAG"}),
        Read("/v1/assets", {"site": "ZZZ9"}),
        Read("/v1/assets", {"status": "lost"}),
        Read("/v1/assets", {"status": "in_stock", "site": "DAL1"}, ordered_scan=True),
        Read("/v1/assets", {"location": shelf(1234)}),
        Read(f"/v1/assets/{tag}"),
        Read("/v1/pallets", ordered_scan=True),
        Read("/v1/pallets", {"state": "sealed"}),
        Read(f"/v1/pallets/{pallet_tag(400)}"),
        Read("/v1/locations", ordered_scan=True),
        Read("/v1/locations", {"site": "AUS2"}),
        Read("/v1/location-tags", ordered_scan=True),
        Read("/v1/location-tags", {"place": shelf(50)}),
        Read("/v1/conflicts", ordered_scan=True),
        Read("/v1/conflicts", {"status": "open"}),
        Read("/v1/conflicts", {"type": "no_such_type"}),
        Read("/v1/conflicts", {"site": "ZZZ9"}),
        Read("/v1/conflicts", {"target": f"asset:{asset_tag(80)}"}),
        Read(f"/v1/conflicts/{conflict_id}"),
        Read("/v1/reports/disposition"),
        Read("/v1/reports/disposition", {"site": "DAL1", "since": "2026-05-28T23:00:00Z"}),
        Read(f"/v1/assets/{disposed}/certificate.pdf"),
        Read("/v1/reports/disposition.csv", {"site": "DAL1"}),
        Read("/v1/reports/assets-by-status"),
        Read("/v1/reports/assets-by-status.csv", {"site": "DAL1"}),
        Read("/v1/reports/assets-by-location", ordered_scan=True),
        Read("/v1/reports/assets-by-location", {"site": "AUS2", "cursor": shelf(50)}),
        Read("/v1/reports/storage-age", ordered_scan=True),
        Read("/v1/reports/storage-age", {"cursor": f"1780000000000:asset:{tag}"}, True),
        Read("/v1/reports/storage-age", {"site": "DAL1"}),
        Read("/v1/reports/storage-age", {"status": "surplus"}),
        Read("/v1/reports/storage-age", {"site": "AUS2", "status": "storage"}),
        Read("/v1/reports/recovery", {"period": "week"}),
        Read("/v1/reports/diversion", {"period": "day", "site": "DAL1", "since": "2026-05-29"}),
        Read("/v1/reports/devices"),
        Read("/v1/reports/devices.csv"),
        Read("/v1/reports/recycling-certificate.pdf", {"since": "2026-05-28T23:00:00Z"}),
        Read(f"/v1/pallets/{pallet}/certificate.pdf"),
        Read("/v1/health"),
        Read("/v1/sync/pull", {"cursor": str(cursor), "limit": 100}),
    ]


class Recorder:
    """Collects the SELECT statements the store's engine runs, with their parameters."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, Any]] = []
        self.on = False

    def __call__(self, _conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if self.on and statement.lstrip().upper().startswith("SELECT"):
            self.statements.append((statement, params))


def _grow(world: World) -> DeviceClient:
    device = world.device("grow-1")
    batch: list[dict[str, Any]] = []
    for op in operations("grow-1", "sup", OPS):
        batch.append(op.to_dict())
        if len(batch) == 500:
            r = device.push_raw(batch)
            assert r.status_code == 200, r.text
            batch = []
    if batch:
        assert device.push_raw(batch).status_code == 200
    return device


@pytest.fixture
def grown(db_url: str, tmp_path: Path) -> Iterator[World]:
    w = World(open_store(db_url, tmp_path))
    try:
        _grow(w)
        with w.store.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
        yield w
    finally:
        w.close()


def _sqlite_scans(conn: Connection, statement: str, params: Any) -> list[tuple[str, bool]]:
    """(table, in index order) for each scan (not search) of a table in the plan."""
    rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params).all()
    scans = []
    for row in rows:
        match = re.match(r"SCAN (\w+)( USING (COVERING )?INDEX)?", str(row[-1]))
        if match:
            scans.append((match.group(1), match.group(2) is not None))
    return scans


def _pg_nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", []):
        yield from _pg_nodes(child)


def _pg_scans(conn: Connection, statement: str, params: Any) -> list[tuple[str, bool]]:
    raw = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", params).scalar()
    plan = raw if isinstance(raw, list) else json.loads(str(raw))
    scans = []
    for node in _pg_nodes(plan[0]["Plan"]):
        kind, table = node.get("Node Type", ""), str(node.get("Relation Name"))
        if kind == "Seq Scan":
            scans.append((table, False))
        elif kind in ("Index Scan", "Index Only Scan") and "Index Cond" not in node:
            scans.append((table, True))  # the whole index, in its order
    return scans


def test_every_read_is_served_through_indexes(grown: World) -> None:
    world = grown
    sup = world.device("plan-sup", "sup")
    with world.store.engine.connect() as conn:
        conflict_id = conn.execute(select(t.conflicts.c.id).limit(1)).scalar()
        disposed = conn.execute(select(t.disposals.c.key).limit(1)).scalar()
        cursor = conn.execute(select(t.partitions.c.change_position)).scalar()
        carrier = conn.execute(
            select(t.oplog.c.fold_b)
            .join(t.disposals, t.disposals.c.key == t.oplog.c.fold_a)
            .where(t.oplog.c.kind == "load")
            .limit(1)
        ).scalar()
    assert conflict_id and disposed and cursor and carrier
    recorder = Recorder()
    event.listen(world.store.engine, "before_cursor_execute", recorder)
    postgres = world.store.engine.dialect.name == "postgresql"
    failures = []
    try:
        reads = _reads(
            conflict_id,
            disposed.removeprefix("asset:"),
            cursor - 50,
            carrier.removeprefix("pallet:"),
        )
        for read in reads:
            recorder.statements, recorder.on = [], True
            r = sup.get(read.path, **read.params)
            recorder.on = False
            assert r.status_code == 200, (read.path, r.text)
            assert recorder.statements, read.path
            with world.store.engine.connect() as conn:
                if postgres:
                    conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
                for statement, params in recorder.statements:
                    scans = (_pg_scans if postgres else _sqlite_scans)(conn, statement, params)
                    for table, ordered in scans:
                        if table in GROWING and not (ordered and read.ordered_scan):
                            failures.append((read.path, read.params, table, statement))
    finally:
        event.remove(world.store.engine, "before_cursor_execute", recorder)
    assert failures == [], "\n".join(f"{p} {q} {tb}: {s[:400]}" for p, q, tb, s in failures)


def test_search_finds_tags_and_serials_by_prefix_whatever_the_case(grown: World) -> None:
    sup = grown.device("search-sup", "sup")
    found = sup.get("/v1/assets", q="gr-000123").json()["items"]
    assert [a["key"] for a in found] == [f"asset:{asset_tag(n)}" for n in range(1230, 1240)]
    by_serial = sup.get("/v1/assets", q="sn000124").json()["items"]
    assert [a["serial"] for a in by_serial] == [f"SN{n:07d}X" for n in range(1240, 1250)]
    exact = sup.get("/v1/assets", q=f"asset:{asset_tag(77)}").json()["items"]
    assert [a["key"] for a in exact] == [f"asset:{asset_tag(77)}"]
    place = shelf(1234)
    here = sup.get("/v1/assets", location=place, limit=1000).json()["items"]
    assert here and all(a["location"] == place for a in here)
    counts = {loc["key"]: loc["asset_count"] for loc in sup.get("/v1/locations", limit=1000).json()}
    assert counts[place] == len(here)
    health = grown.http.get("/v1/health").json()
    assert health["log_entries"] == OPS


def test_an_upgrade_from_0002_fills_in_the_new_columns_and_aggregates(grown: World) -> None:
    """Down to 0002 and back up: the migration's backfill matches what the pushes kept."""
    from alembic import command

    from sync.server.migrate import _config

    engine = grown.store.engine

    def snapshot() -> dict[str, Any]:
        with engine.connect() as conn:
            return {
                "tags": dict(conn.execute(select(t.assets.c.key, t.assets.c.tag_upper)).all()),
                "counts": dict(
                    conn.execute(select(t.locations.c.key, t.locations.c.asset_count)).all()
                ),
                "disposals": sorted(map(tuple, conn.execute(select(t.disposals)).all())),
                "days": {
                    (r.site, r.day): (r.assets, Totals.from_json(r.totals))
                    for r in conn.execute(select(t.disposal_days))
                },
                "asset_counts": sorted(map(tuple, conn.execute(select(t.asset_counts)).all())),
                # since_ms aside: a rebuild takes the latest observation as the arrival
                "idle": sorted(
                    map(
                        tuple,
                        conn.execute(
                            select(
                                t.idle_assets.c.key,
                                t.idle_assets.c.site,
                                t.idle_assets.c.status,
                                t.idle_assets.c.location,
                            )
                        ).all(),
                    )
                ),
            }

    before = snapshot()
    assert before["disposals"] and any(before["counts"].values()) and before["asset_counts"]
    with engine.connect() as conn, conn.begin():
        command.downgrade(_config(conn), "0002")
    with engine.connect() as conn, conn.begin():
        command.upgrade(_config(conn), "head")
    assert snapshot() == before


def _growing_scans(world: World, statements: list[tuple[str, Any]]) -> list[tuple[str, str]]:
    """(table, statement) for each scan of a growing table in these statements' plans."""
    postgres = world.store.engine.dialect.name == "postgresql"
    failures = []
    with world.store.engine.connect() as conn:
        if postgres:
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        for statement, params in statements:
            scans = (_pg_scans if postgres else _sqlite_scans)(conn, statement, params)
            failures += [(table, statement) for table, _ in scans if table in GROWING]
    return failures


def test_the_push_path_looks_its_batch_up_through_indexes(grown: World) -> None:
    """A batch's lookups (its op_ids, the targets and conflicts it touches, the places it
    names, a replay's seqs) each cost the index walks of the batch, not a scan of the store."""
    world = grown
    device = world.device("plan-push")
    batch = [op.to_dict() for op in operations("plan-push", "sup", 500)]  # the grown assets
    recorder = Recorder()
    event.listen(world.store.engine, "before_cursor_execute", recorder)
    recorder.on = True
    try:
        first = device.push_raw(batch)
        again = device.push_raw(batch)  # a replay: looked up by the device's seqs
    finally:
        recorder.on = False
        event.remove(world.store.engine, "before_cursor_execute", recorder)
    assert first.status_code == again.status_code == 200, first.text
    assert {r["status"] for r in again.json()["results"]} == {"duplicate"}
    looked_up = " ".join(statement for statement, _ in recorder.statements)
    assert "json_each(" in looked_up or "ANY(" in looked_up  # the batch's array lookups ran
    failures = _growing_scans(world, recorder.statements)
    assert failures == [], "\n".join(f"{tb}: {s[:400]}" for tb, s in failures)


def test_a_run_of_new_tags_finds_the_highest_tag_through_the_key(grown: World) -> None:
    """Cutting a run reads the kind's counter and the store's highest tag of the kind: one
    step down a primary key each, whatever the store holds; a reported run's clashes are a
    range of the runs' keys no longer than a run."""
    world = grown
    ours = Device("plan-tags")
    world.device("plan-tags", "sup").push([ours.op("register", f"asset:{make_tag('asset', 500)}")])
    askers = {kind: world.device(f"plan-tags-{kind}", "sup") for kind in TAG_KINDS}
    recorder = Recorder()
    event.listen(world.store.engine, "before_cursor_execute", recorder)
    recorder.on = True
    try:
        asked = {
            kind: asker.post("/v1/tags/reserve", {"kind": kind, "count": 5})
            for kind, asker in askers.items()
        }
        reported = askers["asset"].post(
            "/v1/tags/printed", {"kind": "asset", "first": 490, "last": 510}
        )
    finally:
        recorder.on = False
        event.remove(world.store.engine, "before_cursor_execute", recorder)
    assert all(r.status_code == 200 for r in asked.values()), {k: r.text for k, r in asked.items()}
    assert asked["asset"].json()["first"] == 501  # above the tag registered in our format
    assert reported.status_code == 200, reported.text  # its clashes: a range of the key
    looked_up = [s for s, _ in recorder.statements if "tag_numbers" in s or "ORDER BY" in s]
    assert len(looked_up) >= 6, recorder.statements
    failures = _growing_scans(world, recorder.statements)
    assert failures == [], "\n".join(f"{tb}: {s[:400]}" for tb, s in failures)
