"""`tagtrail resolve`: say what scanned payloads are, typed as arguments or piped in a line each.

A keyboard-wedge scanner types a line per scan, so `tagtrail resolve` with no arguments reads
standard input until it ends (Ctrl-D), resolving each line as it arrives.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable

import click

from assets.tags import Resolution
from assets.tags import resolve as resolve_payload


def describe(resolution: Resolution) -> str:
    lines = [f"{resolution.payload or '(empty)'}  →  {resolution.label}"]
    if resolution.key:
        lines.append(f"  key: {resolution.key}")
    lines += [f"  {name}: {value}" for name, value in sorted(resolution.fields.items())]
    if resolution.hints:
        lines.append(f"  hints: {', '.join(resolution.hints)}")
    if resolution.problem:
        lines.append(f"  problem: {resolution.problem}")
    return "\n".join(lines)


def as_json(resolution: Resolution) -> str:
    return json.dumps(
        {
            "payload": resolution.payload,
            "kind": resolution.kind,
            "label": resolution.label,
            "key": resolution.key,
            "fields": dict(resolution.fields),
            "hints": list(resolution.hints),
            "problem": resolution.problem,
        },
        ensure_ascii=False,
    )


def _lines(stream: Iterable[bytes]) -> Iterable[bytes]:
    for line in stream:
        yield line.rstrip(b"\r\n")


@click.command()
@click.argument("payloads", nargs=-1)
@click.option(
    "--symbology",
    "-s",
    default=None,
    help="Symbology the payloads were read from (QR, Code128, EAN-13 ...), if known.",
)
@click.option("--json", "json_lines", is_flag=True, help="One JSON object per payload.")
def resolve(payloads: tuple[str, ...], symbology: str | None, json_lines: bool) -> None:
    """Say what scanned PAYLOADS are (or each line of standard input)."""
    # Bytes from stdin are resolved as bytes, so invalid UTF-8 is reported instead of crashing.
    source: Iterable[str | bytes] = payloads or _lines(sys.stdin.buffer)
    problems = 0
    for payload in source:
        resolution = resolve_payload(payload, symbology)
        problems += resolution.problem is not None
        click.echo(as_json(resolution) if json_lines else describe(resolution))
    if problems and not json_lines:
        click.echo(f"{problems} payload(s) had a problem", err=True)
