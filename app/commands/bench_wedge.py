"""`tagtrail bench wedge`: a keyboard-wedge scanner against the device app in Chromium.

1. Enter -> row on screen: p50 / p95 over N scans (the row's semantics label is read in the
   page, polled each animation frame).
2. Burst loss: N scans at 2 ms and at 10 ms per character, 150 ms apart, no field tapped;
   lost and doubled are counted in the device's outbox (each phase at its own location).

Bars: 0 lost, 0 doubled, p95 <= 150 ms on an idle machine.
"""

from __future__ import annotations

import json
import os
import sqlite3
import statistics
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import click

from app.commands import wedge_driver as drive
from assets.tags import make_tag

P95_BAR_MS = 150.0
LATENCY_PLACE, BURST_PLACE = "BNCH/B1/LATENCY", "BNCH/B1/BURST-{ms}MS"


@dataclass
class Burst:
    char_ms: float
    scans: int
    recorded: int
    lost: int
    doubled: int
    in_order: bool


@dataclass
class Report:
    scans: int
    p50_ms: float
    p95_ms: float
    bursts: list[Burst]
    load_1min: float  # at the end of the run
    cpus: int
    load_at_start: tuple[float, float, float] = (0.0, 0.0, 0.0)  # 1, 5, 15 min
    load_at_end: tuple[float, float, float] = (0.0, 0.0, 0.0)

    @property
    def ok(self) -> bool:
        clean = all(b.lost == 0 and b.doubled == 0 and b.in_order for b in self.bursts)
        return clean and self.p95_ms <= P95_BAR_MS


def _sightings(db: Path, place: str) -> list[str]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "select target, body from (select kind, target, body, device_seq from outbox union all select kind, target, body, device_seq from settled)"
            " where kind = 'observe' order by device_seq"
        ).fetchall()
    return [target.split(":", 1)[1] for target, body in rows if f'"{place}"' in body]


def _set_place(page: Any, place: str) -> None:
    drive.press_code(page, place.lower(), 2.0)
    drive.wait_label(page, "current-location", place)


def _burst(page: Any, db: Path, tags: list[str], char_ms: float, gap_s: float) -> Burst:
    place = BURST_PLACE.format(ms=int(char_ms))
    _set_place(page, place)
    for tag in tags:
        drive.press_code(page, tag, char_ms)
        time.sleep(gap_s)
    deadline = time.monotonic() + 30
    while len(set(_sightings(db, place))) < len(tags) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1.0)  # a doubled scan would have landed by now
    got = _sightings(db, place)
    return Burst(
        char_ms,
        len(tags),
        len(got),
        len(set(tags) - set(got)),
        len(got) - len(set(got)),
        [t for t in got if t in set(tags)] == [t for t in tags if t in set(got)],
    )


def measure(scans: int, gap_s: float, work: Path) -> Report:
    tags = [make_tag("asset", n) for n in range(1, 301)]
    load_at_start = os.getloadavg()
    with drive.running_app(work) as (url, db), drive.phone_page(url) as page:
        drive.sign_in(page, "tess", "3333")
        drive.wait_label(page, "sync-indicator", "Synced")  # the demo's 300 assets are here
        _set_place(page, LATENCY_PLACE)
        latencies = []
        for tag in tags[:scans]:
            latencies.append(drive.row_latency_ms(page, tag, 2.0))
            time.sleep(gap_s)
        time.sleep(2.1)  # past the repeat window: the same tags count again
        bursts = [_burst(page, db, tags[:scans], ms, gap_s) for ms in (2.0, 10.0)]
    ordered = sorted(latencies)
    return Report(
        scans,
        round(statistics.median(ordered), 1),
        round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 1),
        bursts,
        os.getloadavg()[0],
        os.cpu_count() or 1,
        load_at_start,
        os.getloadavg(),
    )


@click.command("wedge")
@click.option("--scans", type=click.IntRange(10, 300), default=100, show_default=True)
@click.option("--gap-ms", type=int, default=150, show_default=True, help="Between scans.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.option("--strict", is_flag=True, help="Exit with status 1 when a bar is not met.")
def bench_wedge(*, scans: int, gap_ms: int, as_json: bool, strict: bool) -> None:
    """Wedge scans in Chromium: Enter -> row p50/p95, burst loss at 2 and 10 ms/char."""
    if not Path(drive.CHROMIUM).exists():
        raise click.ClickException("needs Debian's chromium (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="tagtrail-wedge-") as work:
        report = measure(scans, gap_ms / 1000, Path(work))
    if as_json:
        click.echo(json.dumps({**asdict(report), "ok": report.ok}, indent=2))
    else:
        start, end = (
            " / ".join(f"{v:.2f}" for v in load)
            for load in (report.load_at_start, report.load_at_end)
        )
        click.echo(
            f"machine: {report.cpus} cores; load average (1 / 5 / 15 min) {start} at the start, "
            f"{end} at the end (idle: below 0.5)"
        )
        click.echo(
            f"Enter -> row on screen, {report.scans} scans: p50 {report.p50_ms} ms, "
            f"p95 {report.p95_ms} ms (bar {P95_BAR_MS:.0f} ms)"
        )
        for b in report.bursts:
            click.echo(
                f"burst {b.char_ms:g} ms/char, {gap_ms} ms apart: {b.scans} scanned, "
                f"{b.recorded} recorded, {b.lost} lost, {b.doubled} doubled, "
                f"{'in order' if b.in_order else 'OUT OF ORDER'}"
            )
    if strict and not report.ok:
        raise SystemExit(1)
