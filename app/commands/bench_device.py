"""`tagtrail bench device`: the device side's figures, measured on this machine.

1. Scan -> durable outbox row through the service API (`synchronous=FULL`): p50 / p99, against
   a bare commit of one row interleaved with the scans (bar: p99 <= 4x the bare commit's p99).
2. Enrolment: a new device pulls a store of N assets over loopback, with its resident memory.
3. Backlog: M operations queued offline are pushed in batches and their changes pulled back
   (bar: 10,000 in <= 2 s).

The central store runs in a separate process (uvicorn on 127.0.0.1), seeded through its real
ingest path, so the memory figure is the device process's alone. This module never imports the
server in the device process: the store process runs `python -m app.commands.bench_device serve`.
"""

# The store process's imports stay inside _serve so the device process never loads the server.
# ruff: noqa: PLC0415

from __future__ import annotations

import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import click
import httpx

from sync.device.database import DeviceDatabase
from sync.device.engine import SyncEngine
from sync.device.progress import SyncProgress
from sync.device.service import DeviceService
from sync.protocol import DEFAULT_BATCH_SIZE

BENCH_PIN = "2468"
SEED_BATCH = 1000
SCAN_BAR = 4.0  # scan -> durable outbox row p99, as a multiple of a bare commit's p99
BACKLOG_BAR_S = 2.0  # a 10,000-operation backlog pushed and pulled back
BACKLOG_OPS = 10_000


def _rss_mb() -> float:
    """Current resident memory of this process (Linux /proc; else the peak)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return _peak_rss_mb()


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bench_scans(folder: Path, scans: int) -> dict[str, float]:
    """Scans through the service, each followed by a bare durable commit of one small row on
    the same database, so both see the same machine load (the bar is a ratio of the two)."""
    db = DeviceDatabase(folder / "scans.db")
    service = DeviceService(db)
    service.remember_person("bench", "Bench", "technician")
    for n in range(50):  # warm up caches and the WAL
        service.observe(f"TA-W{n}", "DAL1/B1/CLOSET-1")
    timings: list[float] = []
    commits: list[float] = []
    with db.engine.connect() as probe:
        with probe.begin():  # a scratch table of the bench
            probe.exec_driver_sql("CREATE TABLE bench_probe (n INTEGER)")
        for n in range(scans):
            start = time.perf_counter()
            service.observe(f"TA-{n % 500:07d}", f"DAL1/B{n % 4}/CLOSET-{n % 7}")
            timings.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            with probe.begin():
                probe.exec_driver_sql(f"INSERT INTO bench_probe VALUES ({n})")
            commits.append((time.perf_counter() - start) * 1000)
    db.close()
    return {
        "p50_ms": _percentile(timings, 50),
        "p99_ms": _percentile(timings, 99),
        "max_ms": max(timings),
        "mean_ms": statistics.fmean(timings),
        "bare_commit_p50_ms": _percentile(commits, 50),
        "bare_commit_p99_ms": _percentile(commits, 99),
    }


class StoreProcess:
    """The central store, seeded with `assets` assets, under uvicorn in its own process group."""

    def __init__(self, folder: Path, assets: int) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.code_file = folder / "enrolment.code"
        args = [
            sys.executable,
            "-m",
            "app.commands.bench_device",
            "serve",
            f"sqlite:///{folder / 'store.db'}",
            str(folder / "keys" / "signing.key"),
            str(self.port),
            str(assets),
            str(self.code_file),
        ]
        self.process = subprocess.Popen(args, start_new_session=True)

    def wait_ready(self, timeout_s: float) -> str:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise click.ClickException("the store process ended while seeding")
            if self.code_file.exists():
                try:
                    if httpx.get(f"{self.url}/v1/health", timeout=2).status_code == 200:
                        return self.code_file.read_text().strip()
                except httpx.TransportError:
                    pass
            time.sleep(0.2)
        raise click.ClickException(f"the store was not ready within {timeout_s:.0f} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)


def bench_sync(folder: Path, url: str, code: str, backlog: int, batch: int) -> dict[str, float]:
    db = DeviceDatabase(folder / "device.db")
    engine = SyncEngine(db, url, batch_size=batch, pull_limit=5000, timeout_s=120)
    engine.enrol(code, "bench device")
    engine.sign_in("tech", BENCH_PIN)
    start = time.perf_counter()
    progress = engine.sync_now()
    enrol_s = time.perf_counter() - start
    rss_after_enrol = _rss_mb()
    peak_after_enrol = _peak_rss_mb()
    pulled = progress.snapshot_pulled

    service = DeviceService(db)
    service.switch_person("tech")
    for n in range(backlog):
        service.observe(f"TA-{n % 100_000 + 1:07d}", f"DAL1/B{n % 5}/CLOSET-{n % 9}")
    pushed_at: list[float] = []

    def note_push_done(progress: SyncProgress) -> None:
        if progress.pending == 0 and progress.state == "syncing" and not pushed_at:
            pushed_at.append(time.perf_counter())

    engine.on_progress = note_push_done
    start = time.perf_counter()
    progress = engine.sync_now()
    backlog_s = time.perf_counter() - start
    push_s = (pushed_at[0] if pushed_at else time.perf_counter()) - start
    if progress.pending:
        raise click.ClickException(f"{progress.pending} operations were left in the outbox")
    db.close()
    return {
        "enrol_s": enrol_s,
        "enrol_changes": pulled,
        "rss_after_enrol_mb": rss_after_enrol,
        "peak_rss_after_enrol_mb": peak_after_enrol,
        "backlog_s": backlog_s,
        "backlog_push_s": push_s,
        "backlog_pulled": progress.pulled - pulled,
        "peak_rss_mb": _peak_rss_mb(),
    }


@click.command("device")
@click.option("--assets", default=100_000, show_default=True, help="assets in the store to enrol")
@click.option("--backlog", default=BACKLOG_OPS, show_default=True, help="operations queued offline")
@click.option("--scans", default=2_000, show_default=True, help="scans timed through the service")
@click.option(
    "--batch", default=DEFAULT_BATCH_SIZE, show_default=True, help="operations per push request"
)
@click.option(
    "--work-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="keep the databases here (default: a temporary folder, removed after)",
)
def bench_device(assets: int, backlog: int, scans: int, batch: int, work_dir: Path | None) -> None:
    """Scan latency, enrolment of a large store and a backlog push, over loopback."""
    with tempfile.TemporaryDirectory(prefix="tagtrail-bench-") as tmp:
        folder = work_dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        click.echo(f"scan -> durable outbox row, {scans} scans (synchronous=FULL) ...")
        scan = bench_scans(folder, scans)
        ratio = scan["p99_ms"] / scan["bare_commit_p99_ms"]
        click.echo(
            f"  p50 {scan['p50_ms']:.2f} ms  p99 {scan['p99_ms']:.2f} ms  "
            f"max {scan['max_ms']:.2f} ms; bare commit p50 {scan['bare_commit_p50_ms']:.2f} ms"
            f"  p99 {scan['bare_commit_p99_ms']:.2f} ms"
        )
        click.echo(
            f"  scan p99 = {ratio:.1f}x a bare commit's p99 (bar <= {SCAN_BAR:.0f}x): "
            + ("PASS" if ratio <= SCAN_BAR else "FAIL")
        )
        click.echo(f"seeding a store with {assets} assets (not timed) ...")
        store = StoreProcess(folder, assets)
        try:
            code = store.wait_ready(timeout_s=600)
            click.echo("enrolling a new device, then pushing an offline backlog ...")
            figures = bench_sync(folder, store.url, code, backlog, batch)
        finally:
            store.stop()
        click.echo(
            f"  enrolment: {figures['enrol_changes']:.0f} changes in {figures['enrol_s']:.1f} s,"
            f" device RSS {figures['rss_after_enrol_mb']:.0f} MB"
            f" (peak {figures['peak_rss_after_enrol_mb']:.0f} MB; goal <= 60 s, < 200 MB)"
        )
        verdict = "PASS" if figures["backlog_s"] <= BACKLOG_BAR_S else "FAIL"
        if backlog != BACKLOG_OPS:
            verdict = f"not judged at {backlog}"
        click.echo(
            f"  backlog: {backlog} operations pushed and {figures['backlog_pulled']:.0f} changes"
            f" pulled back in {figures['backlog_s']:.2f} s (push {figures['backlog_push_s']:.2f} s;"
            f" bar <= {BACKLOG_BAR_S:.0f} s for 10,000: {verdict});"
            f" peak device RSS {figures['peak_rss_mb']:.0f} MB"
        )


def _serve(db_url: str, key_file: str, port: int, assets: int, code_file: str) -> None:
    """The store process: seed through the real ingest path, then serve on loopback."""
    import uuid

    from assets.hlc import HybridClock
    from assets.operations import build_operation
    from sync.protocol import WireOperation
    from sync.server import auth, ingest
    from sync.server.bootstrap import create_admin, enrolment_code
    from sync.server.db import writing
    from sync.server.serve import serve_forever
    from sync.server.settings import Settings
    from sync.server.store import Store

    store = Store.open(Settings(db_url=db_url, key_file=Path(key_file)))
    create_admin(store, "admin", BENCH_PIN)
    now = store.now_ms()
    with writing(store.engine) as conn:
        auth.create_user(conn, "tech", "Bench Technician", "technician", BENCH_PIN, now)
        seed_code, _ = auth.make_enrolment_code(conn, "admin", now, 1, "bench seeder")
        auth.enrol_device(conn, seed_code, "bench-seeder", "Bench seeder", now, 1)
        auth.sign_in(conn, "bench-seeder", "tech", BENCH_PIN, now, 1)
    clock = HybridClock("bench-seeder", lambda: now)
    batch: list[WireOperation] = []
    seq = 0
    for number in range(1, assets + 1):
        key = f"asset:TA-{number:07d}"
        for kind, args in (
            ("register", {"serial": f"SN{number:07d}", "category": "laptop"}),
            ("observe", {"location": f"DAL1/B{number % 7}/CLOSET-{number % 13}"}),
        ):
            seq += 1
            op = build_operation(
                op_id=str(uuid.uuid4()),
                device_id="bench-seeder",
                device_seq=seq,
                hlc=clock.tick(),
                actor="tech",
                kind=kind,
                target=key,
                args=args,
            )
            batch.append(WireOperation.model_validate(op.to_dict()))
        if len(batch) >= SEED_BATCH or number == assets:
            ingest.push(store, "bench-seeder", batch)
            batch = []
    Path(code_file).write_text(enrolment_code(store, "admin"))
    serve_forever(store, "127.0.0.1", port)


if __name__ == "__main__" and len(sys.argv) == 7 and sys.argv[1] == "serve":
    _serve(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
