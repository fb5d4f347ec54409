"""Printing the benchmark: readable tables, or one JSON document."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from scanner.bench.bar import Check
from scanner.bench.dataset import NO_CODE
from scanner.bench.frames import FrameStats
from scanner.bench.memory import SessionMemory
from scanner.bench.stills import StillResults
from scanner.model import SYMBOLOGIES


def to_json(
    *,
    env: dict[str, Any],
    stills: StillResults | None,
    frames: dict[str, dict[str, FrameStats]],
    memory: SessionMemory | None,
    checks: list[Check],
    peak_mb: float,
) -> dict[str, Any]:
    doc: dict[str, Any] = {"environment": env, "peak_memory_mb": round(peak_mb, 1)}
    if stills is not None:
        doc["stills"] = {
            dec: {
                sym: {
                    "images": s.images,
                    "decoded": s.decoded,
                    "rate": round(s.rate, 4),
                    ("false_reads" if sym == NO_CODE else "misreads"): s.misreads,
                    "median_ms": round(s.median_ms, 3),
                    "p95_ms": round(s.p95_ms, 3),
                }
                for sym, s in by_sym.items()
            }
            for dec, by_sym in stills.stats.items()
        }
        doc["union_of_raw"] = stills.union
    doc["frames_1080p"] = {
        dec: {
            dist: {
                "frames": s.count,
                "median_ms": round(s.median_ms, 2),
                "p95_ms": round(s.p95_ms, 2),
                "label_read": s.any_code,
                "qr_read": s.qr,
                "code128_read": s.code128,
                "frames_with_wrong_values": s.wrong,
            }
            for dist, s in by_dist.items()
        }
        for dec, by_dist in frames.items()
    }
    if memory is not None:
        doc["session_memory"] = {
            "frames": memory.frames,
            "codes_emitted": memory.codes_emitted,
            "rss_after_warmup_mb": round(memory.rss_after_warmup_mb, 1),
            "rss_end_mb": round(memory.rss_end_mb, 1),
            "growth_mb": round(memory.growth_mb, 2),
        }
    doc["bar"] = [{"check": c.what, "passed": c.passed, "detail": c.detail} for c in checks]
    doc["bar_passed"] = all(c.passed for c in checks)
    return doc


def print_tables(console: Console, doc: dict[str, Any]) -> None:
    env = doc["environment"]
    console.print(
        f"[bold]TagTrail scan benchmark[/]  images: {env['images']}  "
        f"threads: {env['threads']}  python {env['python']}  "
        f"zxing-cpp {env['zxing_cpp']}  opencv {env['opencv']}"
    )
    _print_stills(console, doc.get("stills"))
    _print_frames(console, doc["frames_1080p"])
    _print_memory_and_bar(console, doc)


def _print_stills(console: Console, stills: dict[str, Any] | None) -> None:
    if stills:
        order = [s for s in (*SYMBOLOGIES, NO_CODE) if any(s in v for v in stills.values())]
        table = Table(title="Labelled public images (one decode per image)")
        for col in ("symbology", "decoder", "images", "rate", "misreads", "median ms", "p95 ms"):
            table.add_column(col, justify="left" if col in ("symbology", "decoder") else "right")
        for sym in order:
            for dec, by_sym in stills.items():
                s = by_sym.get(sym)
                if s is None:
                    continue
                bad = s.get("false_reads", s.get("misreads"))
                table.add_row(
                    sym,
                    dec,
                    str(s["images"]),
                    f"{100 * s['rate']:.1f}%",
                    f"{bad}" + (" false" if sym == NO_CODE else ""),
                    f"{s['median_ms']:.2f}",
                    f"{s['p95_ms']:.2f}",
                )
            table.add_section()
        console.print(table)


def _print_frames(console: Console, frames: dict[str, Any]) -> None:
    if frames:
        table = Table(title="1920x1080 frames with a label (new placement every frame)")
        for col in (
            "decoder",
            "distance",
            "frames",
            "median ms",
            "p95 ms",
            "label read",
            "QR",
            "Code128",
            "wrong",
        ):
            table.add_column(col, justify="left" if col in ("decoder", "distance") else "right")
        for dec, by_dist in frames.items():
            for dist, s in by_dist.items():
                table.add_row(
                    dec,
                    dist,
                    str(s["frames"]),
                    f"{s['median_ms']:.1f}",
                    f"{s['p95_ms']:.1f}",
                    str(s["label_read"]),
                    str(s["qr_read"]),
                    str(s["code128_read"]),
                    str(s["frames_with_wrong_values"]),
                )
        console.print(table)


def _print_memory_and_bar(console: Console, doc: dict[str, Any]) -> None:
    mem = doc.get("session_memory")
    if mem:
        console.print(
            f"Session memory: {mem['frames']} frames, {mem['codes_emitted']} codes "
            f"emitted, RSS {mem['rss_after_warmup_mb']} -> {mem['rss_end_mb']} MB "
            f"(growth {mem['growth_mb']} MB)"
        )
    console.print(f"Peak memory (max RSS): {doc['peak_memory_mb']} MB")
    if doc["bar"]:
        table = Table(title="The bar (TagTrail vs raw libraries, same run)")
        for col in ("check", "result", "detail"):
            table.add_column(col)
        for c in doc["bar"]:
            table.add_row(
                c["check"], "[green]pass[/]" if c["passed"] else "[red]FAIL[/]", c["detail"]
            )
        console.print(table)
