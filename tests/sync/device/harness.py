"""The real central store for device tests: in-process (ASGI transport) or on loopback (uvicorn
in a subprocess), plus helpers that read the store's log and state to check the invariants."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from sync.device.database import DeviceDatabase
from sync.device.engine import SyncEngine
from sync.device.schema import (
    assets,
    conflicts,
    location_tags,
    locations,
    outbox,
    pallets,
    settled,
)
from sync.device.service import DeviceService
from sync.errors import ServerUnreachable
from sync.server import auth
from sync.server import tables as t
from sync.server.app import create_app
from sync.server.bootstrap import create_admin, enrolment_code
from sync.server.db import reading, writing
from sync.server.pull import pull_page
from sync.server.settings import Settings
from sync.server.store import Store

PIN = "2468"


class StoreHarness:
    """A fresh central store in a temp folder, with an admin and people to sign in."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.settings = Settings(
            db_url=f"sqlite:///{folder / 'store.db'}", key_file=folder / "keys" / "signing.key"
        )
        self.store = Store.open(self.settings)
        self.app = create_app(self.store)
        create_admin(self.store, "admin", PIN)
        for name, role in (("tech", "technician"), ("crew", "crew"), ("sue", "supervisor")):
            self.add_person(name, role)

    def add_person(self, username: str, role: str) -> None:
        with writing(self.store.engine) as conn:
            auth.create_user(conn, username, username.title(), role, PIN, self.store.now_ms())

    def code(self) -> str:
        return enrolment_code(self.store, "admin")

    def transport(self) -> httpx.AsyncBaseTransport:
        return httpx.ASGITransport(app=self.app)

    def log(self) -> list[tuple[str, str, int]]:
        """(op_id, device_id, device_seq) of every logged operation, in log order."""
        with reading(self.store.engine) as conn:
            rows = conn.execute(
                select(t.oplog.c.op_id, t.oplog.c.device_id, t.oplog.c.device_seq).order_by(
                    t.oplog.c.position
                )
            )
            return [(r.op_id, r.device_id, r.device_seq) for r in rows]

    def rejected_seqs(self, device_id: str) -> set[int]:
        with reading(self.store.engine) as conn:
            rows = conn.execute(
                select(t.rejections.c.device_seq).where(t.rejections.c.device_id == device_id)
            )
            return {int(r.device_seq) for r in rows}

    def state(self) -> dict[tuple[str, str], dict[str, Any]]:
        """The store's whole current state, as a device would pull it from the start."""
        found: dict[tuple[str, str], dict[str, Any]] = {}
        cursor: str | None = None
        with reading(self.store.engine) as conn:
            while True:
                page = pull_page(conn, cursor, 5000, None)
                for change in page.changes:
                    found[(change.entity, change.key)] = change.data
                cursor = page.next_cursor
                if not page.has_more:
                    return found

    def close(self) -> None:
        self.store.close()


def device_cache(db: DeviceDatabase) -> dict[tuple[str, str], dict[str, Any]]:
    """What a device holds of the store's state (its cache, as pulled)."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    with db.read() as conn:
        for entity, key, column in (
            ("asset", assets.c.key, assets.c.state),
            ("pallet", pallets.c.key, pallets.c.state),
            ("location", locations.c.key, locations.c.data),
            ("location_tag", location_tags.c.key, location_tags.c.state),
            ("conflict", conflicts.c.id, conflicts.c.data),
        ):
            for k, data in conn.execute(select(key, column)):
                found[(entity, k)] = json.loads(data)
    return found


@dataclass
class Device:
    db: DeviceDatabase
    service: DeviceService
    engine: SyncEngine

    def reopen(self, transport: httpx.AsyncBaseTransport, **engine_options: Any) -> Device:
        """The app restarts: a new database handle, service and engine on the same file."""
        self.db.close()
        db = DeviceDatabase(self.db.path)
        service = DeviceService(db, now_ms=self.service.now_ms)
        engine = SyncEngine(db, self.engine.server_url, transport=transport, **engine_options)
        return Device(db, service, engine)


def enrol_device(
    harness: StoreHarness,
    path: Path,
    transport: httpx.AsyncBaseTransport,
    *,
    url: str = "http://store.test",
    person: str = "tech",
    now_ms: Callable[[], int] | None = None,
    **engine_options: Any,
) -> Device:
    db = DeviceDatabase(path)
    service = DeviceService(db, now_ms=now_ms) if now_ms else DeviceService(db)
    engine_options.setdefault("backoff_base_s", 0.01)
    engine_options.setdefault("backoff_max_s", 0.05)
    engine = SyncEngine(db, url, transport=transport, **engine_options)
    engine.enrol(harness.code(), path.stem)
    engine.sign_in(person, PIN)
    return Device(db, service, engine)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LoopbackStore:
    """The store under uvicorn in its own process on 127.0.0.1 (stopped by its process group)."""

    def __init__(self, harness: StoreHarness) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        code = (
            "import sys\n"
            "from pathlib import Path\n"
            "from sync.server.serve import serve_forever\n"
            "from sync.server.settings import Settings\n"
            "from sync.server.store import Store\n"
            "s = Settings(db_url=sys.argv[1], key_file=Path(sys.argv[2]))\n"
            "serve_forever(Store.open(s), '127.0.0.1', int(sys.argv[3]))\n"
        )
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                code,
                harness.settings.db_url,
                str(harness.settings.key_file),
                str(self.port),
            ],
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{self.url}/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError("the loopback store did not start")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)


def outbox_rows(db: DeviceDatabase) -> list[tuple[int, str, str]]:
    """(device_seq, op_id, status) of every operation the device recorded: the outbox, and
    the settled rows compacted out of it (status "settled")."""
    with db.read() as conn:
        rows = conn.execute(select(outbox.c.device_seq, outbox.c.op_id, outbox.c.status))
        found = [(r.device_seq, r.op_id, r.status) for r in rows]
        done = conn.execute(select(settled.c.device_seq, settled.c.op_id))
        found += [(r.device_seq, r.op_id, "settled") for r in done]
    return sorted(found)


def drain(device: Device, attempts: int = 50) -> None:
    """Sync until a whole cycle succeeds (faults heal after their queued count)."""
    for _ in range(attempts):
        try:
            device.engine.sync_now()
            return
        except ServerUnreachable:
            continue
    raise AssertionError("the queue did not drain")


def check_invariants(harness: StoreHarness, devices: list[Device]) -> None:
    """No op lost, none applied twice, per-device order kept, every view equals the store's."""
    log = harness.log()
    op_ids = [op for op, _, _ in log]
    assert len(op_ids) == len(set(op_ids)), "an operation was applied twice"
    for _ in range(2):  # the first round pushes everything, the second pulls all of it back
        for device in devices:
            drain(device)
    state = harness.state()
    for device in devices:
        device_id = device.db.device_id
        seqs = [seq for _, dev, seq in harness.log() if dev == device_id]
        assert seqs == sorted(seqs), "per-device order broken"
        rejected = harness.rejected_seqs(device_id)
        logged = {op for op, dev, _ in harness.log() if dev == device_id}
        for seq, op_id, status in outbox_rows(device.db):
            if seq in rejected:
                assert status == "rejected"
            else:
                assert op_id in logged, f"operation #{seq} was lost"
                assert status == "settled", f"#{seq} is {status} after the queue drained"
        assert device_cache(device.db) == state, "the device's view differs from the store's"
