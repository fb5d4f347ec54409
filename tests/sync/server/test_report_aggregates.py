"""The disposition report's aggregates, kept in the push transaction, equal a full recompute
from the log whatever order the operations arrive in (late ones refold their asset), and a
supervisor's decision on a disputed outcome moves the asset's contribution."""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from assets.operations import Operation
from sync.server import tables as t
from sync.server.db import reading
from sync.server.disposals import DAY_MS, Disposal, Totals, rebuild_disposals
from sync.server.reports import Window, disposition_report, recompute_report
from tests.assets.factory import BASE_MS, Device
from tests.sync.server.harness import DeviceClient, World, open_store

SITES = ("DAL1", "AUS2")
OUTCOMES = ("resale", "recycle", "destruction", "redeploy")
_runs = itertools.count()


@contextmanager
def fresh_world() -> Iterator[World]:
    """A store of its own for one generated history."""
    with tempfile.TemporaryDirectory(prefix="tt-agg-") as path:
        w = World(open_store(f"sqlite:///{Path(path) / 'store.db'}", Path(path)))
        try:
            yield w
        finally:
            w.close()


def _windows() -> list[tuple[Window, str | None]]:
    return [
        (Window(), None),
        (Window(), "DAL1"),
        (Window(BASE_MS + DAY_MS // 2, BASE_MS + 2 * DAY_MS + 7), None),
        (Window(BASE_MS + DAY_MS + 1, None), "AUS2"),
        (Window(None, BASE_MS + DAY_MS + DAY_MS // 3), None),
        (Window(BASE_MS + 3, BASE_MS + DAY_MS // 4), None),
    ]


def _day(row: Any) -> tuple[int, Totals]:
    # Compared as numbers: 0.210 kept by adding and taking away equals 0.21 summed once.
    return row.assets, Totals.from_json(row.totals)


def assert_aggregates_match(world: World) -> None:
    with reading(world.store.engine) as conn:
        for window, site in _windows():
            kept_report = disposition_report(conn, site, window)
            full = recompute_report(conn, site, window)
            assert kept_report.model_dump() == full.model_dump(), (window, site)
        kept = {r.key: Disposal.from_row(r) for r in conn.execute(select(t.disposals))}
        days = {(r.site, r.day): _day(r) for r in conn.execute(select(t.disposal_days))}
        counts = dict(conn.execute(select(t.locations.c.key, t.locations.c.asset_count)).all())
        located: dict[str | None, int] = dict(
            conn.execute(
                select(t.assets.c.location, func.count()).group_by(t.assets.c.location)
            ).all()
        )
    assert {k: n for k, n in counts.items() if n} == {k: n for k, n in located.items() if k}
    with world.store.engine.connect() as conn, conn.begin():
        rebuild_disposals(conn)  # from scratch, then compare with what the pushes kept
        rebuilt = {r.key: Disposal.from_row(r) for r in conn.execute(select(t.disposals))}
        rebuilt_days = {(r.site, r.day): _day(r) for r in conn.execute(select(t.disposal_days))}
        conn.rollback()
    assert kept == rebuilt
    assert days == rebuilt_days


def _disposal_args(outcome: str, grams: int, cents: int | None) -> dict[str, Any]:
    args: dict[str, Any] = {
        "outcome": outcome,
        "weight": {"value": f"{grams / 1000}", "unit": "kg"},
    }
    if outcome == "recycle":
        args["commodity"] = "aluminium" if grams % 2 else "plastics"
    if cents is not None:
        args["value"] = {"amount": f"{cents / 100:.2f}", "currency": "USD" if cents % 2 else "EUR"}
    return args


# One step a device takes: (device, asset, kind, site, outcome, hours after the start, grams, cents)
STEP = st.tuples(
    st.integers(0, 2),
    st.integers(0, 3),
    st.sampled_from(("observe", "dispose", "sanitize")),
    st.sampled_from(SITES),
    st.sampled_from(OUTCOMES),
    st.integers(1, 80),
    st.integers(100, 9000),
    st.one_of(st.none(), st.integers(0, 50_000)),
)


def _history(run: int, steps: list[tuple[Any, ...]]) -> list[list[Operation]]:
    """Each device's operations in its own order; device 0 registers the assets first."""
    devices = [Device(f"agg-{run}-{d}") for d in range(3)]
    queues: list[list[Operation]] = [[] for _ in devices]
    for n in range(4):
        key = f"asset:AGG-{run}-{n}"
        register = {"serial": f"SN-{run}-{n}", "category": "laptop", "data_bearing": n % 2 == 0}
        if n % 2 == 0:
            register["storage_serials"] = [f"DISK-{run}-{n}"]
        queues[0].append(devices[0].op("register", key, register, at_ms=BASE_MS + n))
        where = {"location": f"{SITES[n % 2]}/B1/DOCK"}
        queues[0].append(devices[0].op("observe", key, where, at_ms=BASE_MS + 10 + n))
    for device, n, kind, site, outcome, hours, grams, cents in steps:
        dev, key = devices[device], f"asset:AGG-{run}-{n}"
        at = BASE_MS + hours * 3_600_000 + device
        if kind == "observe":
            op = dev.op("observe", key, {"location": f"{site}/B1/R{hours % 3}"}, at_ms=at)
        elif kind == "sanitize":
            wipe = {
                "storage_serial": f"DISK-{run}-{n}",
                "method": ("clear", "purge", "destroy")[hours % 3],
                "tool": "WipeRight",
                "verified": grams % 3 != 0,
                "performed_by": "tech",
                "performed_at": "2026-05-28T21:00:00Z",
            }
            op = dev.op("sanitize", key, wipe, at_ms=at)
        else:
            op = dev.op("dispose", key, _disposal_args(outcome, grams, cents), at_ms=at)
        queues[device].append(op)
    return queues


def _push_interleaved(
    clients: list[DeviceClient], queues: list[list[Operation]], order: list[int], sizes: list[int]
) -> None:
    """Push the devices' queues in the drawn interleaving, in batches of the drawn sizes."""
    pending = [list(q) for q in queues]
    for pick, size in zip(itertools.cycle(order), itertools.cycle(sizes), strict=False):
        if not any(pending):
            return
        device = next(d for d in itertools.chain([pick % 3], range(3)) if pending[d])
        batch, pending[device] = pending[device][:size], pending[device][size:]
        clients[device].push(batch)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    steps=st.lists(STEP, min_size=4, max_size=24),
    order=st.lists(st.integers(0, 2), min_size=1, max_size=8),
    sizes=st.lists(st.integers(1, 6), min_size=1, max_size=4),
)
def test_aggregates_equal_a_recompute_over_a_shuffled_history(
    steps: list[tuple[Any, ...]], order: list[int], sizes: list[int]
) -> None:
    run = next(_runs)
    queues = _history(run, steps)
    with fresh_world() as world:
        clients = [world.device(f"agg-{run}-{d}") for d in range(3)]
        _push_interleaved(clients, queues, order, sizes)
        assert_aggregates_match(world)


def test_a_decided_dispute_moves_the_asset_to_the_decided_outcome(world: World) -> None:
    a, b = Device("disp-a"), Device("disp-b", start_ms=BASE_MS + 60_000)
    key = "asset:DISPUTE-1"
    first = [
        a.op("register", key, {"serial": "SN-D1", "category": "laptop"}),
        a.op("observe", key, {"location": "DAL1/B1/DOCK"}),
        a.op("dispose", key, _disposal_args("recycle", 2500, None)),
    ]
    world.device("disp-a").push(first)
    world.device("disp-b").push([b.op("dispose", key, _disposal_args("resale", 2000, 9900))])
    sup = world.device("disp-sup", "sup")
    with reading(world.store.engine) as conn:
        before = disposition_report(conn)
    assert before.assets_disposed == 1
    conflicts = sup.get("/v1/conflicts", target=key).json()["items"]
    assert [c["type"] for c in conflicts] == ["disposition_disputed"]
    r = sup.post(f"/v1/conflicts/{conflicts[0]['id']}/decision", {"choice": "b"})
    assert r.status_code == 200, r.text
    with reading(world.store.engine) as conn:
        after = disposition_report(conn)
        assert after == recompute_report(conn)
    decided = next(o for o in after.outcomes if o.assets)
    assert (
        after.assets_disposed == 1
        and decided.outcome != next(o for o in before.outcomes if o.assets).outcome
    )
    assert_aggregates_match(world)


def test_a_late_move_moves_the_disposal_to_the_other_site(tmp_path: Path, db_url: str) -> None:
    w = World(open_store(db_url, tmp_path))
    try:
        early, late = Device("mv-early"), Device("mv-late")
        key = "asset:MOVE-1"
        w.device("mv-early").push(
            [
                early.op("register", key, {"serial": "SN-M1"}, at_ms=BASE_MS),
                early.op("observe", key, {"location": "AUS2/B1/R1"}, at_ms=BASE_MS + 10),
                early.op("dispose", key, _disposal_args("recycle", 1000, None), at_ms=BASE_MS + 50),
            ]
        )
        with reading(w.store.engine) as conn:
            assert disposition_report(conn, "AUS2").assets_disposed == 1
        # Seen in DAL1 after the AUS2 scan but pushed later: the asset's fold now ends in DAL1.
        w.device("mv-late").push(
            [late.op("observe", key, {"location": "DAL1/B1/R1"}, at_ms=BASE_MS + 20)]
        )
        with reading(w.store.engine) as conn:
            assert disposition_report(conn, "AUS2").assets_disposed == 0
            assert disposition_report(conn, "DAL1").assets_disposed == 1
            counts = dict(conn.execute(select(t.locations.c.key, t.locations.c.asset_count)).all())
        assert counts["DAL1/B1/R1"] == 1 and counts["AUS2/B1/R1"] == 0
        assert_aggregates_match(w)
    finally:
        w.close()
