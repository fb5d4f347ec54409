"""The faster push path: the envelope check, batched writes, WAL checkpoints, writer turns."""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.exceptions import RequestValidationError
from sqlalchemy import insert, select

from sync.protocol import PushRequest
from sync.server import tables as t
from sync.server.bulk import insert_rows, update_rows
from sync.server.checkpoint import Checkpointer, checkpointer_for
from sync.server.db import make_engine, writing
from sync.server.envelope import parse_push_body
from tests.assets.factory import Device
from tests.sync.server.harness import World


def _body(ops: list[dict[str, Any]], device_id: str = "d1") -> bytes:
    return json.dumps({"device_id": device_id, "ops": ops}).encode()


def _ops(count: int = 3) -> list[dict[str, Any]]:
    d = Device("d1")
    ops = [d.op("register", f"asset:P-{i}", {"serial": f"S{i}"}).to_dict() for i in range(count)]
    ops.append(d.op("observe", "asset:P-0", {"location": "DAL1/B1/ROOM-2"}).to_dict())
    return ops


# ---- the envelope ---------------------------------------------------------------------------


def test_a_plain_body_gives_what_the_model_would() -> None:
    ops = _ops()
    del ops[0]["expects"]  # the model's defaults fill in missing args/expects
    del ops[1]["args"]
    raw = _body(ops)
    device_id, wire = parse_push_body(raw)
    model = PushRequest.model_validate_json(raw)
    assert device_id == model.device_id == "d1"
    assert wire == [op.to_wire() for op in model.ops]


def test_a_body_the_model_coerces_is_coerced_as_before() -> None:
    ops = _ops(1)
    ops[0]["device_seq"] = "1"  # lax JSON: the model turns it into 1
    ops[0]["extra_field"] = {"kept": True}  # extras of an operation are kept
    device_id, wire = parse_push_body(_body(ops))
    assert device_id == "d1"
    assert wire[0]["device_seq"] == 1
    assert wire[0]["extra_field"] == {"kept": True}
    assert wire == [
        op.to_wire() for op in PushRequest.model_validate({"device_id": "d1", "ops": ops}).ops
    ]


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda op: op.update(device_seq="two"), "body.ops.1.device_seq"),
        (lambda op: op.update(op_id=""), "body.ops.1.op_id"),
        (lambda op: op.pop("schema"), "body.ops.1.schema"),
        (lambda op: op.update(args=None), "body.ops.1.args"),
        (lambda op: op.update(expects={"status": 3}), "body.ops.1.expects.status"),
        (lambda op: op.update(hlc="x" * 121), "body.ops.1.hlc"),
    ],
)
def test_an_unusable_envelope_names_the_field(mutate: Any, where: str) -> None:
    ops = _ops(2)
    mutate(ops[1])
    with pytest.raises(RequestValidationError) as caught:
        parse_push_body(_body(ops))
    locs = [".".join(str(p) for p in e["loc"]) for e in caught.value.errors()]
    assert where in locs


def test_bad_json_an_empty_body_and_extra_keys_are_refused() -> None:
    for raw, where in (
        (b'{"device_id": "d1", "ops": [', "body"),
        (b"", "body"),
        (json.dumps({"device_id": "d1", "ops": [], "more": 1}).encode(), "body.more"),
    ):
        with pytest.raises(RequestValidationError) as caught:
            parse_push_body(raw)
        first = caught.value.errors()[0]
        assert ".".join(str(p) for p in first["loc"]).startswith(where)


@pytest.mark.parametrize("plain", [True, False])
def test_nesting_is_measured_from_the_body_whether_or_not_the_body_is_plain(plain: bool) -> None:
    """A plain body is walked only inside args, yet refused at exactly the depth the whole
    body's walk refuses (the body, ops, the operation and args are four levels)."""
    from sync.protocol import MAX_JSON_DEPTH

    def nested(levels: int) -> object:
        value: object = "x"
        for n in range(levels):
            value = [value] if n % 2 else {"k": value}
        return value

    for inside_args, refused in ((MAX_JSON_DEPTH - 4, False), (MAX_JSON_DEPTH - 3, True)):
        ops = _ops(2)
        ops[1]["args"] = {"serial": "S1", "deep": nested(inside_args)}
        if not plain:
            ops[0]["device_seq"] = "1"  # lax: the model's path, which walks the whole body
        raw = _body(ops)
        if refused:
            with pytest.raises(RequestValidationError) as caught:
                parse_push_body(raw)
            assert caught.value.errors()[0]["type"] == "json_too_deep"
        else:
            assert parse_push_body(raw)[1][1]["args"]["deep"] == nested(inside_args)


def test_json_the_standard_parser_takes_still_reaches_the_domain_core() -> None:
    # orjson refuses NaN; the standard parser takes it, and the operation is then judged alone.
    ops = _ops(1)
    raw = _body(ops).replace(b'"serial": "S0"', b'"serial": NaN')
    _, wire = parse_push_body(raw)
    assert wire[0]["args"]["serial"] != wire[0]["args"]["serial"]  # NaN


def test_push_over_http_gives_the_same_verdicts_and_422s(world: World) -> None:
    client = world.device("d1")
    ops = _ops()
    answer = client.push_raw(ops)
    assert answer.status_code == 200, answer.text
    assert [r["status"] for r in answer.json()["results"]] == ["applied"] * 4
    again = client.push_raw(ops).json()
    assert [r["status"] for r in again["results"]] == ["duplicate"] * 4
    broken = client.http.post(
        "/v1/sync/push", content=b'{"device_id": "d1", "ops": [}', headers=client.headers
    )
    assert broken.status_code == 422
    assert broken.json()["error"] == "invalid_request"
    other = client.http.post(
        "/v1/sync/push", content=_body([], device_id="d2"), headers=client.headers
    )
    assert other.status_code == 403


def test_openapi_still_documents_the_push_body(world: World) -> None:
    doc = world.http.get("/openapi.json").json()
    body = doc["paths"]["/v1/sync/push"]["post"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/PushRequest"
    schemas = doc["components"]["schemas"]
    assert schemas["PushRequest"]["properties"]["ops"]["items"]["$ref"].endswith("WireOperation")
    assert "schema" in schemas["WireOperation"]["properties"]


# ---- batched writes ---------------------------------------------------------------------------


def _asset_row(key: str, position: int, disputed: bool) -> dict[str, Any]:
    return {
        "key": key,
        "tag_upper": key.removeprefix("asset:"),
        "site": "DAL1",
        "serial": None,
        "status": "in_stock",
        "location": None,
        "grade": None,
        "grade_disputed": disputed,
        "pallet": None,
        "custodian": None,
        "version": 1,
        "last_sort": "x",
        "position": position,
        "state": "{}",
    }


def test_bulk_rows_read_back_as_sqlalchemy_writes_them(db_url: str) -> None:
    engine = make_engine(db_url)
    t.metadata.create_all(engine)
    try:
        with writing(engine) as conn:
            insert_rows(conn, t.assets, [_asset_row("asset:A", 1, True)])
            insert_rows(conn, t.assets, [_asset_row("asset:D", 4, True)])
            conn.execute(insert(t.assets), [_asset_row("asset:B", 2, True)])
            update_rows(
                conn,
                t.assets,
                [{"b_key": "asset:A", "grade_disputed": False, "version": 2, "position": 3}],
            )
        with engine.connect() as conn:
            rows = {r.key: r for r in conn.execute(select(t.assets))}
            raw: dict[str, object] = dict(
                conn.exec_driver_sql("SELECT key, grade_disputed FROM assets").all()
            )
        assert rows["asset:A"].grade_disputed is False and rows["asset:A"].version == 2
        assert rows["asset:A"].position == 3 and rows["asset:A"].site == "DAL1"
        assert rows["asset:B"].grade_disputed is True and rows["asset:D"].grade_disputed is True
        # Stored as SQLAlchemy stores booleans: 0/1 on SQLite, a boolean on PostgreSQL.
        assert raw in (
            {"asset:A": 0, "asset:B": 1, "asset:D": 1},
            {"asset:A": False, "asset:B": True, "asset:D": True},
        )
    finally:
        engine.dispose()


# ---- checkpoints and writer turns --------------------------------------------------------------


def _wal_frames(path: Path) -> int:
    wal = Path(f"{path}-wal")
    return wal.stat().st_size if wal.exists() else 0


def test_commits_wake_the_checkpointer_which_then_goes_idle(tmp_path: Path) -> None:
    path = tmp_path / "ckpt.db"
    engine = make_engine(f"sqlite:///{path}")
    t.metadata.create_all(engine)
    try:
        checkpointer = checkpointer_for(str(path))
        before = checkpointer.runs
        with writing(engine) as conn:
            insert_rows(conn, t.assets, [_asset_row(f"asset:C-{i}", i, False) for i in range(50)])
        deadline = time.monotonic() + 5
        while checkpointer.runs == before and time.monotonic() < deadline:
            time.sleep(0.01)
        assert checkpointer.runs > before
        # Everything committed is in the database file itself now: a reader that ignores the
        # WAL (immutable) sees the rows.
        check = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
        try:
            assert check.execute("SELECT count(*) FROM assets").fetchone()[0] == 50
        finally:
            check.close()
    finally:
        engine.dispose()


def test_a_checkpointer_for_a_missing_file_stops_quietly(tmp_path: Path) -> None:
    checkpointer = Checkpointer(str(tmp_path / "gone" / "store.db"))
    checkpointer.nudge()
    deadline = time.monotonic() + 5
    while checkpointer._thread is not None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert checkpointer._thread is None
    assert not (tmp_path / "gone").exists()


def test_writers_of_other_processes_wait_for_the_file_lock(tmp_path: Path) -> None:
    path = tmp_path / "turns.db"
    engine = make_engine(f"sqlite:///{path}")
    t.metadata.create_all(engine)
    try:
        lock_file = f"{path}-writer.lock"
        with writing(engine):
            other = os.open(lock_file, os.O_RDWR)
            try:
                with pytest.raises(BlockingIOError):  # another process would block here
                    fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
            finally:
                os.close(other)
        other = os.open(lock_file, os.O_RDWR)
        try:
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free once the write is over
        finally:
            os.close(other)
    finally:
        engine.dispose()


def test_two_worker_processes_share_one_store(tmp_path: Path) -> None:
    from app.commands import bench_ingest as bench
    from sync.server.db import reading
    from sync.server.projections import live, rebuild
    from sync.server.verify import verify
    from tests.sync.server.harness import open_store

    url = f"sqlite:///{tmp_path / 'workers.db'}"
    key = tmp_path / "keys" / "signing.key"
    names = ["w-0", "w-1", "w-2", "w-3"]
    tokens = bench._prepare(url, key, names)
    bodies = {n: bench._ops(n, 1000, 1_780_000_000_000 + i) for i, n in enumerate(names)}
    with bench._server(url, key, workers=2) as (base, _pid):
        bench._run_devices(base, tokens, bodies)
    store = open_store(url, tmp_path)
    try:
        with reading(store.engine) as conn:
            assert verify(conn, store).ok
            positions = list(conn.execute(select(t.oplog.c.position).order_by(t.oplog.c.position)))
            assert [p.position for p in positions] == list(range(1, 4001))
            assert live(conn) == rebuild(conn, store.settings.rules)
    finally:
        store.close()


def test_canonical_json_writes_what_json_dumps_wrote() -> None:
    from sync.server.chain import canonical_json

    value = {"b": [1, 2.5, None, True], "a": {"ü": 'Zürich\n"x"', "z": -3}, "c": "\u2028"}
    assert canonical_json(value) == json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def test_bulk_log_rows_read_back_equal_to_core_inserts_on_both_databases(db_url: str) -> None:
    """insert_rows (COPY on PostgreSQL, plain tuples on SQLite) stores exactly what SQLAlchemy
    Core's INSERT stores: awkward text (tabs, newlines, backslashes, quotes, non-ASCII), NULLs
    and 64-bit numbers included."""
    engine = make_engine(db_url)
    t.metadata.create_all(engine)
    awkward = "tab\there\nnew line \\N back\\slash \"quoted\" 'single' Zürich \u2028 ☃"

    def row(position: int) -> dict[str, Any]:
        return {
            "position": position,
            "partition": "main",
            "site": "DAL1" if position % 2 else "-",
            "op_id": f"00000000-0000-4000-8000-{position:012d}",
            "device_id": "d1",
            "device_seq": position,
            "hlc": f"{2**62 + position}:0:d1",
            "actor": awkward,
            "kind": "observe",
            "target": f"asset:T-{position}",
            "fold_a": f"asset:T-{position}",
            "fold_b": None if position % 2 else "pallet:P-1",
            "body": json.dumps({"note": awkward, "n": position}),
            "received_ms": 2**62 + position,
            "hash": f"{position:064x}",
        }

    try:
        with writing(engine) as conn:
            insert_rows(conn, t.oplog, [row(i) for i in range(1, 6)])
            conn.execute(insert(t.oplog), [row(i) for i in range(6, 11)])
        with engine.connect() as conn:
            stored = [dict(r._mapping) for r in conn.execute(select(t.oplog).order_by("position"))]
        assert len(stored) == 10
        for got in stored:
            want = row(got["position"])
            assert {name: got[name] for name in want} == want
    finally:
        engine.dispose()


def test_a_log_body_is_the_canonical_json_whichever_encoder_writes_it() -> None:
    """ingest writes a body with only texts in its args through orjson directly; the hash chain
    needs exactly the standard encoder's text, floats and lone surrogates included."""
    from dataclasses import replace

    from sync.server.ingest import _body_of

    d = Device("d1")
    register = d.op("register", "asset:P-1", {"serial": 'Zürich ☃ "q" \\'})
    observe = d.op("observe", "asset:P-1", {"location": "DAL1/B1/ROOM-2"})
    odd = [
        replace(observe, wire_args={"location": "DAL1", "n": 2.5, "e": 1e-7}),
        replace(observe, wire_args={"location": "\ud800"}),
        replace(observe, wire_args={"nested": {"big": 2**70}}),
    ]
    for op in (register, observe, *odd):
        assert _body_of(op) == json.dumps(
            op.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )


# ---- projection writes ----------------------------------------------------------------------


def test_an_update_sets_only_changed_indexed_columns_yet_every_column_follows_the_state(
    world: World,
) -> None:
    """Moves, a new site, a status change, new details (serial) and a grade, each in its own
    batch and mixed in one, on assets whose other columns stay: every stored column equals
    what the folded state says, as a fresh insert of that state would write it."""
    client, d = world.device("cols"), Device("cols")
    tags = [f"asset:COL-{i}" for i in range(4)]
    client.push([d.op("register", tag, {"serial": f"s-{i}"}) for i, tag in enumerate(tags)])
    client.push([d.op("observe", tag, {"location": "DAL1/B1/ROOM-1"}) for tag in tags])
    client.push(
        [
            d.op("observe", tags[0], {"location": "DAL1/B2"}),
            d.op("observe", tags[1], {"location": "AUS2/B1"}),
            d.op("transition", tags[2], {"to": "storage"}, {"status": "in_stock"}),
            d.op("describe", tags[3], {"serial": "new-serial", "category": "laptop"}),
            d.op("assess", tags[0], {"grade": "F2/C3"}, {"grade_op": None}),
        ]
    )
    with writing(world.store.engine) as conn:
        stored = {row.key: row for row in conn.execute(select(t.assets))}
    assert stored[tags[0]].location == "DAL1/B2" and stored[tags[0]].grade is not None
    assert stored[tags[1]].site == "AUS2" and stored[tags[1]].location == "AUS2/B1"
    assert stored[tags[2]].status == "storage" and stored[tags[3]].serial == "NEW-SERIAL"
    for tag in tags:
        row, state = stored[tag], json.loads(stored[tag].state)
        assert row.tag_upper == tag.removeprefix("asset:").upper()
        assert row.site == state["location"].split("/")[0]
        assert (row.status, row.location) == (state["status"], state["location"])
        assert row.serial == state["serial"].upper()
        assert (row.grade, row.version) == (state["grade"], state["version"])
