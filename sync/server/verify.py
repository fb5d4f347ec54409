"""Verify: recompute the operation log's hash chain and hold it against the signed heads.

A plain verify starts at the latest verified checkpoint (sync.server.verified) and walks only
the entries after it, so its cost is O(entries since the last verify); `full=True` walks the
whole log from the genesis hash. Checks, streaming the log in position order:
- the entry at the checkpoint still carries the checkpoint's hash (else the whole log is walked);
- positions run on with no hole (a deleted entry);
- each entry's stored hash equals the recomputed one (an edited entry);
- each entry's indexed columns — including its fold keys, which the hash does not cover — agree
  with its body as the domain core parses it;
- every signed head stored in the database after the starting point has a valid signature and
  matches the recomputed hash at its position (a chain recomputed inside the database cannot be
  re-signed);
- the latest head kept outside the database (beside the key) and any heads a device sends
  are covered: the log reaches their position and hashes to their hash there (truncation).
A verify that finds nothing wrong signs a new checkpoint at the last entry it read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from assets.errors import InvalidOperation
from assets.operations import parse_operation
from sync.protocol import SignedHead, VerifyReport
from sync.server import tables as t
from sync.server.chain import GENESIS_HASH, entry_hash
from sync.server.db import reading, writing
from sync.server.heads import head_of, latest_head
from sync.server.signing import check_signature, read_head_file
from sync.server.store import Store
from sync.server.verified import is_genuine, latest_checkpoints, record_checkpoint

MAX_PROBLEMS = 50
_COLUMNS = ("op_id", "device_id", "device_seq", "actor", "kind", "target", "hlc")

Pinned = dict[int, list[tuple[str, SignedHead]]]


@dataclass
class Problems:
    items: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(text)


@dataclass
class Outcome:
    report: VerifyReport
    last_hash: str  # recomputed hash of the last entry read


def verify(
    conn: Connection, store: Store, device_heads: Iterable[SignedHead] = (), *, full: bool = False
) -> VerifyReport:
    return walk_log(conn, store, device_heads, full=full).report


def verify_and_checkpoint(
    store: Store, device_heads: Iterable[SignedHead] = (), *, full: bool = False
) -> VerifyReport:
    """Verify in a read transaction; when intact and further than before, sign a checkpoint."""
    with reading(store.engine) as conn:
        outcome = walk_log(conn, store, device_heads, full=full)
    report = outcome.report
    if report.ok and report.entries > report.checked_from:
        with writing(store.engine) as conn:
            record_checkpoint(
                conn, store.signer, store.settings.partition, report.entries, outcome.last_hash
            )
    return report


def walk_log(
    conn: Connection, store: Store, device_heads: Iterable[SignedHead] = (), *, full: bool = False
) -> Outcome:
    partition = store.settings.partition
    problems = Problems()
    start, start_hash = (0, GENESIS_HASH) if full else _start_point(conn, store, problems)
    pinned = _pinned_heads(conn, store, device_heads, start, problems)
    _check_heads_before(conn, partition, pinned, start, problems)
    last, last_hash = _walk(conn, partition, (start, start_hash), pinned, problems)
    for position, entries in sorted(pinned.items()):
        if position > last:
            for source, _ in entries:
                problems.add(
                    f"the log ends at {last} but the {source} covers up to {position}: "
                    "entries were removed from the end"
                )
    report = VerifyReport(
        ok=not problems.items,
        entries=last,
        head=latest_head(conn, partition),
        problems=problems.items,
        checked_from=start,
    )
    return Outcome(report, last_hash)


def _start_point(conn: Connection, store: Store, problems: Problems) -> tuple[int, str]:
    """The latest genuine checkpoint whose entry still carries its hash, else the genesis."""
    partition = store.settings.partition
    for cp in latest_checkpoints(conn, partition):
        if not is_genuine(store.signer.public_raw, cp):
            problems.add(f"the verified checkpoint at position {cp.position} is not signed")
            continue
        stored = conn.execute(
            select(t.oplog.c.hash).where(
                t.oplog.c.partition == partition, t.oplog.c.position == cp.position
            )
        ).scalar()
        if stored != cp.hash:
            problems.add(
                f"entry {cp.position}, verified intact earlier, was changed or removed: "
                "walking the whole log"
            )
            return 0, GENESIS_HASH
        return cp.position, cp.hash
    return 0, GENESIS_HASH


def _pinned_heads(
    conn: Connection, store: Store, device_heads: Iterable[SignedHead], start: int, p: Problems
) -> Pinned:
    """Signed heads by position: stored ones after `start`, the one off the database, the
    device's. Each signature is checked here."""
    partition = store.settings.partition
    pinned: Pinned = {}
    query = select(t.heads).where(t.heads.c.partition == partition, t.heads.c.position > start)
    for row in conn.execute(query):
        pinned.setdefault(row.position, []).append(("stored head", head_of(row)))
    outside = read_head_file(store.settings.heads_dir, store.store_id, partition)
    if outside is not None:
        pinned.setdefault(outside.position, []).append(("head kept off the database", outside))
    for head in device_heads:
        if head.partition == partition:
            pinned.setdefault(head.position, []).append(("a device's head", head))
    for position, entries in pinned.items():
        for source, head in entries:
            if not check_signature(store.signer.public_raw, head):
                p.add(f"the {source} at position {position} has no valid signature")
    return pinned


def _check_heads_before(
    conn: Connection, partition: str, pinned: Pinned, start: int, p: Problems
) -> None:
    """Heads at or before the checkpoint: the stored entry there must still carry their hash
    (the checkpoint proved that stored hash was the recomputed one)."""
    for position in sorted(pos for pos in pinned if pos <= start):
        stored = conn.execute(
            select(t.oplog.c.hash).where(
                t.oplog.c.partition == partition, t.oplog.c.position == position
            )
        ).scalar()
        for source, head in pinned[position]:
            if stored != head.hash:
                p.add(f"the log up to {position} does not match the {source}")


def _walk(
    conn: Connection, partition: str, start: tuple[int, str], pinned: Pinned, p: Problems
) -> tuple[int, str]:
    expected, prev = start
    query = (
        select(t.oplog)
        .where(t.oplog.c.partition == partition, t.oplog.c.position > start[0])
        .order_by(t.oplog.c.position)
        .execution_options(stream_results=True, yield_per=2000)
    )
    for row in conn.execute(query):
        expected += 1
        if row.position != expected:
            p.add(f"entries {expected}..{row.position - 1} are missing from the log")
            expected = row.position
        computed = entry_hash(
            prev,
            position=row.position,
            partition=row.partition,
            site=row.site,
            received_ms=row.received_ms,
            body=row.body,
        )
        if computed != row.hash:
            p.add(f"entry {row.position} ({row.op_id}) was changed: its hash does not match")
        check_columns(row, p)
        for source, head in pinned.get(row.position, ()):
            if head.hash != computed:
                p.add(f"the log up to {row.position} does not match the {source}")
        prev = computed  # carry on from the recomputed hash so one edit is reported once
    return expected, prev


def check_columns(row: Any, p: Problems) -> None:
    """The indexed columns of a log row against its body, fold keys included."""
    try:
        body = json.loads(row.body)
        op = parse_operation(body)
    except (ValueError, InvalidOperation) as exc:
        p.add(f"entry {row.position}: the recorded operation no longer reads: {exc}")
        return
    for name in _COLUMNS:
        if body.get(name) != getattr(row, name):
            p.add(f"entry {row.position}: column {name} differs from the recorded operation")
            return
    touches = op.touches
    fold = (row.fold_a, row.fold_b)
    if fold != (touches[0], touches[1] if len(touches) > 1 else None):
        p.add(
            f"entry {row.position}: its fold keys {fold} are not the targets the operation "
            f"touches ({', '.join(touches)})"
        )
