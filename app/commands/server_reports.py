"""`tagtrail server report [NAME]`: each supervisors' report from the command line, as a text
table, CSV (the API's own columns) or JSON, read straight from the store's database."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import click
from pydantic import BaseModel
from sqlalchemy import Connection

from sync.errors import StoreError
from sync.protocol import DispositionReport, ReportPeriod
from sync.server import csvfile, report_csv, report_devices, report_periods, report_stock
from sync.server.db import reading
from sync.server.reports import disposition_report, parse_window
from sync.server.store import Store

PAGE = 1000


@dataclass(frozen=True, slots=True)
class Options:
    site: str | None
    since: str | None
    until: str | None
    period: ReportPeriod
    status: str | None


Fetch = Callable[[Connection, str | None, int], Any]


def _paged(conn: Connection, fetch: Fetch) -> Any:
    """Every page of a paged report, as one report (no next cursor)."""
    first = fetch(conn, None, PAGE)
    page = first
    while page.next_cursor is not None:
        page = fetch(conn, page.next_cursor, PAGE)
        first.items += page.items
    first.next_cursor = None
    return first


def _build(conn: Connection, name: str, o: Options, now_ms: int) -> BaseModel:
    window = parse_window(o.since, o.until)
    builders: dict[str, Callable[[], BaseModel]] = {
        "disposition": lambda: disposition_report(conn, o.site, window),
        "assets-by-status": lambda: report_stock.assets_by_status(conn, o.site),
        "assets-by-location": lambda: _paged(
            conn, lambda c, after, n: report_stock.assets_by_location(c, o.site, after, n)
        ),
        "storage-age": lambda: _paged(
            conn,
            lambda c, after, n: report_stock.storage_age(
                c, now_ms, site=o.site, status=o.status, cursor=after, limit=n
            ),
        ),
        "recovery": lambda: report_periods.recovery_report(conn, o.period, o.site, window),
        "diversion": lambda: report_periods.diversion_report(conn, o.period, o.site, window),
        "devices": lambda: _paged(
            conn, lambda c, after, n: report_devices.devices_report(c, now_ms, after, n)
        ),
    }
    return builders[name]()


def _rows(name: str, report: BaseModel) -> Iterator[report_csv.Row]:
    header = report_csv.PAGED_COLUMNS.get(name)
    if header is not None:
        yield header
    yield from getattr(report_csv, name.replace("-", "_"))(report)


NAMES = (
    "disposition",
    "assets-by-status",
    "assets-by-location",
    "storage-age",
    "recovery",
    "diversion",
    "devices",
)


def text_table(rows: Sequence[Sequence[object]]) -> str:
    """Rows as aligned columns (numbers to the right), the first row being the header."""
    cells = [["" if c is None else str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    numeric = [all(_is_number(row[i]) for row in cells[1:] if row[i]) for i in range(len(widths))]
    lines = []
    for row in cells:
        parts = [
            c.rjust(w) if num else c.ljust(w)
            for c, w, num in zip(row, widths, numeric, strict=True)
        ]
        lines.append("  ".join(parts).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _is_number(text: str) -> bool:
    return text.replace(".", "", 1).lstrip("-").isdigit()


def _write(text_chunks: Iterator[str], output: Path | None) -> None:
    if output is None:
        for chunk in text_chunks:
            click.echo(chunk, nl=False)
        return
    with output.open("w", encoding="utf-8", newline="") as out:
        for chunk in text_chunks:
            out.write(chunk)
    click.echo(f"Wrote {output}.", err=True)


@click.command("report")
@click.argument("name", type=click.Choice(NAMES), default="disposition", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="a text table, CSV (the API's columns) or JSON",
)
@click.option("--json", "as_json", is_flag=True, help="the same as --format json")
@click.option("--site", default=None, help="only assets of this site")
@click.option("--since", default=None, help="from this date (2026-01-01) or ISO time, inclusive")
@click.option("--until", default=None, help="to this date (inclusive) or ISO time (exclusive)")
@click.option(
    "--period",
    type=click.Choice(["day", "week", "month"]),
    default="month",
    show_default=True,
    help="recovery and diversion: lines per day, week (from Monday) or month",
)
@click.option("--status", default=None, help="storage-age: storage or surplus (default both)")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="file to write (default: standard output)",
)
@click.pass_context
def report_cmd(  # noqa: PLR0917 - click passes options by name
    ctx: click.Context,
    name: str,
    fmt: str,
    as_json: bool,
    site: str | None,
    since: str | None,
    until: str | None,
    period: str,
    status: str | None,
    output: Path | None,
) -> None:
    """Supervisors' reports: disposition (default), assets-by-status, assets-by-location,
    storage-age, recovery, diversion, devices."""
    store = ctx.obj["open_store"]()
    assert isinstance(store, Store)
    try:
        with reading(store.engine) as conn:
            report = _build(
                conn,
                name,
                Options(site, since, until, cast(ReportPeriod, period), status),
                store.now_ms(),
            )
    except StoreError as exc:
        raise click.ClickException(exc.message) from exc
    finally:
        store.close()
    fmt = "json" if as_json else fmt
    if fmt == "json":
        _write(iter([report.model_dump_json(indent=2), "\n"]), output)
    elif fmt == "csv":
        chunks = csvfile.write(_rows(name, report))
        if output is None:
            next(chunks)  # the byte-order mark is for files, not for a pipe
        _write(chunks, output)
    elif isinstance(report, DispositionReport):
        _write(iter([format_report(report), "\n"]), output)
    else:
        rows = list(_rows(name, report))
        body = text_table(rows) if len(rows) > 1 else "(nothing to report)"
        _write(iter([body, "\n"]), output)


def format_report(r: DispositionReport) -> str:
    """The disposition report as aligned text tables."""
    window = f"{r.since or 'the beginning'} to {r.until or 'now'}"
    lines = [f"Disposition report: {r.site or 'all sites'}, {window}", ""]
    lines.append(f"{'Outcome':<12} {'Assets':>7} {'Weighed':>8} {'Weight kg':>12}  Value")
    for o in r.outcomes:
        value = ", ".join(f"{m.amount} {m.currency}" for m in o.value) or "-"
        lines.append(f"{o.outcome:<12} {o.assets:>7} {o.weighed:>8} {o.weight_kg:>12}  {value}")
    lines.append(f"{'total':<12} {r.assets_disposed:>7} {'':>8} {r.weight_retired_kg:>12}")
    if r.assets_without_weight:
        lines.append(f"({r.assets_without_weight} disposed of without a weight)")
    lines += ["", f"{'Recycled commodity':<20} {'Assets':>7} {'Weight kg':>12}"]
    for c in r.recycling:
        lines.append(f"{c.commodity or 'unspecified':<20} {c.assets:>7} {c.weight_kg:>12}")
    if not r.recycling:
        lines.append("(none)")
    s = r.sanitization
    lines += [
        "",
        f"Data-bearing assets: {s.data_bearing_assets}, storage devices: {s.storage_devices}",
        f"{'Method':<10} {'Verified':>9} {'Unverified':>11}",
    ]
    lines += [f"{m.method:<10} {m.verified:>9} {m.unverified:>11}" for m in s.by_method]
    lines.append(f"Storage devices without a record: {s.devices_without_record}")
    control = f"Disposed of for reuse without a verified record: {s.reuse_without_verified_record}"
    if s.reuse_without_verified_record_tags:
        control += "  (" + ", ".join(s.reuse_without_verified_record_tags) + ")"
    lines += [control, ""]
    if r.landfill_diversion is None:
        lines.append("Landfill diversion: none (no weight recorded)")
    else:
        pct = (r.landfill_diversion * 100).quantize(Decimal("0.1"))
        lines.append(
            f"Landfill diversion: {pct}% ({r.weight_diverted_kg} kg of {r.weight_retired_kg} kg)"
        )
    return "\n".join(lines)
