"""Engine behaviour that needs no store: the single-engine guard, backoff, enrolment checks."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from sync.device.database import DeviceDatabase
from sync.device.engine import SyncEngine
from sync.device.lock import EngineLock
from sync.device.progress import STOPPED
from sync.errors import EngineAlreadyRunning, NotEnrolled


def test_only_one_engine_per_database(db: DeviceDatabase) -> None:
    first = SyncEngine(db, "http://127.0.0.1:9", interval_s=60)
    second = SyncEngine(DeviceDatabase(db.path), "http://127.0.0.1:9")
    first.start()
    try:
        first.start()  # starting the same engine twice is harmless
        with pytest.raises(EngineAlreadyRunning):
            second.start()
        with pytest.raises(EngineAlreadyRunning):
            second.sync_now()
    finally:
        first.stop()
    assert first.progress.state == STOPPED
    # Once the first has stopped, another may take over.
    with pytest.raises(NotEnrolled):
        second.sync_now()
    second.db.close()


def test_lock_is_held_across_processes(tmp_path: Path) -> None:
    lock = EngineLock(tmp_path / "x.db")
    lock.acquire()
    try:
        code = (
            "import sys; from pathlib import Path; from sync.device.lock import EngineLock\n"
            "from sync.errors import EngineAlreadyRunning\n"
            f"l = EngineLock(Path({str(tmp_path / 'x.db')!r}))\n"
            "try:\n    l.acquire()\nexcept EngineAlreadyRunning:\n    sys.exit(3)\nsys.exit(0)\n"
        )
        held = subprocess.run([sys.executable, "-c", code], check=False, timeout=60)
        assert held.returncode == 3
    finally:
        lock.release()
    free = subprocess.run([sys.executable, "-c", code], check=False, timeout=60)
    assert free.returncode == 0


def test_backoff_grows_with_jitter_and_a_cap(db: DeviceDatabase) -> None:
    engine = SyncEngine(db, "http://x", backoff_base_s=1, backoff_max_s=30, rng=random.Random(7))
    delays = [engine.backoff_s(n) for n in range(1, 10)]
    for n, delay in enumerate(delays, start=1):
        ceiling = min(30, 2 ** (n - 1))
        assert ceiling / 2 <= delay <= ceiling
    assert len({round(d, 6) for d in delays}) == len(delays)  # jittered, not fixed steps


def test_unenrolled_device_says_so(db: DeviceDatabase) -> None:
    engine = SyncEngine(db, "http://127.0.0.1:9")
    with pytest.raises(NotEnrolled, match="enrol"):
        engine.sync_now()
    with pytest.raises(NotEnrolled):
        engine.sign_in("alice", "1234")
