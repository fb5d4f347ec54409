"""schemathesis against /openapi.json with a supervisor's tokens, a bounded run on each database:
no server error, every status code documented, every answer in its documented schema.

The longer run is `tagtrail bench fuzz` (app/commands/bench_fuzz.py)."""

from __future__ import annotations

import re
from pathlib import Path

from app.commands.bench_fuzz import CHECKS, run_fuzz
from tests.sync.server.harness import open_store


def test_schemathesis_finds_no_server_error_and_no_answer_outside_its_schema(
    db_url: str, tmp_path: Path
) -> None:
    store = open_store(db_url, tmp_path)
    try:
        run = run_fuzz(store, max_examples=5, seed=7)
    finally:
        store.close()
    assert run.returncode == 0, run.output[-6000:]
    cases = re.search(r"(\d+) generated, (\d+) passed\s*$", run.output, re.MULTILINE)
    assert cases is not None, run.output[-4000:]
    assert int(cases[1]) == int(cases[2]) > 500  # every generated case passed every check
    assert "Tested: 32" in run.output  # every operation but sign-out (29, + 3 of issue 11)
    assert all(check in run.command[run.command.index("--checks") + 1] for check in CHECKS)
