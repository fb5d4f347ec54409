from __future__ import annotations

from pathlib import Path

import pytest

from tests.assets.factory import Device
from tests.sync.server.harness import World


def test_push_then_pull_shows_the_asset(world: World) -> None:
    client = world.device("d1")
    d = Device("d1")
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


def test_an_unusable_database_is_a_clear_error(tmp_path: Path) -> None:
    from sync.errors import ConfigError, DatabaseUnavailable
    from sync.server.settings import Settings
    from sync.server.store import Store

    keys = tmp_path / "keys" / "signing.key"
    with pytest.raises(DatabaseUnavailable, match=r"cannot use the database .*127\.0\.0\.1:1"):
        Store.open(Settings(db_url="postgresql+psycopg://nobody@127.0.0.1:1/x", key_file=keys))
    with pytest.raises(ConfigError, match="cannot create the folder"):
        Store.open(Settings(db_url="sqlite:////proc/no-such/x.db", key_file=keys))
