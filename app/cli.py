"""The `tagtrail` command: the composition root.

Each subcommand lives in its own module and is imported only when it runs, so
`tagtrail server` never loads flet and `tagtrail resolve` never loads OpenCV.
To add a subcommand, add one line to COMMANDS (or BENCHES) naming "module:attribute".
"""

from __future__ import annotations

import importlib
from typing import Any

import click

# name -> "module:attribute" of a click command, imported on first use
COMMANDS: dict[str, str] = {
    "resolve": "app.commands.resolve:resolve",
    "bench": "app.cli:bench",
    "server": "app.commands.server:server",
    "labels": "app.commands.labels:labels",
    "app": "app.commands.app_cmd:app",
    "demo": "app.commands.demo:demo",
}

# `tagtrail bench NAME` -> "module:attribute" of a click command
BENCHES: dict[str, str] = {
    "scan": "app.commands.bench_scan:bench_scan",
    "ingest": "app.commands.bench_ingest:bench_ingest",
    "device": "app.commands.bench_device:bench_device",
    "fuzz": "app.commands.bench_fuzz:bench_fuzz",
    "wedge": "app.commands.bench_wedge:bench_wedge",
}


# One-line summaries for `--help`, so listing commands imports none of them.
SUMMARIES: dict[str, str] = {
    "resolve": "Say what scanned payloads are (typed, or piped a line each).",
    "bench": "Benchmarks anyone can rerun.",
    "labels": "Print asset, location and pallet labels (PDF sheets or ZPL).",
    "server": "Run the central store (SQLite by default, PostgreSQL by URL).",
    "app": "Run the device app (web mode) over a local outbox, syncing to a store.",
    "demo": "Start a demo store and the app on http://127.0.0.1:8550.",
    "scan": "Decoding: TagTrail pipeline vs raw pyzbar and zxing-cpp.",
    "ingest": "Central store ingest rate over HTTP on loopback.",
    "device": "Device side: scan-to-outbox latency, backlog push and pull.",
    "fuzz": "schemathesis against /openapi.json: no 5xx, every answer as documented.",
    "wedge": "Wedge scanner in Chromium: Enter -> row p50/p95, burst loss at 2/10 ms/char.",
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported when they are asked for."""

    def __init__(self, *args: Any, lazy: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.lazy))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, SUMMARIES.get(name, "")) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = self.lazy.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module_name, attr = target.split(":")
        command = getattr(importlib.import_module(module_name), attr)
        if not isinstance(command, click.Command):
            raise TypeError(f"{target} is not a click command")
        return command


@click.group(cls=LazyGroup, lazy=COMMANDS)
@click.version_option(package_name="tagtrail")
def main() -> None:
    """TagTrail: scan, track and dispose of IT assets, offline first."""


@click.group(cls=LazyGroup, lazy=BENCHES)
def bench() -> None:
    """Benchmarks anyone can rerun; each prints the figures quoted in the README."""
