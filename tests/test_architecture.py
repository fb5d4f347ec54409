"""The dependency rules of the layout, checked on every import statement in the packages.

assets/ uses the standard library only; scanner/ imports nothing else of TagTrail; only app/
imports flet; sync/ never imports app/; the device side never imports the server.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OURS = {"app", "sync", "scanner", "assets"}


def imports_of(package: str) -> list[tuple[str, str]]:
    """(file, imported module) for every import in a package, relative ones made absolute."""
    found: list[tuple[str, str]] = []
    for path in sorted((ROOT / package).rglob("*.py")):
        module_parts = list(path.relative_to(ROOT).with_suffix("").parts)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [(str(path.relative_to(ROOT)), alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = module_parts[: len(module_parts) - node.level]
                    name = ".".join([*base, node.module] if node.module else base)
                else:
                    name = node.module or ""
                found.append((str(path.relative_to(ROOT)), name))
    return found


def top(name: str) -> str:
    return name.split(".", maxsplit=1)[0]


def test_assets_uses_the_standard_library_only() -> None:
    bad = [
        (f, m)
        for f, m in imports_of("assets")
        if top(m) not in sys.stdlib_module_names and top(m) != "assets"
    ]
    assert not bad


def test_scanner_imports_nothing_else_of_ours() -> None:
    bad = [(f, m) for f, m in imports_of("scanner") if top(m) in OURS - {"scanner"}]
    assert not bad


@pytest.mark.parametrize("package", ["assets", "scanner", "sync"])
def test_only_app_imports_flet(package: str) -> None:
    bad = [(f, m) for f, m in imports_of(package) if top(m) in {"flet", "flet_camera"}]
    assert not bad


def test_sync_never_imports_app() -> None:
    assert not [(f, m) for f, m in imports_of("sync") if top(m) == "app"]


def test_device_side_never_imports_the_server() -> None:
    bad = [
        (f, m)
        for f, m in imports_of("sync")
        if f.startswith("sync/device") and m.startswith("sync.server")
    ]
    assert not bad


def test_the_checker_sees_imports() -> None:
    # Guard against a checker that silently finds nothing.
    assert ("assets/merge.py", "assets.operations") in imports_of("assets")
    assert any(m == "click" for _, m in imports_of("app"))


def test_cli_loads_parts_lazily() -> None:
    """`tagtrail --help` and `tagtrail resolve` must not import flet, OpenCV or the server."""
    code = (
        "import sys; from click.testing import CliRunner; from app.cli import main;"
        "r = CliRunner().invoke(main, ['--help']); assert r.exit_code == 0, r.output;"
        "r = CliRunner().invoke(main, ['resolve', 'TA-0001234-K']); assert r.exit_code == 0, r.output;"
        "heavy = {'flet', 'cv2', 'sync.server', 'fastapi', 'sqlalchemy'} & set(sys.modules);"
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_the_ui_reaches_the_device_only_through_its_service() -> None:
    """app/ui issues no SQL: no sqlalchemy, no device schema; DeviceService/DeviceSession only."""
    bad = [
        (f, m)
        for f, m in imports_of("app")
        if f.startswith("app/ui") and (top(m) == "sqlalchemy" or m.startswith("sync.device.schema"))
    ]
    assert not bad
