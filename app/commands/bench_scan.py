"""`tagtrail bench scan`: the scanner benchmark (same as `python -m scanner.bench`)."""

from __future__ import annotations

from pathlib import Path

import click

from scanner.bench import main


@click.command("scan")
@click.option(
    "--images",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder of labelled images (default: ../shared/barcodes beside the repo).",
)
@click.option(
    "--frames",
    type=int,
    default=60,
    show_default=True,
    help="Rendered 1080p frames for the live-frame timing.",
)
@click.option(
    "--session-frames",
    type=int,
    default=10_000,
    show_default=True,
    help="Frames fed to a session for the memory check (0 to skip).",
)
@click.option("--seed", type=int, default=7, show_default=True, help="Seed of the rendered frames.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.option("--strict", is_flag=True, help="Exit with status 1 when the bar is not met.")
def bench_scan(
    *, images: Path | None, frames: int, session_frames: int, seed: int, as_json: bool, strict: bool
) -> None:
    """Decode rate, misreads and speed of the scanner against raw pyzbar and zxing-cpp."""
    argv = ["--frames", str(frames), "--session-frames", str(session_frames), "--seed", str(seed)]
    if images is not None:
        argv += ["--images", str(images)]
    if as_json:
        argv.append("--json")
    if strict:
        argv.append("--strict")
    status = main(argv)
    if status:
        raise SystemExit(status)
