"""The acceptance bar of the issue, checked on the figures of one run."""

from __future__ import annotations

from dataclasses import dataclass

from scanner.bench.dataset import NO_CODE
from scanner.bench.decoders import RAW_PYZBAR, RAW_ZXING, TAGTRAIL
from scanner.bench.stills import StillResults
from scanner.model import CODE39, CODE128, DATAMATRIX, EAN13, ITF, PDF417, QR, UPCA

BAR_SYMBOLOGIES = (QR, DATAMATRIX, CODE128, CODE39, EAN13, UPCA, ITF, PDF417)
UNION_SYMBOLOGIES = (EAN13, UPCA)
ZERO_MISREADS = (QR, DATAMATRIX, CODE128, CODE39)
TIME_FACTOR = 1.2


@dataclass(frozen=True, slots=True)
class Check:
    what: str
    passed: bool
    detail: str


def check(results: StillResults) -> list[Check]:
    ours = results.stats.get(TAGTRAIL, {})
    zx = results.stats.get(RAW_ZXING, {})
    zb = results.stats.get(RAW_PYZBAR, {})
    out: list[Check] = []
    for sym in BAR_SYMBOLOGIES:
        if sym not in ours:
            continue
        s, z, p = ours[sym], zx[sym], zb[sym]
        best = max(z.rate, p.rate)
        out.append(
            Check(
                f"{sym} rate >= better raw",
                s.rate >= best,
                f"{100 * s.rate:.1f}% vs {100 * best:.1f}%",
            )
        )
        if sym in UNION_SYMBOLOGIES:
            union = results.union.get(sym, 0) / s.images
            out.append(
                Check(
                    f"{sym} rate >= union of raw",
                    s.rate >= union,
                    f"{100 * s.rate:.1f}% vs {100 * union:.1f}%",
                )
            )
        if sym in ZERO_MISREADS:
            out.append(Check(f"{sym} no misreads", s.misreads == 0, f"{s.misreads} misreads"))
        limit = TIME_FACTOR * z.median_ms
        out.append(
            Check(
                f"{sym} median <= {TIME_FACTOR}x raw zxing-cpp",
                s.median_ms <= limit,
                f"{s.median_ms:.2f} ms vs {limit:.2f} ms",
            )
        )
    if NO_CODE in ours:
        false_reads = ours[NO_CODE].misreads
        out.append(
            Check(
                "no reads on images without a code",
                false_reads == 0,
                f"{false_reads} of {ours[NO_CODE].images} images",
            )
        )
    return out
