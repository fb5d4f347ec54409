"""Fixtures of the device-side tests: a fresh device database, a controllable clock, a service."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.device.database import DeviceDatabase
from sync.device.service import DeviceService

BASE_MS = 1_780_000_000_000


class FakeClock:
    """A wall clock the test moves by hand (skew it by a day, step it back...)."""

    def __init__(self, ms: int = BASE_MS) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms

    def advance(self, ms: int) -> None:
        self.ms += ms


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db(tmp_path: Path) -> Iterator[DeviceDatabase]:
    database = DeviceDatabase(tmp_path / "device" / "tagtrail.db")
    yield database
    database.close()


@pytest.fixture
def service(db: DeviceDatabase, clock: FakeClock) -> DeviceService:
    svc = DeviceService(db, now_ms=clock)
    svc.remember_person("alice", "Alice", "supervisor")  # may record every kind but admin-only ones
    return svc
