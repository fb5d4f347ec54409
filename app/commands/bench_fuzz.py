"""`tagtrail bench fuzz`: schemathesis against the central store's /openapi.json.

A fresh store (SQLite in a temp folder, or `--db URL` of an empty database) gets the demo data,
an admin, a supervisor and an enrolled device; the supervisor signs in, and schemathesis (its `st run` command, in its own
process) generates requests for every operation of the document with the supervisor's tokens.
The checks: no server error (5xx), every status code documented, every response body and
content type as the document says. Signing out is left out (it would end the run's sign-in).

The suite runs a bounded pass (tests/sync/server/test_fuzz.py); this command runs a longer one.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import click

from sync.server import auth
from sync.server.bootstrap import create_admin
from sync.server.db import writing
from sync.server.demo import seed
from sync.server.serve import BackgroundServer
from sync.server.settings import Settings
from sync.server.store import Store

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)
FUZZ_PIN = "8642"


@dataclass(frozen=True)
class FuzzRun:
    returncode: int
    output: str
    command: list[str]


def supervisor_headers(store: Store) -> dict[str, str]:
    """Demo data (assets, pallets, conflicts), an admin, and a supervisor signed in on an
    enrolled device: the headers of every request."""
    seed(store, assets=20)
    create_admin(store, "fuzz-admin", FUZZ_PIN)
    now = store.now_ms()
    with writing(store.engine) as conn:
        auth.create_user(conn, "fuzz-sup", "Fuzz Supervisor", "supervisor", FUZZ_PIN, now)
        code, _ = auth.make_enrolment_code(conn, "fuzz-admin", now, 1, "fuzz")
        token, _ = auth.enrol_device(conn, code, "fuzz-dev", "fuzzing", now, 1)
        person, _, _ = auth.sign_in(conn, "fuzz-dev", "fuzz-sup", FUZZ_PIN, now, 12)
    return {"Authorization": f"Bearer {token}", "X-TagTrail-Person": person}


def run_fuzz(
    store: Store, *, max_examples: int, seed: int, max_time_s: int | None = None
) -> FuzzRun:
    """Serve `store` on loopback and run schemathesis against it; its exit code and output."""
    headers = supervisor_headers(store)
    with BackgroundServer(store) as server:
        command = [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "run",
            f"{server.url}/openapi.json",
            "--checks",
            ",".join(CHECKS),
            "--max-examples",
            str(max_examples),
            "--seed",
            str(seed),
            "--workers",
            "1",
            "--exclude-path",
            "/v1/auth/signout",
            "--suppress-health-check",
            "all",
            "--no-color",
        ]
        if max_time_s is not None:
            command += ["--max-time", str(max_time_s)]
        for name, value in headers.items():
            command += ["--header", f"{name}: {value}"]
        with tempfile.TemporaryDirectory() as scratch:  # schemathesis keeps a cache in its cwd
            done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=scratch)
    return FuzzRun(done.returncode, done.stdout + done.stderr, command)


@click.command("fuzz")
@click.option("--db", default=None, help="database URL (default: a fresh SQLite file)")
@click.option("--examples", default=200, show_default=True, help="cases per operation")
@click.option("--seed", default=1, show_default=True)
@click.option("--max-time", "max_time_s", default=None, type=int, help="seconds in all")
def bench_fuzz(db: str | None, examples: int, seed: int, max_time_s: int | None) -> None:
    """schemathesis against /openapi.json with a supervisor's tokens (0 server errors,
    0 responses outside their schema)."""
    with tempfile.TemporaryDirectory() as folder:
        where = Path(folder)
        settings = Settings(
            db_url=db or f"sqlite:///{where / 'fuzz.db'}", key_file=where / "keys" / "k.key"
        )
        store = Store.open(settings)
        try:
            click.echo(f"Fuzzing a fresh store on {store.engine.dialect.name} ({examples}/op)…")
            run = run_fuzz(store, max_examples=examples, seed=seed, max_time_s=max_time_s)
        finally:
            store.close()
    click.echo(run.output)
    sys.exit(run.returncode)
