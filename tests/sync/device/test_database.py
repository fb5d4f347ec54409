"""The device database: pragmas, device identity, migrations, location."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from sync.device import schema
from sync.device.database import DeviceDatabase
from sync.device.migrations import LATEST
from sync.device.paths import default_db_path
from sync.errors import DeviceDatabaseError


def test_wal_and_full_sync(db: DeviceDatabase) -> None:
    with db.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_device_id_minted_once_per_database(tmp_path: Path) -> None:
    first = DeviceDatabase(tmp_path / "a.db")
    device = first.device_id
    first.close()
    again = DeviceDatabase(tmp_path / "a.db")
    other = DeviceDatabase(tmp_path / "b.db")
    assert again.device_id == device
    assert other.device_id != device
    assert again.migrated == []
    again.close()
    other.close()


def test_upgrade_from_version_1_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = DeviceDatabase(path, version=1)
    with old.write() as conn:
        conn.execute(
            text(
                "INSERT INTO outbox (device_seq, op_id, kind, target, hlc, actor, body, status,"
                " created_ms) VALUES (1, 'x', 'observe', 'asset:A', 'h', 'bob', '{}', 'pending', 1)"
            )
        )
    with old.read() as conn:
        assert "people" not in inspect(conn).get_table_names()
    device = old.device_id
    old.close()

    new = DeviceDatabase(path)
    assert new.migrated == list(range(2, LATEST + 1))
    assert new.device_id == device
    with new.read() as conn:
        assert conn.execute(select(schema.outbox.c.actor)).scalar_one() == "bob"
        versions = conn.execute(text("SELECT version FROM schema_migrations")).scalars().all()
        assert list(versions) == list(range(1, LATEST + 1))
    new.close()


def test_upgrade_from_version_2_adds_location_tags(tmp_path: Path) -> None:
    path = tmp_path / "v2.db"
    old = DeviceDatabase(path, version=2)
    with old.read() as conn:
        assert "location_tags" not in inspect(conn).get_table_names()
    device = old.device_id
    old.close()

    new = DeviceDatabase(path)
    assert new.migrated == list(range(3, LATEST + 1))
    assert new.device_id == device
    with new.read() as conn:
        assert "location_tags" in inspect(conn).get_table_names()
        assert conn.execute(select(schema.location_tags.c.key)).all() == []
    new.close()


def test_migrated_schema_matches_the_tables_queries_use(db: DeviceDatabase) -> None:
    with db.read() as conn:
        found = inspect(conn)
        for table in schema.metadata.sorted_tables:
            columns = {c["name"] for c in found.get_columns(table.name)}
            assert columns == set(table.columns.keys()), table.name


def test_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    DeviceDatabase(path).close()
    future = DeviceDatabase(path)
    with future.write() as conn:
        conn.execute(text("INSERT INTO schema_migrations VALUES (99, 'future', 0)"))
    future.close()
    with pytest.raises(DeviceDatabaseError, match="newer than this app"):
        DeviceDatabase(path)


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(DeviceDatabaseError, match="cannot open the device database"):
        DeviceDatabase(path)


def test_default_path_follows_flet_storage(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FLET_APP_STORAGE_DATA", str(tmp_path))
    assert default_db_path() == tmp_path / "tagtrail.db"
    monkeypatch.delenv("FLET_APP_STORAGE_DATA")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_db_path().name == "tagtrail.db"
    assert default_db_path().parent.name == "TagTrail"
