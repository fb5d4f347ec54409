"""`tagtrail bench growth` grows a store through the push path and prints every read's time at
each size with its growth."""

from __future__ import annotations

from click.testing import CliRunner

from app.commands.bench_growth import READS, bench_growth


def test_bench_growth_prints_each_read_at_each_size() -> None:
    result = CliRunner().invoke(
        bench_growth, ["--engine", "sqlite", "--sizes", "300,600", "--repeat", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "| read | 300 ops | 600 ops | growth, median | growth, best | bar |" in result.output
    rows = [
        line for line in result.output.splitlines() if line.startswith("| ") and " ms (" in line
    ]
    assert [row.split(" | ")[0][2:] for row in rows] == [read.label for read in READS]
    assert all(row.endswith(("| ok |", "| OVER |")) for row in rows)
    assert "bar: no read more than 2x per 10x the log:" in result.output
    assert "load average" in result.output
