"""Decode rate, misreads and time per image on the labelled public images."""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from dataclasses import dataclass, field

from scanner.bench.dataset import NO_CODE, Sample, matches
from scanner.bench.decoders import DecodeFn, Reads
from scanner.images import read_gray


@dataclass(slots=True)
class Outcome:
    decoded: bool  # the expected value is among the reads
    misread: bool  # values were returned, none of them the expected one
    seconds: float


@dataclass(slots=True)
class Stats:
    images: int = 0
    decoded: int = 0
    misreads: int = 0  # for NO_CODE: images with any read (false reads)
    times: list[float] = field(default_factory=list)

    def add(self, o: Outcome) -> None:
        self.images += 1
        self.decoded += o.decoded
        self.misreads += o.misread
        self.times.append(o.seconds)

    @property
    def rate(self) -> float:
        return self.decoded / self.images if self.images else 0.0

    @property
    def median_ms(self) -> float:
        return 1000 * statistics.median(self.times) if self.times else 0.0

    @property
    def p95_ms(self) -> float:
        if not self.times:
            return 0.0
        ordered = sorted(self.times)
        return 1000 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def judge(sample: Sample, reads: Reads, seconds: float) -> Outcome:
    if sample.symbology == NO_CODE:
        return Outcome(False, bool(reads), seconds)
    hit = any(matches(sample, text, raw) for text, raw in reads)
    return Outcome(hit, bool(reads) and not hit, seconds)


@dataclass(slots=True)
class StillResults:
    # decoder -> symbology -> stats
    stats: dict[str, dict[str, Stats]]
    # symbology -> images read by at least one of the raw libraries
    union: dict[str, int]


def run(
    samples: list[Sample], decoders: dict[str, DecodeFn], union_of: tuple[str, ...]
) -> StillResults:
    """Every decoder on every image, interleaved per image so caches treat them alike."""
    stats: dict[str, dict[str, Stats]] = defaultdict(lambda: defaultdict(Stats))
    union: dict[str, int] = defaultdict(int)
    for sample in samples:
        gray = read_gray(sample.path)
        hit_by_raw = False
        for name, fn in decoders.items():
            start = time.perf_counter()
            reads = fn(gray)
            elapsed = time.perf_counter() - start
            outcome = judge(sample, reads, elapsed)
            stats[name][sample.symbology].add(outcome)
            if name in union_of and outcome.decoded:
                hit_by_raw = True
        union[sample.symbology] += hit_by_raw
    return StillResults({k: dict(v) for k, v in stats.items()}, dict(union))
