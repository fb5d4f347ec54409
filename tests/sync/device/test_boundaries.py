"""The device side never imports the central store (DESIGN.md: dependencies point inward)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import sync.device

DEVICE = Path(sync.device.__file__).parent


def test_no_device_module_imports_the_server() -> None:
    for path in sorted(DEVICE.glob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith("sync.server"), f"{path.name} imports {name}"
                assert not name.startswith(("flet", "app")), f"{path.name} imports {name}"


def test_loading_the_device_side_loads_no_server_code() -> None:
    modules = [f"sync.device.{p.stem}" for p in DEVICE.glob("*.py") if p.stem != "__init__"]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('sync.server', 'flet')))\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
