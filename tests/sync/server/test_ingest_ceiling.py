"""The ceiling `tagtrail bench ingest` prints for one device: parse alone, the push's own rows
written alone, on both databases."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError

from app.commands import bench_ingest as bench
from app.commands.ingest_ceiling import (
    Ceiling,
    one_device_ceiling,
    pushed_batches,
    write_seconds,
)
from sync.server import ingest
from sync.server import tables as t
from sync.server.db import make_engine
from sync.server.envelope import parse_push_body
from sync.server.settings import Settings
from sync.server.store import Store

BATCH = 100


def _pushed(db_url: str, tmp_path: Path, ops: int) -> tuple[list[bytes], list[dict[str, object]]]:
    """A store that took `ops` operations of one device in batches of BATCH; their bodies and
    the log rows the bench's raw insert would write for them."""
    key = tmp_path / "signing.key"
    bench._prepare(db_url, key, ["dev-1"])
    bodies = bench._ops("dev-1", ops, 1_780_000_000_000)
    small = [b for body in bodies for b in _split(body)]  # the bench's hold 500 each
    store = Store.open(Settings(db_url=db_url, key_file=key))
    try:
        for body in small:
            device_id, wire = parse_push_body(body)
            ingest.push(store, device_id, wire)
    finally:
        store.close()
    return small, bench._log_rows(small)


def _split(body: bytes) -> list[bytes]:
    data = json.loads(body)
    return [
        json.dumps({"device_id": data["device_id"], "ops": data["ops"][i : i + BATCH]}).encode()
        for i in range(0, len(data["ops"]), BATCH)
    ]


def _tables(db_url: str) -> set[str]:
    engine = make_engine(db_url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_each_asset_row_rides_with_the_push_of_its_first_operation(
    db_url: str, tmp_path: Path
) -> None:
    _, rows = _pushed(db_url, tmp_path, 600)
    batches = pushed_batches(db_url, rows, BATCH)
    assert len(batches) == 6
    for number, batch in enumerate(batches):
        (log_table, log_rows), (asset_table, asset_rows) = batch
        assert log_table is t.oplog and asset_table is t.assets
        assert log_rows == rows[number * BATCH : (number + 1) * BATCH]
        registered = {r["target"] for r in log_rows if r["kind"] == "register"}
        assert {r["key"] for r in asset_rows} == registered
    # 4 operations per asset in the bench's mix: 150 assets, each written once.
    assert sum(len(batch[1][1]) for batch in batches) == 150


@pytest.fixture
def second_url(db_url: str, tmp_path: Path) -> Iterator[str]:
    """Another empty database of the same engine as `db_url`."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'second.db'}"
        return
    with bench.scratch_pg_database() as url:
        yield url


def test_the_ceiling_is_under_both_of_its_parts_and_leaves_no_table_behind(
    db_url: str, second_url: str, tmp_path: Path
) -> None:
    bodies, rows = _pushed(db_url, tmp_path, 400)
    key = tmp_path / "signing.key"
    bench._prepare(second_url, key, ["dev-1"])
    before = _tables(db_url)
    fresh = Settings(db_url=second_url, key_file=key)
    ceiling = one_device_ceiling(db_url, fresh, bodies, rows, batch=BATCH)
    assert 0 < ceiling.rate < min(ceiling.parse, ceiling.write)
    assert _tables(db_url) == before
    # The in-process pushes were real: the fresh store now holds every operation once.
    engine = make_engine(second_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(t.oplog)).scalar() == 400
    finally:
        engine.dispose()
    assert 0 < ceiling.push < ceiling.parse
    assert ceiling.transaction_s == pytest.approx(1 / ceiling.push - 1 / ceiling.parse)


def test_the_bare_copies_keep_the_tables_keys(db_url: str, tmp_path: Path) -> None:
    _, rows = _pushed(db_url, tmp_path, 200)
    # The same log row twice in one batch breaks the copy's primary key, as it would the log's.
    with pytest.raises((IntegrityError, psycopg.errors.UniqueViolation)):  # COPY: psycopg's own
        write_seconds(db_url, [[(t.oplog, [rows[0], rows[0]])]])
    assert not any(name.startswith("bench_raw_") for name in _tables(db_url))
    assert write_seconds(db_url, [[(t.oplog, rows)]]) > 0


def test_the_ceiling_combines_two_rates_as_one_after_the_other() -> None:
    assert Ceiling(parse=100.0, write=100.0, push=20.0).rate == pytest.approx(50.0)
    assert Ceiling(parse=300.0, write=150.0, push=20.0).rate == pytest.approx(100.0)
    assert Ceiling(parse=100.0, write=1.0, push=20.0).transaction_s == pytest.approx(0.04)


def test_bench_ingest_prints_one_devices_ceiling_against_the_bar() -> None:
    result = CliRunner().invoke(
        bench.bench_ingest,
        ["--engine", "sqlite", "--ops", "1000", "--devices", "2", "--workers", "1"],
    )
    assert result.exit_code == 0, result.output
    ceilings = [line for line in result.output.splitlines() if "ceiling for one device" in line]
    assert len(ceilings) == 1, result.output
    found = re.search(r"at most ([\d,]+) ops/s = ratio (\d+\.\d\d): the bar is (\w+)", ceilings[0])
    assert found, ceilings[0]
    ratio = float(found.group(2))
    assert found.group(3) == ("within" if ratio >= bench.RATIO_BAR else "out")
    assert re.search(r"write transaction takes \d+\.\d us per operation = \d+\.\dx", result.output)
