"""Runs of new tags for label sheets: how many at a time, which come after a number, and how a
stored key gives its tag's number back.

A run is the next `count` numbers of one kind after the highest already used. The central store
hands runs out (sync.server.tag_blocks) so two devices never print the same numbers; a device
that cannot reach the store counts on from what it knows (sync.device.tag_numbers).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from assets.errors import InvalidTag
from assets.tags import DEFAULT_TAG_CONFIG, TagConfig, make_tag

MAX_NEW_TAGS = 3000  # a hundred sheets at once: more is a typo
MAX_TAG_NUMBER = 10**DEFAULT_TAG_CONFIG.number_width - 1  # the default numbering's last


def count_problem(count: int) -> str | None:
    """Why `count` new tags cannot be printed at once, or None when it can."""
    if isinstance(count, bool) or not 1 <= count <= MAX_NEW_TAGS:
        return f"print from 1 to {MAX_NEW_TAGS} new tags at a time"
    return None


def offline_start_problem(kind: str, first: int, highest_known: int) -> str | None:
    """Why a run a device numbered offline cannot start at `first` when the store's highest
    number of `kind` (handed out or held) is `highest_known`, or None when it can. A device
    counts on from what it knew, and all of that reached the store before the report (its own
    runs, the tags it pushed; its reports go oldest first). A start far above is no device's
    count: it would spend the kind's numbers in one report. Room is left for one earlier run
    the store never kept (refused by an older store)."""
    if first > highest_known + MAX_NEW_TAGS + 1:
        return (
            f"a run numbered offline cannot start at {first}: the store's highest {kind} tag "
            f"number is {highest_known}, and a device counts on from what it knew"
        )
    return None


def run_after(kind: str, highest: int, count: int, config: TagConfig) -> list[str]:
    """The `count` tags of `kind` numbered right after `highest`. InvalidTag when the count is
    out of range or the numbers run out (the sentence says which)."""
    problem = count_problem(count)
    if problem is not None:
        raise InvalidTag(problem)
    last = highest + count
    if last >= 10**config.number_width:
        left = max(0, 10**config.number_width - 1 - highest)
        raise InvalidTag(f"only {left} new {kind} tags are left, not {count}")
    return [make_tag(kind, number, config) for number in range(highest + 1, last + 1)]


def key_range(kind: str, config: TagConfig) -> tuple[str, str]:
    """The keys of `kind`'s own tags sort inside [low, high): one index range to search."""
    prefix = config.prefixes[kind]
    return f"{kind}:{prefix}-", f"{kind}:{prefix}."  # "." sorts right after "-"


@lru_cache(maxsize=64)
def _key_pattern(kind: str, prefix: str, width: int) -> re.Pattern[str]:
    return re.compile(rf"{kind}:{prefix}-(\d{{{width}}})-[0-9A-Z]", re.ASCII)


def number_of_key(key: str, kind: str, config: TagConfig) -> int | None:
    """The number of the tag a key such as `asset:TA-0000042-K` names (None: not one of ours)."""
    found = _key_pattern(kind, config.prefixes[kind], config.number_width).fullmatch(key)
    return int(found.group(1)) if found else None


def highest_of(keys_descending: Iterable[str], kind: str, config: TagConfig) -> int:
    """The number of the first key of ours among keys read highest first (0: none). A few
    keys suffice: only a damaged or foreign key can sort above our highest."""
    for key in keys_descending:
        number = number_of_key(key, kind, config)
        if number is not None:
            return number
    return 0
