"""Combining the reads of several back-ends into one answer, guarded against wrong values.

A trusted back-end (zxing-cpp returned no wrong values in our measurements) has its reads
taken as they are. An untrusted one's read (pyzbar: checksum-valid misreads, wrong
character sets) is added only when it is plausible (check digits), does not contradict a
read already accepted at the same place, and is confirmed in an independent view (the
caller's `confirm`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from scanner.guard import plausible
from scanner.model import Decoded


def overlap(a: Decoded, b: Decoded) -> bool:
    ax0, ay0, ax1, ay1 = a.bounds()
    bx0, by0, bx1, by1 = b.bounds()
    return ax0 <= bx1 and bx0 <= ax1 and ay0 <= by1 and by0 <= ay1


def dedupe(codes: Sequence[Decoded]) -> list[Decoded]:
    """One entry per distinct code at a distinct place (a library may report a code twice)."""
    out: list[Decoded] = []
    for c in codes:
        if any(o.key == c.key and overlap(o, c) for o in out):
            continue
        out.append(c)
    return out


def merge(
    accepted: Sequence[Decoded],
    new: Sequence[Decoded],
    confirm: Callable[[Decoded], bool] | None = None,
) -> list[Decoded]:
    """`accepted` plus the plausible, non-contradicting reads of `new`.

    With `confirm` (an untrusted back-end) each new read must also pass `confirm(code)`.
    """
    result = list(accepted)
    for c in dedupe(new):
        if not plausible(c):
            continue
        if any(p.key == c.key for p in result):
            continue  # agreement: already reported
        # A different value where an earlier back-end read one: keep the earlier. (Codes of
        # one back-end may overlap: a small code printed inside a large one.)
        if any(overlap(p, c) for p in accepted):
            continue
        if confirm is None or confirm(c):
            result.append(c)
    return result
