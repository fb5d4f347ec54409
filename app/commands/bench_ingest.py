"""`tagtrail bench ingest`: the central store's ingest rate over HTTP on loopback.

For each database (SQLite file, and PostgreSQL when it answers on 127.0.0.1:5432) it starts
`tagtrail server --workers N` (default 2, as a site store on two cores runs it) as a separate
process on a fresh store, then measures:
- one device pushing N operations in batches of 500;
- twenty devices pushing N operations each, at the same time;
- beside each, in the same run and on the same database, the raw rate of inserting the same
  operations' log rows into a bare copy of the log table (same columns, keys and indexes) in
  batches of 500, one transaction per batch, through the very path ingest writes its log rows
  with (sync.server.bulk), best of three: the ceiling the database itself sets. The ratio of
  the two is printed against its bar (ingest >= 0.5x raw); the rate and ratio through
  SQLAlchemy Core's generic executemany (the baseline before COPY) are printed beside it;
- for one device, the ceiling the sync contract sets (app.commands.ingest_ceiling): parsing
  alone and writing only the rows a push left, one after the other, against the same bar.
Operations are built and JSON-encoded before the clock starts, so the figures are the server's.

`--memory` instead ingests 1,000,000 operations (20 devices) and then has a new device pull
100,000 assets (one server process), sampling the server process's VmRSS and reporting its
VmHWM (peak) from /proc/<pid>/status.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import httpx
import psycopg

from app.commands.ingest_ceiling import Ceiling, one_device_ceiling, write_seconds
from assets.hlc import HybridClock
from assets.operations import build_operation
from sync.server import auth
from sync.server import tables as t
from sync.server.bootstrap import create_admin
from sync.server.chain import canonical_json
from sync.server.db import writing
from sync.server.settings import Settings
from sync.server.store import Store

BATCH = 500
RATIO_BAR = 0.5  # ingest over HTTP as a share of the raw insert rate of the same rows
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
START_TIMEOUT_S = 300


@dataclass
class Setup:
    url: str
    tokens: dict[str, tuple[str, str]]  # device id -> (device token, person token)


def _ops(device_id: str, count: int, start_ms: int) -> list[bytes]:
    """Batches (JSON bodies) of a realistic mix: register, observe, assess, move."""

    now = [start_ms]
    clock = HybridClock(device_id, lambda: now[0])
    ops: list[dict[str, object]] = []
    seq = 0
    asset = 0
    plan: tuple[tuple[str, Callable[[int], dict[str, object]]], ...] = (
        ("register", lambda n: {"serial": f"{device_id}-{n}", "category": "laptop"}),
        ("observe", lambda n: {"location": f"SITE{n % 7}/B1/ROOM-{n % 13}"}),
        ("assess", lambda n: {"grade": "F2/C3"}),
        ("observe", lambda n: {"location": f"SITE{n % 7}/B2/DOCK-{n % 5}"}),
    )
    while len(ops) < count:
        asset += 1
        for kind, args in plan:
            if len(ops) >= count:
                break
            seq += 1
            now[0] += 1000
            ops.append(
                build_operation(
                    op_id=str(uuid.uuid4()),
                    device_id=device_id,
                    device_seq=seq,
                    hlc=clock.tick(),
                    actor="tech",
                    kind=kind,
                    target=f"asset:{device_id}-{asset:07d}",
                    args=args(asset),
                ).to_dict()
            )
    return [
        json.dumps({"device_id": device_id, "ops": ops[i : i + BATCH]}).encode()
        for i in range(0, len(ops), BATCH)
    ]


def _prepare(db_url: str, key_file: Path, devices: list[str]) -> dict[str, tuple[str, str]]:

    store = Store.open(Settings(db_url=db_url, key_file=key_file))
    create_admin(store, "admin", "1111")
    tokens = {}
    with writing(store.engine) as conn:
        now = store.now_ms()
        auth.create_user(conn, "tech", "Tech", "technician", "3333", now)
        for device in devices:
            code, _ = auth.make_enrolment_code(conn, "admin", now)
            token, _ = auth.enrol_device(conn, code, device, device, now, 1)
            person, _, _ = auth.sign_in(conn, device, "tech", "3333", now, 12)
            tokens[device] = (token, person)
    store.close()
    return tokens


@contextmanager
def _server(db_url: str, key_file: Path, workers: int = 1) -> Iterator[tuple[str, int]]:

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cmd = [
        sys.executable,
        "-c",
        "from app.cli import main; main()",
        "server",
        "--db",
        db_url,
        "--key-file",
        str(key_file),
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        # Two workers importing on a loaded machine may take a minute or more to answer.
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                if httpx.get(f"{url}/v1/health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()  # its stderr is read to the end only once it has exited
                proc.wait()
                told = (proc.stderr.read() if proc.stderr else b"").decode()[-2000:]
                raise click.ClickException(f"the server did not start: {told}")
            time.sleep(0.1)
        yield url, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()


def _push_all(url: str, device: str, tokens: tuple[str, str], bodies: list[bytes]) -> None:
    headers = {
        "Authorization": f"Bearer {tokens[0]}",
        "X-TagTrail-Person": tokens[1],
        "Content-Type": "application/json",
    }
    with httpx.Client(base_url=url, timeout=300) as client:
        for body in bodies:
            r = client.post("/v1/sync/push", content=body, headers=headers)
            if r.status_code != 200:
                raise click.ClickException(f"{device}: push failed {r.status_code}: {r.text[:300]}")


def _run_devices(
    url: str, tokens: dict[str, tuple[str, str]], bodies: dict[str, list[bytes]]
) -> float:
    errors: list[BaseException] = []

    def run(device: str) -> None:
        try:
            _push_all(url, device, tokens[device], bodies[device])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(d,)) for d in bodies]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return elapsed


def _log_rows(bodies: list[bytes]) -> list[dict[str, object]]:
    """The log rows ingest writes for these operations (their columns and sizes; the site and
    hash are stand-ins of the same length)."""
    rows: list[dict[str, object]] = []
    for body in bodies:
        for op in json.loads(body)["ops"]:
            rows.append(
                {
                    "position": len(rows) + 1,
                    "partition": "main",
                    "site": "SITE1",
                    "op_id": op["op_id"],
                    "device_id": op["device_id"],
                    "device_seq": op["device_seq"],
                    "hlc": op["hlc"],
                    "actor": op["actor"],
                    "kind": op["kind"],
                    "target": op["target"],
                    "fold_a": op["target"],
                    "fold_b": None,
                    "body": canonical_json(op),
                    "received_ms": 1_780_000_000_000,
                    "hash": "0" * 64,
                }
            )
    return rows


def _raw_insert_rate(
    db_url: str, rows: list[dict[str, object]], *, bulk: bool = True, repeat: int = 3
) -> float:
    """Rows per second of the same log rows into a bare copy of the log table (its columns,
    keys and indexes), 500 per transaction: the ceiling the database sets (the best of
    `repeat` runs). `bulk` writes them the way ingest writes its log rows (sync.server.bulk:
    plain tuples on SQLite, COPY on PostgreSQL); otherwise through SQLAlchemy Core's
    executemany."""
    batches = [[(t.oplog, rows[i : i + BATCH])] for i in range(0, len(rows), BATCH)]
    return len(rows) / min(write_seconds(db_url, batches, bulk=bulk) for _ in range(repeat))


def _vm(pid: int) -> dict[str, int]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            out[name] = int(value.split()[0]) // 1024
    return out


@contextmanager
def scratch_pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database on the local cluster for one bench run, dropped after."""
    name = f"tt_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_available() -> bool:

    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=2):
            return True
    except psycopg.OperationalError:
        return False


@contextmanager
def _db(engine: str, workdir: Path) -> Iterator[str]:
    if engine == "sqlite":
        yield f"sqlite:///{workdir / f'bench-{uuid.uuid4().hex[:6]}.db'}"
    else:
        with scratch_pg_database() as url:
            yield url


@dataclass
class Figure:
    label: str
    ops: int
    rate: float  # operations per second through HTTP
    raw: float  # rows per second of the same log rows inserted bare, in the same run
    core: float  # the same, through SQLAlchemy Core's executemany instead of ingest's path
    ceiling: Ceiling | None = None  # one device's, under the contract (app.commands.ingest_ceiling)

    @property
    def ratio(self) -> float:
        return self.rate / self.raw


def _throughput(engine: str, ops: int, devices: int, workdir: Path, workers: int) -> list[Figure]:
    figures = []
    for label, count in (("1 device", 1), (f"{devices} devices", devices)):
        with _db(engine, workdir) as url:
            names = [f"bench-{i:02d}" for i in range(count)]
            tokens = _prepare(url, workdir / "signing.key", names)
            start = 1_780_000_000_000
            bodies = {name: _ops(name, ops, start + i) for i, name in enumerate(names)}
            with _server(url, workdir / "signing.key", workers) as (base, _pid):
                elapsed = _run_devices(base, tokens, bodies)
            # The raw rate right after, on the same database, of (at most 20,000 of) its rows.
            rows = _log_rows([b for name in names for b in bodies[name]])[:20_000]
            raw = _raw_insert_rate(url, rows)
            core = _raw_insert_rate(url, rows, bulk=False)
            ceiling = _ceiling(engine, workdir, url, bodies[names[0]], rows) if count == 1 else None
            figures.append(
                Figure(
                    f"{engine:<8} {label:<11}",
                    count * ops,
                    count * ops / elapsed,
                    raw,
                    core,
                    ceiling,
                )
            )
    return figures


def _ceiling(
    engine: str, workdir: Path, url: str, bodies: list[bytes], rows: list[dict[str, object]]
) -> Ceiling:
    """One device's ceiling over the store at `url`, with a fresh store to push in process."""
    with _db(engine, workdir) as fresh:
        key = workdir / "signing.key"
        _prepare(fresh, key, [str(json.loads(bodies[0])["device_id"])])
        settings = Settings(db_url=fresh, key_file=key)
        return one_device_ceiling(url, settings, bodies, rows, batch=BATCH)


def _memory(engine: str, total: int, pull_assets: int, workdir: Path) -> None:
    devices = 20
    per_device = total // devices
    with _db(engine, workdir) as url:
        names = [f"mem-{i:02d}" for i in range(devices)] + ["mem-new"]
        tokens = _prepare(url, workdir / "signing.key", names)
        with _server(url, workdir / "signing.key") as (base, pid):
            peak = {"VmRSS": 0}
            stop = threading.Event()

            def sample() -> None:
                while not stop.is_set():
                    peak["VmRSS"] = max(peak["VmRSS"], _vm(pid).get("VmRSS", 0))
                    time.sleep(0.5)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            started = time.perf_counter()
            chunk = 50_000  # build and push in slices so the benchmark itself stays small
            for offset in range(0, per_device, chunk):
                n = min(chunk, per_device - offset)
                bodies = {}
                for i, name in enumerate(names[:devices]):
                    bodies[name] = _ops_slice(name, offset, n, 1_780_000_000_000 + i)
                _run_devices(base, tokens, bodies)
                click.echo(
                    f"  ingested {(offset + n) * devices:>9} ops, server RSS {_vm(pid)['VmRSS']} MB"
                )
            ingest_s = time.perf_counter() - started
            after_ingest = _vm(pid)
            click.echo(
                f"ingest of {per_device * devices} ops: {per_device * devices / ingest_s:,.0f} ops/s, "
                f"peak RSS {peak['VmRSS']} MB, VmHWM {after_ingest['VmHWM']} MB"
            )
            headers = {
                "Authorization": f"Bearer {tokens['mem-new'][0]}",
                "X-TagTrail-Person": tokens["mem-new"][1],
            }
            pulled_assets = 0
            cursor = "0"
            started = time.perf_counter()
            with httpx.Client(base_url=base, timeout=300) as client:
                while pulled_assets < pull_assets:
                    r = client.get(
                        "/v1/sync/pull", params={"cursor": cursor, "limit": 2000}, headers=headers
                    )
                    page = r.json()
                    pulled_assets += sum(1 for c in page["changes"] if c["entity"] == "asset")
                    cursor = page["next_cursor"]
                    if not page["has_more"]:
                        break
            pull_s = time.perf_counter() - started
            stop.set()
            sampler.join()
            final = _vm(pid)
            click.echo(
                f"new device pulled {pulled_assets} assets in {pull_s:.1f} s; "
                f"server RSS now {final['VmRSS']} MB, sampled peak {peak['VmRSS']} MB, "
                f"VmHWM {final['VmHWM']} MB (limit 300 MB)"
            )


def _ops_slice(device: str, offset: int, count: int, start_ms: int) -> list[bytes]:
    """Operations offset+1 .. offset+count of a device (same plan as _ops, continuing)."""
    all_bodies = _ops_cached(device, offset + count, start_ms)
    ops: list[Any] = []
    for body in all_bodies:
        ops.extend(json.loads(body)["ops"])
    wanted = ops[offset : offset + count]
    return [
        json.dumps({"device_id": device, "ops": wanted[i : i + BATCH]}).encode()
        for i in range(0, len(wanted), BATCH)
    ]


def _ops_cached(device: str, count: int, start_ms: int) -> list[bytes]:
    return _ops(device, count, start_ms)


@click.command("ingest")
@click.option("--ops", default=10_000, show_default=True, help="operations per device")
@click.option("--devices", default=20, show_default=True)
@click.option(
    "--engine",
    "engines",
    multiple=True,
    type=click.Choice(["sqlite", "postgres"]),
    help="default: both (PostgreSQL when it answers on 127.0.0.1:5432)",
)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1, 64),
    help="server processes (tagtrail server --workers)",
)
@click.option("--memory", is_flag=True, help="1,000,000-op ingest + 100,000-asset pull, RSS")
@click.option("--memory-ops", default=1_000_000, show_default=True, hidden=True)
@click.option("--memory-assets", default=100_000, show_default=True, hidden=True)
def bench_ingest(
    *,
    ops: int,
    devices: int,
    engines: tuple[str, ...],
    workers: int,
    memory: bool,
    memory_ops: int,
    memory_assets: int,
) -> None:
    """Ops/s over HTTP for 1 and 20 devices, beside the raw insert rate, per database."""
    chosen = list(engines) or ["sqlite", "postgres"]
    if "postgres" in chosen and not _pg_available():
        if engines:
            raise click.ClickException("PostgreSQL does not answer on 127.0.0.1:5432")
        click.echo("PostgreSQL is not running on 127.0.0.1:5432: measuring SQLite only.")
        chosen.remove("postgres")
    with tempfile.TemporaryDirectory(prefix="tagtrail-bench-") as tmp:
        workdir = Path(tmp)
        os.environ.setdefault("TAGTRAIL_HOME", str(workdir))
        if memory:
            for engine in chosen:
                click.echo(
                    f"[{engine}] memory: {memory_ops} ops, then a pull of {memory_assets} assets"
                )
                _memory(engine, memory_ops, memory_assets, workdir)
            return
        click.echo(
            f"ingest over HTTP, batches of {BATCH} ({os.cpu_count()} CPUs, "
            f"server --workers {workers})"
        )
        for engine in chosen:
            for fig in _throughput(engine, ops, devices, workdir, workers):
                verdict = "PASS" if fig.ratio >= RATIO_BAR else "FAIL"
                click.echo(
                    f"  {fig.label} {fig.ops:>7} ops: {fig.rate:>8,.0f} ops/s; raw insert of the"
                    f" same rows {fig.raw:>8,.0f} rows/s; ratio {fig.ratio:.2f}"
                    f" (bar >= {RATIO_BAR}: {verdict}); through SQLAlchemy Core"
                    f" {fig.core:,.0f} rows/s, ratio {fig.rate / fig.core:.2f}"
                )
                if fig.ceiling is not None:
                    click.echo(_ceiling_line(fig.ceiling, fig.raw))


def _ceiling_line(ceiling: Ceiling, raw: float) -> str:
    ratio = ceiling.rate / raw
    within = "within reach" if ratio >= RATIO_BAR else "out of reach"
    in_transaction = ceiling.transaction_s * raw
    return (
        f"    ceiling for one device under the contract: parsing alone {ceiling.parse:,.0f} ops/s,"
        f" writing only the log and asset rows a push left {ceiling.write:,.0f} ops/s, so at"
        f" most {ceiling.rate:,.0f} ops/s = ratio {ratio:.2f}: the bar is {within}.\n"
        f"    in process, one push at a time: {ceiling.push:,.0f} ops/s; a push's write"
        f" transaction takes {ceiling.transaction_s * 1e6:.1f} us per operation ="
        f" {in_transaction:.1f}x the raw insert (a device sending batches without waiting"
        f" would need <= {1 / RATIO_BAR:.0f}x)"
    )
