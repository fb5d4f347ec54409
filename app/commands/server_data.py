"""`tagtrail server import` and `tagtrail server export`: CSV in and out of the central store."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sync.errors import StoreError
from sync.protocol import ImportReport
from sync.server.exports import EXPORTS, export_csv
from sync.server.imports import BadRows, import_csv
from sync.server.serve import settle_heap
from sync.server.store import Store


def _open(ctx: click.Context) -> Store:
    store = ctx.obj["open_store"]()  # the `server` group's opener: its --db and --key-file
    assert isinstance(store, Store)
    return store


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", "snipe-it", "tagtrail"]),
    default="auto",
    show_default=True,
    help="what the file is (auto: by its header)",
)
@click.option("--site", default=None, help="the site Snipe-IT locations are placed in")
@click.option("--dry-run", is_flag=True, help="check and show what would change; write nothing")
@click.option("--actor", default="import", show_default=True, help="who the log says imported")
@click.pass_context
def import_cmd(  # noqa: PLR0917 - click passes options by name
    ctx: click.Context, file: Path, fmt: str, site: str | None, dry_run: bool, actor: str
) -> None:
    """Import FILE (Snipe-IT's asset export or TagTrail's template): the whole file or nothing."""
    store = _open(ctx)
    settle_heap()  # a long job through the push path: collect as the server does
    console = Console(stderr=True)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    try:
        with Progress(*columns, console=console, transient=True) as bar:
            tasks: dict[str, object] = {}

            def progress(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(stage.capitalize(), total=total or None)
                bar.update(tasks[stage], completed=done, total=total or None)  # type: ignore[arg-type]

            report = import_csv(
                store,
                file.read_bytes(),
                actor,
                "admin",
                fmt=fmt,
                site=site,
                dry_run=dry_run,
                progress=progress,
            )
    except BadRows as exc:
        _print_problems(Console(), ImportReport.model_validate(exc.extra["report"]))
        sys.exit(1)
    except StoreError as exc:
        raise click.ClickException(exc.message) from exc
    finally:
        store.close()
    _print_report(Console(), report)


def _print_report(console: Console, report: ImportReport) -> None:
    console.print(
        f"{report.rows} rows of a {report.format} file "
        f"({report.encoding}, delimiter {report.delimiter!r})"
    )
    if report.mapping:
        table = Table("column", "in the file", "in TagTrail", "rows", title="How values map")
        for m in report.mapping:
            table.add_row(m.column, m.source, m.value, str(m.rows))
        console.print(table)
    if report.fields:
        console.print("Custom fields kept per asset: " + ", ".join(report.fields))
    console.print(report.message)


def _print_problems(console: Console, report: ImportReport) -> None:
    table = Table("row", "column", "why", title="Bad rows")
    for p in report.problems:
        table.add_row(str(p.row), p.column, p.message)
    console.print(table)
    console.print(f"[bold red]{report.message}[/]")


@click.command("export")
@click.argument("what", type=click.Choice(sorted(EXPORTS)))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="file to write (default: standard output)",
)
@click.option("--site", default=None, help="only this site")
@click.pass_context
def export_cmd(ctx: click.Context, what: str, output: Path | None, site: str | None) -> None:
    """Export assets (TagTrail's import template), custody or sanitization records as CSV."""
    store = _open(ctx)
    try:
        chunks = export_csv(store.engine, what, site)
        if output is None:
            next(chunks)  # the byte-order mark is for files, not for a pipe
            for chunk in chunks:
                click.echo(chunk, nl=False)
            return
        lines = 0
        with output.open("w", encoding="utf-8", newline="") as out:
            for chunk in chunks:
                out.write(chunk)
                lines += chunk.count("\r\n")
        click.echo(f"Wrote {output} ({max(lines - 1, 0)} rows).", err=True)
    except StoreError as exc:
        raise click.ClickException(exc.message) from exc
    finally:
        store.close()
