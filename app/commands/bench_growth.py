"""`tagtrail bench growth`: what each API read costs as the log grows.

A fresh store (SQLite file, or a fresh PostgreSQL database) is served over HTTP on loopback
(the real server, in this process) and grown through `POST /v1/sync/push` in batches of 500 with
the repeatable workload of app.commands.growth_ops, to 10,000 and 100,000 operations
(1,000,000 with `--full`). At each size the database is ANALYZEd (VACUUM ANALYZE on
PostgreSQL) and every read below is timed: one warm-up call each, then `--repeat` rounds in
which the reads take turns; the median and the best call of each. Each read asks for the same
things at every size (the same tag prefix, the same asset), so a flat read costs the same at
10x the log.
The bar: no read grows more than 2x for 10x the log.
"""

from __future__ import annotations

import itertools
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
import httpx

from app.commands.bench_ingest import scratch_pg_database
from app.commands.growth_ops import asset_tag, operations, pallet_tag
from sync.server.bootstrap import create_admin, enrolment_code
from sync.server.serve import BackgroundServer
from sync.server.settings import Settings
from sync.server.store import Store

BATCH = 500
BAR = 2.0
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
DEVICE = "bench-growth"


@dataclass(frozen=True)
class Read:
    label: str
    path: str
    params: dict[str, Any] = field(default_factory=dict)
    repeat: int | None = None  # fewer calls for a slow read


READS = (
    Read("disposition report, whole store", "/v1/reports/disposition"),
    Read(
        "certificate PDF (asset that rode a pallet)", f"/v1/assets/{asset_tag(20)}/certificate.pdf"
    ),
    Read("asset search by tag prefix q=", "/v1/assets", {"q": "gr-00001"}),
    Read("search by serial prefix", "/v1/assets", {"q": "SN000012"}),
    Read("site filter with no match", "/v1/assets", {"site": "ZZZ9"}),
    Read("status filter with no match", "/v1/assets", {"status": "lost"}),
    Read("GET /v1/locations", "/v1/locations"),
    Read("GET /v1/health", "/v1/health"),
    Read("GET /v1/assets/{tag} (detail)", f"/v1/assets/{asset_tag(20)}"),
    Read("GET /v1/conflicts?status=open", "/v1/conflicts", {"status": "open"}),
    Read("GET /v1/verify (issue 10 item 3)", "/v1/verify", repeat=3),
    # issue 12's reports and certificates
    Read("assets by status and site", "/v1/reports/assets-by-status"),
    Read("assets by location, one site", "/v1/reports/assets-by-location", {"site": "AUS2"}),
    Read("storage age, first page", "/v1/reports/storage-age"),
    Read("value recovered per week", "/v1/reports/recovery", {"period": "week"}),
    Read("diversion per month, one site", "/v1/reports/diversion", {"site": "DAL1"}),
    Read("devices report", "/v1/reports/devices"),
    Read("pallet certificate PDF", f"/v1/pallets/{pallet_tag(20)}/certificate.pdf"),
    Read("recycling certificate PDF", "/v1/reports/recycling-certificate.pdf"),
)


class Client:
    """The HTTP side: one device pushing, a supervisor reading."""

    def __init__(self, store: Store, url: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=600)
        _, code = create_admin(store, "admin", "1111")
        admin = self._enrol("bench-admin", code, "admin", "1111")
        for name, role, pin in (("tech", "technician", "3333"), ("sup", "supervisor", "2222")):
            body = {"username": name, "display_name": name, "role": role, "pin": pin}
            self._check(self.http.post("/v1/users", json=body, headers=admin))
        self.pusher = self._enrol(DEVICE, enrolment_code(store, "admin"), "sup", "2222")
        self.reader = self._enrol("bench-reader", enrolment_code(store, "admin"), "sup", "2222")

    @staticmethod
    def _check(r: httpx.Response) -> Any:
        if r.status_code >= 300:
            raise click.ClickException(f"{r.request.url.path}: {r.status_code} {r.text[:300]}")
        return r.json() if r.headers.get("content-type", "").startswith("application/json") else r

    def _enrol(self, device: str, code: str, person: str, pin: str) -> dict[str, str]:
        body = {"code": code, "device_id": device, "name": device}
        token = self._check(self.http.post("/v1/devices/enrol", json=body))["token"]
        headers = {"Authorization": f"Bearer {token}"}
        signin = {"username": person, "pin": pin}
        r = self._check(self.http.post("/v1/auth/signin", json=signin, headers=headers))
        return headers | {"X-TagTrail-Person": r["person_token"]}

    def grow(self, done: int, target: int) -> None:
        ops = list(operations(DEVICE, "sup", target))[done:]
        with click.progressbar(length=len(ops), label=f"  pushing to {target:,} ops") as bar:
            for start in range(0, len(ops), BATCH):
                batch = [op.to_dict() for op in ops[start : start + BATCH]]
                body = {"device_id": DEVICE, "ops": batch}
                self._check(self.http.post("/v1/sync/push", json=body, headers=self.pusher))
                bar.update(len(batch))

    def _call(self, read: Read) -> float:
        start = time.perf_counter()
        self._check(self.http.get(read.path, params=read.params, headers=self.reader))
        return (time.perf_counter() - start) * 1000

    def time_reads(self, repeat: int) -> dict[str, tuple[float, float]]:
        """Median and best milliseconds of each read, after one warm-up call of each. The reads
        take turns, round by round, so a burst of the machine's other load spreads over all."""
        samples: dict[str, list[float]] = {read.label: [] for read in READS}
        for read in READS:
            self._call(read)
        for round_ in range(repeat):
            for read in READS:
                if round_ < (read.repeat or repeat):
                    samples[read.label].append(self._call(read))
        return {label: (statistics.median(ms), min(ms)) for label, ms in samples.items()}


@contextmanager
def _database(engine: str, workdir: Path) -> Iterator[str]:
    if engine == "sqlite":
        yield f"sqlite:///{workdir / 'growth.db'}"
        return
    with scratch_pg_database() as url:
        yield url


def _analyze(store: Store) -> None:
    """Fresh planner statistics (and, on PostgreSQL, the vacuum autovacuum would soon run, so
    it does not run in the middle of the timings)."""
    with store.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
        else:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def _table(sizes: list[int], figures: dict[str, list[tuple[float, float]]]) -> list[str]:
    """Markdown: median (best) per size; the worst step's growth by median and by best. The
    bar is judged on the best call, the read's own cost with the least of the machine's other
    load in it; the medians show how much that load added."""
    head = "| read | " + " | ".join(f"{n:,} ops" for n in sizes)
    lines = [head + " | growth, median | growth, best | bar |", "|---" * (len(sizes) + 4) + "|"]
    for label, timings in figures.items():
        medians, bests = [m for m, _ in timings], [b for _, b in timings]
        by_median, by_best = _worst_step(medians), _worst_step(bests)
        cells = " | ".join(f"{m:,.1f} ms ({b:,.1f})" for m, b in timings)
        verdict = "ok" if by_best <= BAR else "OVER"
        lines.append(f"| {label} | {cells} | {by_median:.2f}x | {by_best:.2f}x | {verdict} |")
    return lines


def _worst_step(values: list[float]) -> float:
    return max((b / a for a, b in itertools.pairwise(values) if a > 0), default=1.0)


def run_growth(engine: str, sizes: list[int], repeat: int) -> list[str]:
    """Grow one store through the sizes; the table of read times as Markdown lines."""
    figures: dict[str, list[tuple[float, float]]] = {read.label: [] for read in READS}
    with (
        tempfile.TemporaryDirectory(prefix="tagtrail-growth-") as tmp,
        _database(engine, Path(tmp)) as url,
    ):
        store = Store.open(Settings(db_url=url, key_file=Path(tmp) / "keys" / "signing.key"))
        try:
            with BackgroundServer(store) as server:
                client = Client(store, server.url)
                done = 0
                for size in sizes:
                    client.grow(done, size)
                    done = size
                    _analyze(store)
                    for label, timing in client.time_reads(repeat).items():
                        figures[label].append(timing)
                    click.echo(f"  {size:,} ops: measured ({_load()})")
                client.http.close()
        finally:
            store.close()
    return _table(sizes, figures)


@click.command("growth")
@click.option(
    "--engine",
    "engines",
    multiple=True,
    type=click.Choice(["sqlite", "postgres"]),
    help="default: both",
)
@click.option("--full", is_flag=True, help="also grow to 1,000,000 operations")
@click.option("--repeat", default=15, show_default=True, type=click.IntRange(1, 1000))
@click.option("--sizes", hidden=True, help="comma-separated sizes (for a quick try)")
def bench_growth(engines: tuple[str, ...], full: bool, repeat: int, sizes: str | None) -> None:
    """Each API read at 10k and 100k log entries (1M with --full) and how much it grew."""
    steps = [int(s) for s in sizes.split(",")] if sizes else [10_000, 100_000]
    if full and not sizes:
        steps.append(1_000_000)
    over: list[str] = []
    for engine in engines or ("sqlite", "postgres"):
        click.echo(f"[{engine}] growing a store through POST /v1/sync/push ({_load()})")
        lines = run_growth(engine, steps, repeat)
        click.echo("\n".join(lines))
        over += [
            f"{engine}: {line.split(' | ')[0][2:]}" for line in lines if line.endswith("OVER |")
        ]
    verdict = "met" if not over else "MISSED by " + "; ".join(over)
    click.echo(f"bar: no read more than {BAR:g}x per 10x the log: {verdict}")
