"""Verify covers every column a read serves, and walks only what came since the last verify.

- fold keys (oplog.fold_a / fold_b decide which history and certificates an operation shows
  in) are not in the entry hash, so verify checks them against the body;
- `verify --projections` rebuilds every projection and compares every column, so an edited
  `assets.location` (an indexed column the API serves) is found though the state JSON is intact;
- a passing verify signs a checkpoint; the next plain verify starts after it, `--full` does not.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import insert, select, update

from sync.server import tables as t
from sync.server.db import reading, writing
from sync.server.verified import latest_checkpoints
from sync.server.verify import verify, verify_and_checkpoint
from sync.server.verify_projections import check_projections
from tests.assets.factory import Device
from tests.sync.server.harness import World
from tests.sync.server.scenarios import scenarios, two_devices
from tests.sync.tamper import recompute_chain


def _fill(world: World, batches: int = 3, tag: str = "V") -> None:
    client, d = world.device(f"d-{tag}"), Device(f"d-{tag}")
    for batch in range(batches):
        client.push(
            [d.op("observe", f"asset:{tag}-{batch}-{i}", {"location": "DAL1/B1"}) for i in range(4)]
        )


def _rich_history(world: World) -> None:
    """Every merge rule from two devices (conflicts, pallets, custody), one decided by a
    supervisor, so rebuilt projections hold every kind of row."""
    a, b = two_devices()
    client_a, client_b = world.device("dev-a", "sup"), world.device("dev-b", "admin")
    cases = scenarios(a, b)
    client_a.push([op for case in cases for op in case.first])
    client_b.push([op for case in cases for op in case.second])
    sup = world.device("sup-dev", "sup")
    first = sup.get("/v1/conflicts", status="open", limit=1).json()["items"][0]
    r = sup.post(f"/v1/conflicts/{first['id']}/decision", {"choice": "a", "note": "checked"})
    assert r.status_code == 200, r.text


def _edit_body(world: World, position: int) -> None:
    with writing(world.store.engine) as conn:
        where = t.oplog.c.position == position
        body = json.loads(conn.execute(select(t.oplog.c.body).where(where)).scalar_one())
        body["args"]["location"] = "AUS2/B9"
        conn.execute(update(t.oplog).where(where).values(body=json.dumps(body)))


def _problems(world: World, *, full: bool = False) -> list[str]:
    with reading(world.store.engine) as conn:
        return verify(conn, world.store, full=full).problems


def _projection_problems(world: World) -> list[str]:
    settings = world.store.settings
    with reading(world.store.engine) as conn:
        return check_projections(conn, settings.partition, settings.rules)


def test_an_edited_fold_key_is_detected(world: World) -> None:
    _fill(world)
    assert _problems(world) == []
    with writing(world.store.engine) as conn:
        conn.execute(
            update(t.oplog).where(t.oplog.c.position == 6).values(fold_a="asset:SOMEONE-ELSE")
        )
    problems = _problems(world)
    assert any("entry 6" in p and "fold keys" in p for p in problems), problems


def test_a_fold_key_edited_before_the_checkpoint_is_found_by_full(world: World) -> None:
    _fill(world)
    assert verify_and_checkpoint(world.store).ok
    with writing(world.store.engine) as conn:
        conn.execute(update(t.oplog).where(t.oplog.c.position == 2).values(fold_b="pallet:X"))
    assert _problems(world) == []  # the plain verify trusts the signed checkpoint...
    assert any("entry 2" in p for p in _problems(world, full=True))  # ...--full does not


def test_live_projections_equal_a_rebuild_column_by_column(world: World) -> None:
    _rich_history(world)
    with reading(world.store.engine) as conn:
        for table in (t.assets, t.pallets, t.conflicts, t.locations):
            assert conn.execute(select(table)).first() is not None, table.name
    assert _projection_problems(world) == []


def test_an_edited_location_column_is_detected(world: World) -> None:
    _fill(world)
    with writing(world.store.engine) as conn:
        conn.execute(
            update(t.assets).where(t.assets.c.key == "asset:V-1-2").values(location="AUS2/B9")
        )
    assert _problems(world) == []  # the log itself is untouched
    problems = _projection_problems(world)
    assert any("asset:V-1-2" in p and "location" in p and "AUS2/B9" in p for p in problems)


def test_edited_conflict_and_pallet_columns_are_detected(world: World) -> None:
    _rich_history(world)
    with writing(world.store.engine) as conn:
        cid = conn.execute(select(t.conflicts.c.id).where(t.conflicts.c.status == "open")).scalar()
        conn.execute(update(t.conflicts).where(t.conflicts.c.id == cid).values(status="decided"))
        pallet = conn.execute(select(t.pallets.c.key)).scalar()
        conn.execute(update(t.pallets).where(t.pallets.c.key == pallet).values(custodian="x"))
    problems = _projection_problems(world)
    assert any(f"conflicts {cid}: status" in p for p in problems), problems
    assert any(f"pallets {pallet}: custodian" in p for p in problems), problems


def test_a_deleted_projection_row_is_detected(world: World) -> None:
    _fill(world)
    with writing(world.store.engine) as conn:
        conn.execute(t.assets.delete().where(t.assets.c.key == "asset:V-0-0"))
    problems = _projection_problems(world)
    assert problems == ["assets asset:V-0-0: a rebuild has it, the store does not"]


def test_verify_walks_only_what_came_since_the_last_checkpoint(world: World) -> None:
    _fill(world, batches=2)
    first = world.admin.get("/v1/verify").json()
    assert first["ok"] and first["entries"] == 8 and first["checked_from"] == 0
    again = world.admin.get("/v1/verify").json()
    assert again["ok"] and again["entries"] == 8 and again["checked_from"] == 8
    _fill(world, batches=1, tag="W")
    third = world.admin.get("/v1/verify").json()
    assert third["ok"] and third["entries"] == 12 and third["checked_from"] == 8
    with reading(world.store.engine) as conn:
        assert [c.position for c in latest_checkpoints(conn, "main")][:2] == [12, 8]
    with reading(world.store.engine) as conn:
        assert verify(conn, world.store, full=True).checked_from == 0


def test_a_chain_recomputed_after_a_checkpoint_is_detected(world: World) -> None:
    _fill(world)
    assert verify_and_checkpoint(world.store).ok
    _edit_body(world, 3)
    recompute_chain(world.store.engine)
    problems = _problems(world)
    assert any("verified intact earlier" in p for p in problems), problems
    assert any("the log up to 4 does not match the stored head" in p for p in problems)


def test_a_forged_checkpoint_is_refused(world: World) -> None:
    _fill(world)
    with writing(world.store.engine) as conn:
        last = conn.execute(select(t.oplog).where(t.oplog.c.position == 12)).one()
        conn.execute(
            insert(t.verified).values(
                partition="main",
                position=12,
                hash=last.hash,
                signature="00" * 64,
                key_id="forged",
                verified_at="2026-01-01T00:00:00.000+00:00",
            )
        )
    _edit_body(world, 4)
    report = verify_and_checkpoint(world.store)
    assert not report.ok and report.checked_from == 0
    assert any("checkpoint at position 12 is not signed" in p for p in report.problems)
    assert any("entry 4" in p for p in report.problems)


def test_cli_verify_full_and_projections(world: World, tmp_path: Path) -> None:
    from app.commands.server import server

    _fill(world)
    db, key = world.store.settings.db_url, str(world.store.settings.key_file)
    runner = CliRunner()
    r = runner.invoke(server, ["--db", db, "--key-file", key, "verify", "--projections"])
    assert r.exit_code == 0, r.output
    assert "12 entries" in r.output and "every projection matches" in r.output
    with writing(world.store.engine) as conn:
        conn.execute(update(t.oplog).where(t.oplog.c.position == 5).values(fold_a="asset:ZZ"))
        conn.execute(
            update(t.assets).where(t.assets.c.key == "asset:V-2-3").values(location="AUS2/B9")
        )
    r = runner.invoke(server, ["--db", db, "--key-file", key, "verify"])
    assert r.exit_code == 0, r.output  # both edits lie before the checkpoint
    assert "entries after 12" in r.output
    r = runner.invoke(server, ["--db", db, "--key-file", key, "verify", "--full"])
    assert r.exit_code == 1 and "entry 5" in r.output
    r = runner.invoke(server, ["--db", db, "--key-file", key, "verify", "--projections"])
    assert r.exit_code == 1 and "asset:V-2-3: location" in r.output


def test_edited_report_totals_are_detected(world: World) -> None:
    """The disposition report reads its per-day totals: an edit there is a projection fault."""
    _rich_history(world)
    with writing(world.store.engine) as conn:
        day = conn.execute(select(t.disposal_days)).first()
        assert day is not None  # the rich history disposes of assets
        conn.execute(
            update(t.disposal_days)
            .where(t.disposal_days.c.site == day.site, t.disposal_days.c.day == day.day)
            .values(assets=day.assets + 5)
        )
    problems = _projection_problems(world)
    assert any(f"disposal_days {day.site}/{day.day}: assets" in p for p in problems), problems
