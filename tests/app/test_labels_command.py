"""`tagtrail labels`: numbered tags and explicit texts to PDF sheets and ZPL."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from click.testing import CliRunner

from app.cli import main
from app.commands.labels import PROGRESS_FROM, _progress, numbered_labels, text_label
from assets.tags import make_tag, tag_url
from scanner import decode
from scanner.labels import STOCKS


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["labels", *args])
    return result.exit_code, result.stdout, result.stderr


def _first_label(pdf: Path, stock_name: str, position: int = 0) -> set[tuple[str, str]]:
    stock = STOCKS[stock_name]
    document = pdfium.PdfDocument(pdf)
    try:
        page = np.asarray(document[0].render(scale=300 / 72, grayscale=True).to_pil().convert("L"))
    finally:
        document.close()
    left, top = stock.label_origin(position)
    x0, y0 = round(left * 300 / 72), round(top * 300 / 72)
    x1 = round((left + stock.label_width) * 300 / 72)
    y1 = round((top + stock.label_height) * 300 / 72)
    return {(d.symbology, d.text) for d in decode(np.ascontiguousarray(page[y0:y1, x0:x1]))}


def test_numbered_asset_sheet(tmp_path: Path) -> None:
    out = tmp_path / "labels.pdf"
    code, _, err = _run(
        "--kind", "asset", "--start", "1", "--count", "31", "--stock", "avery-5160", "-o", str(out)
    )  # fmt: skip
    assert code == 0, err
    assert "31 labels on avery-5160" in err and "(2 pages)" in err
    document = pdfium.PdfDocument(out)
    assert len(document) == 2
    document.close()
    first = make_tag("asset", 1)
    assert _first_label(out, "avery-5160") == {("Code128", first), ("QR", tag_url(first))}


def test_explicit_texts_are_canonicalised_and_checked(tmp_path: Path) -> None:
    tag = make_tag("location", 42)
    out = tmp_path / "two.pdf"
    code, _, err = _run(
        "--text", tag.lower().replace("-", ""), "--text", "SN-ABC123", "-o", str(out)
    )
    assert code == 0, err
    assert _first_label(out, "avery-5160", 0) == {("Code128", tag), ("QR", tag_url(tag))}
    assert _first_label(out, "avery-5160", 1) == {("Code128", "SN-ABC123"), ("QR", "SN-ABC123")}
    broken = tag[:-1] + ("0" if tag[-1] != "0" else "1")
    code, _, err = _run("--text", broken, "-o", str(tmp_path / "bad.pdf"))
    assert code == 2 and "check character" in err


def test_zpl_to_stdout_and_file(tmp_path: Path) -> None:
    code, out, err = _run("--kind", "pallet", "--count", "3", "--stock", "thermal-2x1in", "--zpl")
    assert code == 0, err
    assert out.count("^XA") == 3 and "^PW406" in out
    assert re.search(r"\^FDMM,B\d{4}https://tagtrail\.local/t/TP-0000001-", out)
    target = tmp_path / "pallets.zpl"
    code, _, err = _run(
        "--kind", "pallet", "--stock", "thermal-62x29mm", "--zpl", "-o", str(target)
    )
    assert code == 0 and target.read_text().count("^XA") == 1  # roll stock: one by default


def test_titles_lines_and_progress_for_long_runs(tmp_path: Path) -> None:
    contents = numbered_labels("location", 7, 2, title="Shelf", lines=["Site B"])
    assert [c.title for c in contents] == ["Shelf", "Shelf"]
    assert contents[0].lines == ("Site B",) and contents[1].code == make_tag("location", 8)
    assert text_label(make_tag("pallet", 3)).title == "Pallet"
    out = tmp_path / "many.pdf"
    code, _, err = _run(
        "--kind", "asset", "--count", "60", "--stock", "avery-l7160", "-o", str(out)
    )
    assert code == 0, err
    assert "60 labels on avery-l7160" in err and "(3 pages)" in err
    with _progress(PROGRESS_FROM, "x") as advance:
        assert advance is not None
        advance(PROGRESS_FROM, PROGRESS_FROM)
    with _progress(PROGRESS_FROM - 1, "x") as advance:
        assert advance is None


def test_usage_errors_are_clear(tmp_path: Path) -> None:
    code, _, err = _run("-o", str(tmp_path / "x.pdf"))
    assert code == 2 and "--kind" in err and "--text" in err
    code, _, err = _run("--kind", "asset", "--zpl")
    assert code == 2 and "roll stock" in err
    code, _, err = _run("--kind", "asset")
    assert code == 2 and "-o FILE.pdf" in err
    code, _, err = _run("--text", "Café-1", "-o", str(tmp_path / "x.pdf"))
    assert code == 1 and "ASCII only" in err and "Traceback" not in err
    code, _, err = _run(
        "--text", "X" * 40, "--stock", "thermal-2x1in", "-o", str(tmp_path / "y.pdf")
    )
    assert code == 1 and "do not fit" in err
    code, _, err = _run("--kind", "asset", "--start", "99999999", "-o", str(tmp_path / "z.pdf"))
    assert code == 1 and "tag numbers run" in err
