"""The outbox stays small and its reads stay indexed however much the device has recorded.

- settled rows are compacted out of the outbox into `settled`, and the history still shows them;
- the counts come from counters the triggers keep, equal to a fresh count at every step;
- every statement a scan, a view, a history, a push round and a pull round runs against the
  outbox or `settled` is an index search after ANALYZE (EXPLAIN QUERY PLAN: never a SCAN).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select, text

from sync.device import history, outbox
from sync.device.database import DeviceDatabase
from sync.device.schema import outbox as outbox_table
from sync.device.schema import settled
from sync.device.service import DeviceService

GROWING = ("outbox", "settled")


def _fresh_counts(db: DeviceDatabase) -> dict[str, int]:
    with db.read() as conn:
        rows = conn.execute(
            select(outbox_table.c.status, func.count()).group_by(outbox_table.c.status)
        )
        found = {str(status): int(n) for status, n in rows}
        found["settled"] = int(conn.execute(select(func.count()).select_from(settled)).scalar_one())
    return {name: found.get(name, 0) for name in ("pending", "acked", "settled", "rejected")}


def _counts(db: DeviceDatabase) -> dict[str, int]:
    with db.read() as conn:
        return outbox.counts(conn)


def _sync_round(db: DeviceDatabase, through: int, rejected: set[int], now: int) -> None:
    """What the engine does with a push answer up to `through`, then a pull that drained."""
    with db.read() as conn:
        bodies = outbox.next_batch(conn, 0, 10_000)
    assert bodies
    verdicts = [
        (seq, "rejected" if seq in rejected else "applied", "no" if seq in rejected else None)
        for seq in range(1, through + 1)
    ]
    with db.write() as conn:
        outbox.record_verdicts(conn, verdicts, through, now)
    with db.write() as conn:
        outbox.settle(conn, through)


def _grown(service: DeviceService, ops: int) -> None:
    for n in range(ops):
        service.observe(f"TA-{n % 700:07d}", f"DAL1/B{n % 4}/CLOSET-{n % 7}")
    service.load("TA-0000001", "TP-0000001")


def test_settled_rows_leave_the_outbox_and_history_stays_readable(
    service: DeviceService,
) -> None:
    db = service.db
    _grown(service, 30)
    assert (
        _counts(db)
        == _fresh_counts(db)
        == {
            "pending": 31,
            "acked": 0,
            "settled": 0,
            "rejected": 0,
        }
    )
    _sync_round(db, 31, rejected={5}, now=1)
    assert (
        _counts(db)
        == _fresh_counts(db)
        == {
            "pending": 0,
            "acked": 0,
            "settled": 30,
            "rejected": 1,
        }
    )
    with db.read() as conn:
        left = conn.execute(select(outbox_table.c.device_seq, outbox_table.c.status)).all()
    assert [tuple(r) for r in left] == [(5, "rejected")]  # only the refused one stays
    service.observe("TA-0000001", "DAL1/B9")
    assert _counts(db) == _fresh_counts(db)
    entries = service.history("TA-0000001")
    # the new scan (pending), the load (settled, found through its second key too) and the
    # settled sighting are all there, newest first
    assert [(e.kind, e.pending) for e in entries[:3]] == [
        ("observe", True),
        ("load", False),
        ("observe", False),
    ]
    with db.read() as conn:
        assert len(history.device_entries(conn, "pallet:TP-0000001")) == 1


@contextmanager
def _statements(db: DeviceDatabase) -> Iterator[list[str]]:
    """Every SQL statement the device database runs meanwhile, parameters filled in."""
    seen: list[str] = []

    def on_checkout(dbapi_conn: sqlite3.Connection, *_args: Any) -> None:
        dbapi_conn.set_trace_callback(seen.append)

    def on_checkin(dbapi_conn: sqlite3.Connection, *_args: Any) -> None:
        dbapi_conn.set_trace_callback(None)

    event.listen(db.engine, "checkout", on_checkout)
    event.listen(db.engine, "checkin", on_checkin)
    try:
        yield seen
    finally:
        event.remove(db.engine, "checkout", on_checkout)
        event.remove(db.engine, "checkin", on_checkin)


def _scans_of_growing_tables(db: DeviceDatabase, statements: list[str]) -> list[str]:
    found = []
    with db.read() as conn:
        for sql in statements:
            text = sql.strip()
            if not re.match(r"(SELECT|INSERT|UPDATE|DELETE)\b", text, re.I):
                continue  # BEGIN, COMMIT, PRAGMA, and trigger lines ("-- TRIGGER ...")
            if not any(re.search(rf"\b{table}\b", text) for table in GROWING):
                continue
            plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {text}").all()
            for row in plan:
                step = str(row[3])
                if re.match(rf"SCAN ({'|'.join(GROWING)})\b", step):
                    found.append(f"{step}  <-  {text[:160]}")
    return found


def test_device_reads_stay_indexed_after_analyze(service: DeviceService) -> None:
    db = service.db
    _grown(service, 3000)
    _sync_round(db, 2500, rejected={7, 700}, now=1)
    _grown(service, 300)  # in flight again, on targets with a long settled past
    with db.write() as conn:
        conn.exec_driver_sql("ANALYZE")
    with _statements(db) as seen:
        service.observe("TA-0000003", "DAL1/B2")  # a scan
        service.asset("TA-0000003")
        service.pallet("TP-0000001")
        service.history("TA-0000003")
        service.location_tags()
        service.outbox_counts()
        service.rejected()
        service.recent_work("tess")  # a scan list rebuilt after a restart
        _sync_round(db, 2900, rejected=set(), now=2)
    assert any("outbox" in s for s in seen)
    assert _scans_of_growing_tables(db, seen) == []
    assert _counts(db) == _fresh_counts(db)


def test_an_older_settled_operation_is_pushed_again_when_the_store_asks(
    service: DeviceService,
) -> None:
    """A store restored from a backup asks again from an earlier seq: the settled rows are
    sent again from `settled`, in order, before what is still in the outbox."""
    db = service.db
    _grown(service, 5)
    _sync_round(db, 4, rejected=set(), now=1)
    with db.read() as conn:
        assert [b.count('"device_seq"') for b in outbox.next_batch(conn, 4, 10)] == [1, 1]
        again = outbox.next_batch(conn, 2, 10)
    assert [int(re.search(r'"device_seq":(\d+)', b).group(1)) for b in again] == [3, 4, 5, 6]  # type: ignore[union-attr]


def test_each_verdict_is_kept_through_compaction(service: DeviceService) -> None:
    db = service.db
    _grown(service, 5)
    answers = [
        (1, "applied", None),
        (2, "flagged", "two sites"),
        (3, "applied", "no effect: already there"),
        (4, "duplicate", None),
        (5, "applied", None),
    ]
    with db.write() as conn:
        outbox.record_verdicts(conn, answers, 5, 1)
        outbox.settle(conn, 5)
    with db.read() as conn:
        kept = conn.execute(select(settled.c.device_seq, settled.c.verdict)).all()
    assert sorted(tuple(r) for r in kept) == [
        (1, "applied"),
        (2, "flagged"),
        (3, "applied"),
        (4, "duplicate"),
        (5, "applied"),
    ]
    with db.read() as conn:  # the sixth (the load) was not answered: still pending
        assert outbox.counts(conn) == {"pending": 1, "acked": 0, "settled": 5, "rejected": 0}


def test_upgrade_to_version_4_compacts_and_counts_what_is_there(tmp_path: Path) -> None:
    path = tmp_path / "v3.db"
    old = DeviceDatabase(path, version=3)
    with old.write() as conn:
        for seq, status in enumerate(("settled", "settled", "rejected", "acked", "pending"), 1):
            conn.execute(
                text(
                    "INSERT INTO outbox (device_seq, op_id, kind, target, hlc, actor, body,"
                    " status, verdict, created_ms) VALUES (:seq, :op, 'observe', 'asset:A', 'h',"
                    " 'bob', '{}', :status, 'applied', 1)"
                ),
                {"seq": seq, "op": f"op-{seq}", "status": status},
            )
    old.close()
    new = DeviceDatabase(path)
    try:
        assert 4 in new.migrated
        with new.read() as conn:
            moved = conn.execute(select(settled.c.device_seq, settled.c.verdict)).all()
            left = conn.execute(select(outbox_table.c.device_seq)).scalars().all()
        assert sorted(tuple(r) for r in moved) == [(1, "applied"), (2, "applied")]
        assert sorted(left) == [3, 4, 5]
        assert (
            _counts(new)
            == _fresh_counts(new)
            == {
                "pending": 1,
                "acked": 1,
                "settled": 2,
                "rejected": 1,
            }
        )
    finally:
        new.close()
