"""The scan benchmark: `python -m scanner.bench` or `tagtrail bench scan`.

Reads the labelled public images of `../shared/barcodes` and prints, per symbology,
decode rate, misreads and time per image for TagTrail's pipeline, its pyzbar-only
configuration and the raw libraries, plus false reads on code-free images, 1080p
live-frame timing on rendered frames, a long session's memory and the peak memory.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import cv2
from rich.console import Console

from scanner.bench import bar, dataset, decoders, frames, memory, report, stills


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


@contextmanager
def one_core() -> Iterator[str]:
    """One thread for OpenCV and one CPU for the process (where the OS allows) while the
    benchmark runs; both restored afterwards. Yields a description for the report."""
    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    cpus = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    cpu = "any CPU"
    if cpus is not None:
        first = min(cpus)
        os.sched_setaffinity(0, {first})
        cpu = f"CPU {first}"
    try:
        yield f"1 (OpenCV threads={cv2.getNumThreads()}, {cpu}; zxing-cpp, zbar single-threaded)"
    finally:
        cv2.setNumThreads(threads)
        if cpus is not None:
            os.sched_setaffinity(0, cpus)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m scanner.bench", description=__doc__)
    p.add_argument(
        "--images",
        type=Path,
        default=None,
        help="folder of labelled images (default: ../shared/barcodes beside the repo)",
    )
    p.add_argument("--frames", type=int, default=60, help="rendered 1080p frames (default 60)")
    p.add_argument(
        "--session-frames",
        type=int,
        default=10_000,
        help="frames fed to the memory check of a long session (0 to skip)",
    )
    p.add_argument("--seed", type=int, default=7, help="seed of the rendered frames")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.add_argument("--strict", action="store_true", help="exit 1 when the bar is not met")
    return p


def run(args: argparse.Namespace) -> dict[str, Any]:
    with one_core() as threads:
        return _run(args, threads)


def _run(args: argparse.Namespace, threads: str) -> dict[str, Any]:
    root = args.images if args.images is not None else dataset.default_root()
    samples = dataset.load(root)
    env = {
        "images": str(root),
        "threads": threads,
        "python": platform.python_version(),
        "zxing_cpp": _version("zxing-cpp"),
        "pyzbar": _version("pyzbar"),
        "opencv": cv2.__version__,
    }
    results = stills.run(
        samples, decoders.all_decoders(), union_of=(decoders.RAW_PYZBAR, decoders.RAW_ZXING)
    )
    live = frames.run(args.frames, args.seed) if args.frames > 0 else {}
    mem = memory.run(args.session_frames) if args.session_frames > 0 else None
    checks = bar.check(results)
    return report.to_json(
        env=env, stills=results, frames=live, memory=mem, checks=checks, peak_mb=memory.peak_mb()
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        doc = run(args)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        # wide enough for the tables when printing to a pipe or file
        report.print_tables(Console(width=None if sys.stdout.isatty() else 120), doc)
    return 1 if args.strict and not doc["bar_passed"] else 0
