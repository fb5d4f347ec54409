"""`tagtrail demo`: a demo central store and the device app, both on loopback, in one go.

The store runs as a child process (`tagtrail server --demo`) in its own process group on a
free port, over a fresh SQLite file in a temporary folder; its one-time code enrols a fresh
device database; then the app serves on http://127.0.0.1:8550. Ctrl-C stops both: the app
ends with the main process and the store by its own process group, never by name.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import click

from app.commands.app_cmd import start_app

CODE_LINE = re.compile(r"one-time code: (?P<code>\S+)")
PERSON_LINE = re.compile(r"^\s+(?P<role>\w+)\s+(?P<user>\w+)\s+PIN (?P<pin>\d+)")
START_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class StoreProcess:
    """A central store running as a child process group."""

    process: subprocess.Popen[str]
    url: str
    code: str | None
    people: list[tuple[str, str, str]] = field(default_factory=list)  # role, username, PIN
    output: list[str] = field(default_factory=list)

    def stop(self, timeout_s: float = 10.0) -> None:
        """Stop the store's whole process group (its server child keeps the port otherwise)."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout_s)
        if self.process.stdout is not None:
            self.process.stdout.close()


def start_store(home: Path, port: int, *, demo: bool = True) -> StoreProcess:
    """Start `tagtrail server` over `home` (its SQLite file and signing key) and wait for it."""
    env = dict(os.environ, TAGTRAIL_HOME=str(home), PYTHONUNBUFFERED="1")
    command = [sys.executable, "-m", "app", "server", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(
        [*command, *(["--demo"] if demo else [])],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,  # its own process group, stopped as a whole
    )
    store = StoreProcess(process, f"http://127.0.0.1:{port}", None)
    assert process.stdout is not None
    deadline = time.monotonic() + START_TIMEOUT_S
    for line in process.stdout:
        store.output.append(line.rstrip())
        if (found := CODE_LINE.search(line)) is not None:
            store.code = found["code"]
        if (person := PERSON_LINE.match(line)) is not None:
            store.people.append((person["role"], person["user"], person["pin"]))
        if "central store on" in line or time.monotonic() > deadline:
            break
    if not _wait_listening(port, deadline):
        store.stop()
        raise click.ClickException("the central store did not start:\n" + "\n".join(store.output))
    return store


def _wait_listening(port: int, deadline: float) -> bool:
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.1)
    return False


@click.command()
@click.option("--port", default=8550, show_default=True, type=int, help="the app's port")
@click.option("--store-port", default=0, type=int, help="the store's port (default: a free one)")
@click.option(
    "--dir",
    "folder",
    type=click.Path(path_type=Path, file_okay=False),
    help="keep the demo's databases here (default: a new temporary folder)",
)
@click.option(
    "--open/--no-open",
    "open_browser",
    default=False,
    show_default=True,
    help="open a browser tab on start",
)
def demo(*, port: int, store_port: int, folder: Path | None, open_browser: bool) -> None:
    """Start a demo central store with demo data and the app on http://127.0.0.1:PORT."""
    home = folder or Path(tempfile.mkdtemp(prefix="tagtrail-demo-"))
    home.mkdir(parents=True, exist_ok=True)
    click.echo(f"Starting the demo central store (data in {home})…")
    store = start_store(home / "store", store_port or free_port())
    try:
        if store.code is None and not (home / "device.db").exists():
            raise click.ClickException(
                "the store gave no enrolment code (it already has people): use a new --dir"
            )
        click.echo(f"Central store on {store.url}")
        click.echo(f"Open http://127.0.0.1:{port} and sign in:")
        for role, user, pin in store.people:
            click.echo(f"  {role:<11} {user:<6} PIN {pin}")
        click.echo("Press Ctrl-C to stop the app and the store.")
        start_app(
            home / "device.db",
            store.url,
            host="127.0.0.1",
            port=port,
            web=True,
            open_browser=open_browser,
            enrol=store.code,
            device_name="Demo device",
            interval_s=10.0,
        )
    except KeyboardInterrupt:
        pass
    finally:
        store.stop()
        click.echo("Stopped the app and the central store.")
