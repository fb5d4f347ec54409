"""`tagtrail server`: run the central store, migrate it, verify its log, bootstrap an admin,
print the supervisors' reports (app/commands/server_reports.py)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from sqlalchemy import func, select

from app.commands.server_data import export_cmd, import_cmd
from app.commands.server_reports import report_cmd
from sync.errors import StoreError
from sync.server import tables as t
from sync.server import throttle
from sync.server.bootstrap import create_admin
from sync.server.db import reading, writing
from sync.server.demo import DEMO_PEOPLE, DEMO_PINS, seed
from sync.server.migrate import current_revision
from sync.server.serve import serve_forever
from sync.server.settings import Settings
from sync.server.store import Store
from sync.server.verify import verify_and_checkpoint
from sync.server.verify_projections import check_projections


def _settings(db: str | None, key_file: Path | None) -> Settings:

    values: dict[str, object] = {}
    if db:
        values["db_url"] = db
    if key_file:
        values["key_file"] = key_file
    return Settings(**values)  # type: ignore[arg-type]  # only the given fields


def _open(db: str | None, key_file: Path | None, migrate_now: bool = True) -> Store:

    settings = _settings(db, key_file)
    try:
        return Store.open(settings, migrate_now=migrate_now)
    except StoreError as exc:
        raise click.ClickException(exc.message) from exc


_db = click.option("--db", help="database URL (default: a SQLite file in ~/.tagtrail)")
_key = click.option(
    "--key-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Ed25519 key that signs chain heads, kept off the database",
)


@click.group(invoke_without_command=True)
@_db
@_key
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8470, show_default=True, type=int)
@click.option("--demo", is_flag=True, help="seed an empty store with demo people and assets")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="server processes sharing the port (SQLite: they take turns at the write lock)",
)
@click.pass_context
def server(
    ctx: click.Context,
    *,
    db: str | None,
    key_file: Path | None,
    host: str,
    port: int,
    demo: bool,
    workers: int,
) -> None:
    """Run the central store every device syncs to (migrates the database first)."""
    ctx.ensure_object(dict)
    ctx.obj.update(db=db, key_file=key_file, open_store=lambda: _open(db, key_file))
    if ctx.invoked_subcommand is not None:
        return

    store = _open(db, key_file)
    if demo:
        with store.engine.connect() as conn:
            people = conn.execute(select(func.count()).select_from(t.users)).scalar()
        if people:
            click.echo("The store already has people: not seeding demo data.")
        else:
            result = seed(store)
            click.echo(
                f"Demo store seeded: {result.operations} operations, "
                f"{result.conflicts} conflicts to review."
            )
            for username, name, role in DEMO_PEOPLE:
                click.echo(f"  {role:<11} {username:<6} PIN {DEMO_PINS[username]}  ({name})")
            click.echo(f"Enrol a device with this one-time code: {result.enrolment_code}")
    click.echo(f"TagTrail central store on http://{host}:{port}  (API docs: /docs)")
    try:
        serve_forever(store, host, port, workers)
    except StoreError as exc:
        raise click.ClickException(exc.message) from exc


@server.command()
@click.pass_context
def migrate(ctx: click.Context) -> None:
    """Bring the database schema to the latest migration."""

    store = _open(ctx.obj["db"], ctx.obj["key_file"])
    click.echo(f"Database at revision {current_revision(store.engine)}.")


@server.command()
@click.option(
    "--full", is_flag=True, help="walk the whole log, not only what came since the last verify"
)
@click.option(
    "--projections",
    is_flag=True,
    help="also rebuild every projection from the log and compare every column the API serves",
)
@click.pass_context
def verify(ctx: click.Context, full: bool, projections: bool) -> None:
    """Recompute the operation log's hash chain and check the signed heads.

    Starts after the last verified checkpoint (what an earlier verify proved intact) unless
    --full is given."""

    store = _open(ctx.obj["db"], ctx.obj["key_file"])
    started = time.perf_counter()
    try:
        report = verify_and_checkpoint(store, full=full)
        problems = list(report.problems)
        if projections:
            problems += _projection_problems(store, report.entries)
    finally:
        store.close()
    if not problems:
        since = f" (entries after {report.checked_from} walked)" if report.checked_from else ""
        also = "; every projection matches a rebuild" if projections else ""
        click.echo(
            f"The log is intact: {report.entries} entries{since}, "
            f"chain and signed heads match{also} ({time.perf_counter() - started:.2f} s)."
        )
        return
    click.echo(f"The store has been tampered with ({report.entries} entries read):", err=True)
    for problem in problems:
        click.echo(f"  - {problem}", err=True)
    sys.exit(1)


def _projection_problems(store: Store, entries: int) -> list[str]:
    step = max(entries // 20, 1000)
    shown = [0]

    def progress(position: int) -> None:
        if position - shown[0] >= step:
            shown[0] = position
            click.echo(f"  rebuilding projections: {position} of {entries} entries", err=True)

    with reading(store.engine) as conn:
        return check_projections(
            conn, store.settings.partition, store.settings.rules, on_progress=progress
        )


@server.group()
def admin() -> None:
    """Bootstrap and manage people from the command line."""


@admin.command("create")
@click.option("--username", required=True)
@click.option("--pin", required=True, help="4 or more digits")
@click.option("--name", "display_name", default=None)
@click.pass_context
def admin_create(ctx: click.Context, username: str, pin: str, display_name: str | None) -> None:
    """Create an admin and print a one-time code that enrols a first device."""

    if len(pin) < 4:
        raise click.BadParameter("a PIN has at least 4 characters", param_hint="--pin")
    store = _open(ctx.obj["db"], ctx.obj["key_file"])
    try:
        user, code = create_admin(store, username, pin, display_name)
    except StoreError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"Admin {user.username} created.")
    click.echo(f"One-time enrolment code (valid 24 h): {code}")


@admin.command("unlock")
@click.option("--username", default=None, help="the person locked out by wrong PINs")
@click.option("--device", "device_id", default=None, help="the device locked out by wrong PINs")
@click.pass_context
def admin_unlock(ctx: click.Context, username: str | None, device_id: str | None) -> None:
    """Let a person or a device sign in again at once after too many wrong PINs."""

    if not username and not device_id:
        raise click.UsageError("name a --username or a --device to unlock")
    store = _open(ctx.obj["db"], ctx.obj["key_file"])
    try:
        with writing(store.engine) as conn:
            lifted = {
                scope: throttle.unlock(conn, scope, subject, "command line", store.now_ms())
                for scope, subject in (("user", username), ("device", device_id))
                if subject
            }
    finally:
        store.close()
    for scope, count in lifted.items():
        noun, subject = ("Person", username) if scope == "user" else ("Device", device_id)
        state = "unlocked" if count else "was not locked; its count starts over"
        click.echo(f"{noun} {subject} {state}.")


server.add_command(import_cmd)
server.add_command(report_cmd)
server.add_command(export_cmd)
