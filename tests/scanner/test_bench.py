"""The benchmark runs end to end on a tiny image folder (never on ../shared/barcodes)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import main as cli
from scanner.bench import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "scanner"


@pytest.fixture()
def images(tmp_path: Path) -> Path:
    layout = {
        "qrcode-1": "qr-*",
        "ean13-1": "ean13-*",
        "upca-1": "upca-*",
        "falsepositives-1": "nocode-*",
    }
    for folder, pattern in layout.items():
        (tmp_path / folder).mkdir()
        for p in FIXTURES.glob(pattern):
            shutil.copy(p, tmp_path / folder / p.name)
    return tmp_path


def test_bench_json(images: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["--images", str(images), "--frames", "2", "--session-frames", "30", "--json"])
    assert status == 0
    doc = json.loads(capsys.readouterr().out)
    assert "1 (OpenCV threads=1" in doc["environment"]["threads"]
    stills = doc["stills"]
    assert set(stills) == {"TagTrail", "TagTrail pyzbar-only", "raw pyzbar", "raw zxing-cpp"}
    assert stills["TagTrail"]["QR"]["rate"] == 1.0
    assert stills["TagTrail"]["no code"]["false_reads"] == 0
    assert set(doc["frames_1080p"]["TagTrail"]) == {"moderate", "far"}
    assert doc["session_memory"]["frames"] == 30
    assert doc["peak_memory_mb"] > 0
    assert any(c["check"].startswith("EAN-13 rate >= union") for c in doc["bar"])


def test_bench_table_via_tagtrail(images: Path) -> None:
    result = CliRunner().invoke(
        cli, ["bench", "scan", "--images", str(images), "--frames", "0", "--session-frames", "0"]
    )
    assert result.exit_code == 0, result.output
    assert "raw zxing-cpp" in result.output and "The bar" in result.output


def test_bench_missing_images(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--images", str(tmp_path / "none"), "--frames", "0"]) == 2
    assert "not found" in capsys.readouterr().err
