"""The `tagtrail` command: every registered subcommand loads, and `resolve` works end to end."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from app.cli import BENCHES, COMMANDS, SUMMARIES, bench, main
from app.commands.app_cmd import log_ours
from assets.tags import make_tag


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_loads_and_has_a_summary(name: str) -> None:
    command = main.get_command(click.Context(main), name)
    assert isinstance(command, click.Command)
    assert SUMMARIES.get(name)
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0, result.output


def test_every_benchmark_loads() -> None:
    for name in BENCHES:
        assert isinstance(bench.get_command(click.Context(bench), name), click.Command)
        assert SUMMARIES.get(name)
    result = CliRunner().invoke(main, ["bench", "--help"])
    assert result.exit_code == 0 and all(name in result.output for name in BENCHES)


def test_resolve_arguments() -> None:
    tag = make_tag("asset", 1234)
    result = CliRunner().invoke(main, ["resolve", tag, "not a tag at all"])
    assert result.exit_code == 0
    assert f"key: asset:{tag}" in result.output
    assert "TagTrail asset tag" in result.output


def test_resolve_reads_scans_from_stdin_as_json() -> None:
    tag = make_tag("pallet", 7)
    wedge = f"{tag.lower()}\r\n\xff\xfe\n\n".encode("latin-1")
    proc = subprocess.run(
        [sys.executable, "-m", "app", "resolve", "--json"],
        input=wedge,
        capture_output=True,
        check=True,
    )
    rows = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert rows[0]["kind"] == "pallet_tag" and rows[0]["key"] == f"pallet:{tag}"
    assert "UTF-8" in rows[1]["problem"]
    assert rows[2]["kind"] == "unknown" and rows[2]["problem"]


def test_resolve_symbology_hint() -> None:
    result = CliRunner().invoke(main, ["resolve", "--json", "-s", "EAN-13", "4006381333931"])
    row = json.loads(result.output)
    assert row["kind"] == "ean_upc" and row["problem"] is None


def test_tagtrail_log_turns_on_our_messages_and_leaves_flets_at_warnings() -> None:
    ours, flet = logging.getLogger("app.ui.controller"), logging.getLogger("flet")
    before = {name: logging.getLogger(name).level for name in ("app", "sync", "scanner", "assets")}
    try:
        log_ours("INFO")
        assert ours.isEnabledFor(logging.INFO) and logging.getLogger("sync.device").isEnabledFor(
            logging.INFO
        )
        assert not flet.isEnabledFor(logging.INFO)  # the root stays at warnings
    finally:
        for name, level in before.items():
            logging.getLogger(name).setLevel(level)
