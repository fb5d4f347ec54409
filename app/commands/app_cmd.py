"""`tagtrail app`: the device app over a local device database and the central store.

flet is imported only when the command runs, so `tagtrail --help` stays light.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import click

from app.ui.session import DeviceSession
from sync.device.database import DeviceDatabase
from sync.device.paths import default_db_path
from sync.device.state import load_state
from sync.errors import DeviceError

DEFAULT_SERVER = "http://127.0.0.1:8470"


def start_app(
    db: Path | None,
    server: str | None,
    *,
    host: str,
    port: int,
    web: bool,
    open_browser: bool,
    enrol: str | None = None,
    device_name: str = "TagTrail device",
    interval_s: float = 30.0,
) -> None:
    """Open the device database, enrol if asked, and serve the app until Ctrl-C."""
    path = db or default_db_path()
    try:
        with DeviceDatabase(path) as probe, probe.read() as conn:
            stored = load_state(conn).server_url
    except DeviceError as exc:
        raise click.ClickException(str(exc)) from exc
    url = server or stored or DEFAULT_SERVER

    session = DeviceSession(path, url, interval_s=interval_s, start=False)
    try:
        if enrol and not session.enrolled:
            try:
                session.enrol(enrol, device_name)
            except DeviceError as exc:
                raise click.ClickException(f"enrolment failed: {exc}") from exc
        elif session.enrolled:
            session.engine.start()
        if not open_browser:
            os.environ["FLET_FORCE_WEB_SERVER"] = "1"  # serve only; do not launch a browser
        from app.ui.main import run  # noqa: PLC0415  (flet loads only when the app runs)

        click.echo(f"TagTrail app on http://{host}:{port}  (device {session.db.device_id})")
        click.echo(f"Device database {path}; central store {url}")
        if level := os.environ.get("TAGTRAIL_LOG"):  # e.g. TAGTRAIL_LOG=INFO: each scan
            log_ours(level.upper())
        suffix = os.environ.get("TAGTRAIL_WEDGE_SUFFIX", "enter")  # what the scanner sends last
        run(session, host=host, port=port, web=web, suffix=suffix)
    finally:
        session.close()


def log_ours(level: str) -> None:
    """Our modules' messages at `level`, timed to the millisecond; Flet's stay at warnings."""
    logging.basicConfig(format="%(asctime)s %(name)s %(message)s")
    for package in ("app", "sync", "scanner", "assets"):
        logging.getLogger(package).setLevel(level)


@click.command()
@click.option(
    "--db",
    type=click.Path(path_type=Path, dir_okay=False),
    help="device database (default: the app-data folder's tagtrail.db)",
)
@click.option(
    "--server", help=f"central store URL (default: the enrolled one, or {DEFAULT_SERVER})"
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8550, show_default=True, type=int)
@click.option(
    "--web/--window",
    default=True,
    show_default=True,
    help="serve to a browser (phones on the LAN too) or open a desktop window",
)
@click.option(
    "--open/--no-open",
    "open_browser",
    default=True,
    show_default=True,
    help="open a browser tab on start (web mode)",
)
@click.option("--enrol", metavar="CODE", help="enrol this device with a one-time code first")
@click.option(
    "--name",
    "device_name",
    default="TagTrail device",
    show_default=True,
    help="device name shown to admins (with --enrol)",
)
@click.option(
    "--sync-interval",
    default=30.0,
    show_default=True,
    type=float,
    help="seconds between background syncs",
)
def app(
    *,
    db: Path | None,
    server: str | None,
    host: str,
    port: int,
    web: bool,
    open_browser: bool,
    enrol: str | None,
    device_name: str,
    sync_interval: float,
) -> None:
    """Run the device app: scan, record, and sync with the central store."""
    start_app(
        db,
        server,
        host=host,
        port=port,
        web=web,
        open_browser=open_browser,
        enrol=enrol,
        device_name=device_name,
        interval_s=sync_interval,
    )
