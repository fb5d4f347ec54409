from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sync.server.harness import World, open_store


@pytest.fixture
def world(db_url: str, tmp_path: Path) -> Iterator[World]:
    w = World(open_store(db_url, tmp_path))
    yield w
    w.close()


@pytest.fixture
def sqlite_world(sqlite_url: str, tmp_path: Path) -> Iterator[World]:
    w = World(open_store(sqlite_url, tmp_path))
    yield w
    w.close()
