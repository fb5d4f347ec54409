"""Process-level faults: a real `tagtrail server` SIGKILLed mid-push, restarted on the same
database, on SQLite and PostgreSQL. The device resends what it does not know was taken; at the
end nothing is lost or doubled, the chain verifies and the live projection equals a rebuild.

The kills wait for conditions, not for times: once the whole request has been written to the
server's socket (the server is reading or ingesting it), and once the database shows the batch
committed (the answer may or may not have left).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from sync.server import tables as t
from sync.server.bootstrap import create_admin, enrolment_code
from sync.server.chain import canonical_json
from sync.server.db import reading
from sync.server.projections import live, rebuild
from sync.server.settings import Settings
from sync.server.store import Store
from sync.server.verify import verify
from tests.assets.factory import Device
from tests.sync.device.harness import free_port

ROOT = Path(__file__).resolve().parents[3]
BATCH = 300


class ServerProcess:
    """`python -m app server` on a free loopback port, in its own process group."""

    def __init__(self, settings: Settings) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "app", "server", "--db", settings.db_url]
        command += ["--key-file", str(settings.key_file), "--port", str(self.port)]
        env = os.environ | {"PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 60
        while not self._healthy():
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.kill()
                raise RuntimeError("tagtrail server did not start")
            time.sleep(0.05)

    def _healthy(self) -> bool:
        try:
            return httpx.get(f"{self.url}/v1/health", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(30)


def _raw_push(url: str, headers: dict[str, str], body: bytes) -> socket.socket:
    """Write a whole push request to the server and return the socket, answer unread."""
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=30)
    lines = [
        "POST /v1/sync/push HTTP/1.1",
        f"Host: {host}:{port}",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        "Connection: close",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    return sock


def _acked(store: Store, device_id: str) -> int:
    with store.engine.connect() as conn:
        value = conn.execute(
            select(t.devices.c.acked_through).where(t.devices.c.device_id == device_id)
        ).scalar()
        return int(value or 0)


def _wait_for(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.005)


@pytest.fixture
def store(db_url: str, tmp_path: Path) -> Iterator[Store]:
    settings = Settings(db_url=db_url, key_file=tmp_path / "keys" / "signing.key")
    s = Store.open(settings)
    yield s
    s.close()


def _sign_in(url: str, code: str) -> dict[str, str]:
    with httpx.Client(base_url=url, timeout=60) as http:
        r = http.post(
            "/v1/devices/enrol", json={"code": code, "device_id": "kill-dev", "name": "k"}
        )
        assert r.status_code == 200, r.text
        device = {"Authorization": f"Bearer {r.json()['token']}"}
        r = http.post("/v1/auth/signin", json={"username": "admin", "pin": "1357"}, headers=device)
        assert r.status_code == 200, r.text
        return device | {"X-TagTrail-Person": r.json()["person_token"]}


def _batches(count: int) -> list[list[dict[str, Any]]]:
    d = Device("kill-dev", actor="admin")
    out = []
    for b in range(count):
        ops = []
        for i in range(BATCH // 2):
            tag = f"asset:K-{b}-{i}"
            ops.append(d.op("register", tag, {"serial": f"S{b}{i}"}).to_dict())
            ops.append(d.op("observe", tag, {"location": f"DAL1/B{i % 7}"}).to_dict())
        out.append(ops)
    return out


def test_a_server_killed_mid_push_loses_and_doubles_nothing(store: Store) -> None:
    _, code = create_admin(store, "admin", "1357")
    batches = _batches(5)
    kills: dict[int, str] = {1: "sent", 2: "committed", 3: "sent"}
    server = ServerProcess(store.settings)
    try:
        headers = _sign_in(server.url, code)
        for number, ops in enumerate(batches):
            body = json.dumps({"device_id": "kill-dev", "ops": ops}).encode()
            when = kills.get(number)
            if when is not None:
                sock = _raw_push(server.url, headers, body)
                if when == "committed":
                    last = int(ops[-1]["device_seq"])

                    def committed(last: int = last) -> bool:
                        return _acked(store, "kill-dev") >= last

                    _wait_for(committed, "the batch is committed")
                server.kill()
                sock.close()
                server = ServerProcess(store.settings)  # the same database, a new process
            # what the device does after a lost answer: send the batch again
            with httpx.Client(base_url=server.url, timeout=120) as http:
                r = http.post(
                    "/v1/sync/push",
                    content=body,
                    headers=headers | {"Content-Type": "application/json"},
                )
            assert r.status_code == 200, r.text
            statuses = {v["status"] for v in r.json()["results"]}
            assert statuses <= {"applied", "duplicate"}, statuses
            assert r.json()["acked_through"] == ops[-1]["device_seq"]
    finally:
        server.kill()
    sent = [op["op_id"] for ops in batches for op in ops]
    with reading(store.engine) as conn:
        rows = list(
            conn.execute(select(t.oplog.c.op_id, t.oplog.c.device_seq).order_by(t.oplog.c.position))
        )
        assert [r.op_id for r in rows] == sent  # each once, in the device's order
        assert [r.device_seq for r in rows] == list(range(1, len(sent) + 1))
        report = verify(conn, store)
        assert report.ok, report.problems
        assert report.entries == len(sent)
        normal = json.loads(canonical_json(live(conn)))
        assert normal == json.loads(canonical_json(rebuild(conn, store.settings.rules)))
    assert _acked(store, "kill-dev") == len(sent)
    assert enrolment_code(store, "admin")  # the store still takes writes after the kills
