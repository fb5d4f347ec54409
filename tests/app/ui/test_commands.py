"""`tagtrail app` and `tagtrail demo` are registered, documented, and load flet only to run."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from app.cli import main


def test_app_and_demo_are_listed_with_their_options() -> None:
    runner = CliRunner()
    listing = runner.invoke(main, ["--help"])
    assert "app " in listing.output and "demo " in listing.output
    app_help = runner.invoke(main, ["app", "--help"])
    assert app_help.exit_code == 0
    for option in ("--db", "--server", "--port", "--web", "--enrol"):
        assert option in app_help.output
    assert "--store-port" in runner.invoke(main, ["demo", "--help"]).output


def test_help_does_not_import_flet() -> None:
    code = "import sys; from app.cli import main\n"
    code += "try:\n    main(['app', '--help'])\nexcept SystemExit:\n    pass\n"
    code += "print('flet' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("False")


def test_a_bad_database_path_is_a_clear_error() -> None:
    result = CliRunner().invoke(main, ["app", "--db", "/proc/no/such/dir/x.db", "--no-open"])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert "device database" in result.output or "folder" in result.output
