"""Verify: recompute the operation log's hash chain and hold it against the signed heads.

Checks, streaming the log in position order (never the whole table in memory):
- positions run 1, 2, 3 … with no hole (a deleted entry);
- each entry's stored hash equals the recomputed one (an edited entry);
- each entry's indexed columns agree with its body;
- every signed head stored in the database has a valid signature and matches the recomputed
  hash at its position (a chain recomputed inside the database cannot be re-signed);
- the latest head kept outside the database (beside the key) and any heads a device sends
  are covered: the log reaches their position and hashes to their hash there (truncation).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import Connection, select

from sync.protocol import SignedHead, VerifyReport
from sync.server import tables as t
from sync.server.chain import GENESIS_HASH, entry_hash
from sync.server.signing import check_signature, read_head_file
from sync.server.store import Store

MAX_PROBLEMS = 50


def verify(conn: Connection, store: Store, device_heads: Iterable[SignedHead] = ()) -> VerifyReport:
    partition = store.settings.partition
    public = store.signer.public_raw
    problems: list[str] = []

    def problem(text: str) -> None:
        if len(problems) < MAX_PROBLEMS:
            problems.append(text)

    pinned: dict[int, list[tuple[str, SignedHead]]] = {}
    for row in conn.execute(select(t.heads).where(t.heads.c.partition == partition)):
        head = SignedHead(
            partition=row.partition,
            position=row.position,
            hash=row.hash,
            signature=row.signature,
            key_id=row.key_id,
            signed_at=row.signed_at,
        )
        pinned.setdefault(head.position, []).append(("stored head", head))
    outside = read_head_file(store.settings.heads_dir, store.store_id, partition)
    if outside is not None:
        pinned.setdefault(outside.position, []).append(("head kept off the database", outside))
    for head in device_heads:
        if head.partition == partition:
            pinned.setdefault(head.position, []).append(("a device's head", head))
    for position, entries in pinned.items():
        for source, head in entries:
            if not check_signature(public, head):
                problem(f"the {source} at position {position} has no valid signature")

    expected_position, prev = 0, GENESIS_HASH
    query = (
        select(t.oplog)
        .where(t.oplog.c.partition == partition)
        .order_by(t.oplog.c.position)
        .execution_options(stream_results=True, yield_per=2000)
    )
    for row in conn.execute(query):
        expected_position += 1
        if row.position != expected_position:
            problem(f"entries {expected_position}..{row.position - 1} are missing from the log")
            expected_position = row.position
        computed = entry_hash(
            prev,
            position=row.position,
            partition=row.partition,
            site=row.site,
            received_ms=row.received_ms,
            body=row.body,
        )
        if computed != row.hash:
            problem(f"entry {row.position} ({row.op_id}) was changed: its hash does not match")
        _check_columns(row, problem)
        for source, head in pinned.get(row.position, ()):
            if head.hash != computed:
                problem(f"the log up to {row.position} does not match the {source}")
        prev = computed  # carry on from the recomputed hash so one edit is reported once
    last = expected_position
    for position, entries in sorted(pinned.items()):
        if position > last:
            for source, _ in entries:
                problem(
                    f"the log ends at {last} but the {source} covers up to {position}: "
                    "entries were removed from the end"
                )
    latest: SignedHead | None = max(
        (h for e in pinned.values() for s, h in e if s == "stored head"),
        key=lambda h: h.position,
        default=None,
    )
    return VerifyReport(ok=not problems, entries=last, head=latest, problems=problems)


def _check_columns(row: object, problem: object) -> None:
    body = json.loads(row.body)  # type: ignore[attr-defined]
    for name in ("op_id", "device_id", "device_seq", "actor", "kind", "target", "hlc"):
        if body.get(name) != getattr(row, name):
            problem(  # type: ignore[operator]
                f"entry {row.position}: column {name} differs from the recorded operation"  # type: ignore[attr-defined]
            )
            return
