"""`tagtrail bench import`: a Snipe-IT asset export of N rows (default 100,000) into a fresh
store, then the same file again (which must add nothing), then an assets export.

The file is made before the clock starts: Snipe-IT's columns plus four custom columns, 200
locations, a mix of statuses (most ready to deploy or deployed, some archived, in repair,
broken or lost), Windows line ends. The bar is the issue's: 100,000 rows in under a minute.
"""

from __future__ import annotations

import csv
import io
import os
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click
from sqlalchemy import func, select

from sync.server import tables as t
from sync.server.exports import export_csv
from sync.server.imports import import_csv
from sync.server.serve import settle_heap
from sync.server.settings import Settings
from sync.server.store import Store

T = TypeVar("T")

HEADER = [
    "ID",
    "Company",
    "Name",
    "Asset Tag",
    "Serial",
    "Model",
    "Model Number",
    "Manufacturer",
    "Category",
    "Location",
    "Status",
    "Purchase Date",
    "Purchase Cost",
    "Checked Out To",
    "Notes",
    "EOL date",
    "Cost Centre",
    "Warranty",
]
MODELS = (
    ("Lenovo", "ThinkPad T14", "20W0", "Laptops"),
    ("Dell", "Latitude 5440", "P137G", "Laptops"),
    ("Dell", "OptiPlex 7010", "D17M", "Desktops"),
    ("HP", "EliteDesk 800 G9", "6B1Z3", "Desktops"),
    ("Dell", "U2723QE", "U2723QE", "Monitors"),
    ("Apple", "iPhone 13", "A2482", "Mobile Phones"),
    ("Cisco", "Catalyst 9200", "C9200-24T", "Networking"),
)
STATUSES = (
    ("Ready to Deploy", 40),
    ("Deployed", 40),
    ("Archived", 8),
    ("Out for Repair", 6),
    ("Broken - Not Fixable", 4),
    ("Lost/Stolen", 2),
)


def snipe_it_file(rows: int, seed: int = 12) -> bytes:
    rng = random.Random(seed)
    labels = [s for s, _ in STATUSES]
    weights = [w for _, w in STATUSES]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for n in range(1, rows + 1):
        make, model, number, category = rng.choice(MODELS)
        status = rng.choices(labels, weights)[0]
        writer.writerow(
            [
                n,
                "Acme",
                f"{model} #{n}",
                f"ACME-{n:07d}",
                f"SN{rng.getrandbits(40):010X}",
                model,
                number,
                make,
                category,
                f"Building {n % 20} Floor {n % 10}",
                status,
                f"20{rng.randint(18, 25)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                f"{rng.randint(200, 3000)}.00",
                f"user{n % 5000}" if status == "Deployed" else "",
                'bought in bulk, "refresh" batch' if n % 7 == 0 else "",
                f"20{rng.randint(26, 30)}-12-31",
                f"CC-{n % 40:03d}",
                f"{rng.choice((12, 24, 36))} months",
            ]
        )
    return out.getvalue().encode("cp1252")


def _assets_held(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(t.assets)).scalar() or 0)


def _timed(work: Callable[[], T]) -> tuple[T, float, float]:
    """(result, wall seconds, CPU seconds of this process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - wall, time.process_time() - cpu


@click.command()
@click.option("--rows", default=100_000, show_default=True, type=click.IntRange(1, 2_000_000))
@click.option("--db", default=None, help="database URL (default: a fresh SQLite file)")
def bench_import(rows: int, db: str | None) -> None:
    """Import a Snipe-IT export of ROWS rows; import it again; export the assets."""
    data = snipe_it_file(rows)
    click.echo(f"File: {rows:,} rows, {len(data) / 1e6:.1f} MB (Windows-1252, CRLF)")
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        url = db or f"sqlite:///{Path(tmp) / 'store.db'}"
        store = Store.open(Settings(db_url=url, key_file=Path(tmp) / "keys" / "signing.key"))
        settle_heap()  # as `tagtrail server import` does
        held = _assets_held(store)
        if held:
            click.echo(f"Note: the store already holds {held:,} assets, so this is no first import")
        try:
            report, first, first_cpu = _timed(
                lambda: import_csv(store, data, "bench", "admin", site="HQ")
            )
            again, second, second_cpu = _timed(
                lambda: import_csv(store, data, "bench", "admin", site="HQ")
            )
            size, exported, _ = _timed(
                lambda: sum(len(chunk) for chunk in export_csv(store.engine, "assets"))
            )
        finally:
            store.close()
    engine = url.split(":", 1)[0].split("+", 1)[0]
    verdict = "under" if first < 60 else "OVER"
    click.echo(
        f"{engine}: first import {first:.1f} s wall, {first_cpu:.1f} s CPU "
        f"({rows / first:,.0f} rows/s, {report.operations:,} operations) — {verdict} the 60 s bar"
    )
    click.echo(
        f"{engine}: same file again {second:.1f} s wall, {second_cpu:.1f} s CPU — {again.message}"
    )
    click.echo(f"{engine}: assets export {exported:.1f} s ({size / 1e6:.1f} MB of CSV)")
    # A shared machine's load moves during a run: both ends, so a figure can be weighed.
    click.echo(
        f"load average: {load:.2f} at the start, {os.getloadavg()[0]:.2f} at the end, "
        f"on {os.cpu_count()} cores"
    )
