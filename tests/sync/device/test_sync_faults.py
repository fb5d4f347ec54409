"""Faults injected at the httpx transport seam, against the real store in process.

After the faults heal and the queues drain: no operation lost, none applied twice, per-device
order kept, every device's view equals the store's, the cursor never goes backwards.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assets.hlc import DAY_MS, parse_stamp
from sync.device import heads
from sync.device.state import load_state
from sync.errors import ServerUnreachable

from .conftest import BASE_MS, FakeClock
from .faults import FaultyTransport, Killed
from .harness import Device, StoreHarness, check_invariants, drain, enrol_device, outbox_rows

BACKLOG = 10_000


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[StoreHarness]:
    store = StoreHarness(tmp_path / "store")
    yield store
    store.close()


def _enrol(harness: StoreHarness, *args: Any, **kw: Any) -> Device:
    """A device with a supervisor signed in, who may record every kind `_work` does."""
    return enrol_device(harness, *args, person="sue", **kw)


def _work(device: Device, rng: random.Random, count: int, tags: int = 12) -> None:
    """A day in miniature: scans, grades, status changes, loads (by a supervisor, who may
    record them all: assets.roles)."""
    svc = device.service
    for _ in range(count):
        tag = f"TA-{rng.randrange(tags)}"
        roll = rng.random()
        if roll < 0.5:
            svc.observe(tag, rng.choice(["DAL1/B1", "DAL1/B2/CLOSET-3", "DAL1/DOCK"]))
        elif roll < 0.7:
            svc.grade(tag, rng.choice(["F3/C5", "F4/C6", "F5/C7"]))
        elif roll < 0.85:
            state = svc.asset(tag).state
            nxt = {"in_stock": "storage", "storage": "surplus", "surplus": "storage"}
            svc.transition(tag, nxt.get(state.status, "storage"))
        else:
            svc.load(tag, "PL-1") if not svc.asset(tag).state.pallet else svc.unload(tag, "PL-1")


def _cursor(device: Device) -> int:
    with device.db.read() as conn:
        return int(load_state(conn).cursor or 0)


@pytest.mark.parametrize(
    ("path", "fault"),
    [
        ("/sync/push", "drop_request"),
        ("/sync/push", "drop_response"),
        ("/sync/push", "5xx"),
        ("/sync/push", "duplicate"),
        ("/sync/push", "replay_old"),
        ("/sync/push", "skip_ahead"),
        ("/sync/pull", "drop_request"),
        ("/sync/pull", "drop_response"),
        ("/sync/pull", "5xx"),
    ],
)
def test_fault_heals_without_loss_or_duplicates(
    harness: StoreHarness, tmp_path: Path, path: str, fault: str
) -> None:
    rng = random.Random(fault + path)
    transports = [FaultyTransport(harness.transport()) for _ in range(2)]
    devices = [
        _enrol(harness, tmp_path / f"d{i}.db", transports[i], batch_size=7, pull_limit=5)
        for i in range(2)
    ]
    cursors: list[list[int]] = [[], []]
    for round_ in range(4):
        for i, device in enumerate(devices):
            _work(device, rng, 15)
            transports[i].fail(path, fault, times=2)
            drain(device)
            cursors[i].append(_cursor(device))
        del round_
    assert all(t.fired for t in transports), "the fault never fired"
    check_invariants(harness, devices)
    for series in cursors:
        assert series == sorted(series), "a cursor went backwards"


def test_killed_between_answer_and_ack(harness: StoreHarness, tmp_path: Path) -> None:
    transport = FaultyTransport(harness.transport())
    device = _enrol(harness, tmp_path / "d.db", transport, batch_size=5)
    device.service.switch_person("sue")
    _work(device, random.Random(3), 23)
    transport.fail("/sync/push", "kill")
    with pytest.raises(Killed):
        device.engine.sync_now()
    assert len(harness.log()) == 5  # the store committed the first batch; the device never knew
    device = device.reopen(transport, batch_size=5)
    transport.fail("/sync/pull", "kill")
    with pytest.raises(Killed):
        device.engine.sync_now()  # pushes the rest (the first batch comes back `duplicate`)
    device = device.reopen(transport, batch_size=5)
    check_invariants(harness, [device])
    assert len(harness.log()) == 23


def test_clocks_a_day_apart_converge(harness: StoreHarness, tmp_path: Path) -> None:
    ahead, behind = FakeClock(BASE_MS + DAY_MS), FakeClock(BASE_MS - DAY_MS)
    devices = [
        _enrol(harness, tmp_path / "ahead.db", harness.transport(), now_ms=ahead),
        _enrol(harness, tmp_path / "behind.db", harness.transport(), now_ms=behind),
    ]
    for device in devices:
        device.service.switch_person("sue")
    devices[0].service.observe("TA-1", "DAL1/B1")
    devices[1].service.observe("TA-1", "DAL1/B2")
    drain(devices[0])
    drain(devices[1])
    # The device a day behind saw the stamp a day ahead: its next stamp sorts after it.
    later = devices[1].service.observe("TA-1", "DAL1/B3").op.hlc
    assert later > parse_stamp(devices[0].service.asset("TA-1").state.last_hlc)
    check_invariants(harness, devices)
    assert devices[0].service.asset("TA-1").state.location == "DAL1/B3"


@pytest.mark.slow
def test_offline_backlog_of_10000_goes_in_bounded_halving_batches(
    harness: StoreHarness, tmp_path: Path
) -> None:
    transport = FaultyTransport(harness.transport())
    device = _enrol(harness, tmp_path / "d.db", transport, batch_size=500)
    device.service.switch_person("sue")
    transport.offline = True
    for n in range(BACKLOG):
        device.service.observe(f"TA-{n % 2500}", f"DAL1/B{n % 4}/CLOSET-{n % 7}")
    with pytest.raises(ServerUnreachable):
        device.engine.sync_now()
    assert device.engine.progress.pending == BACKLOG
    transport.offline = False
    transport.max_ops = 300  # the store (or a proxy) takes at most 300 ops a request
    transport.push_sizes.clear()
    transport.fail("/sync/push", "drop_response", times=3)
    drain(device)
    assert "too_large" in transport.fired
    assert max(transport.push_sizes) <= 500  # bounded batches, never the whole backlog
    assert sum(n for n in transport.push_sizes if n <= 300) >= BACKLOG
    assert device.engine.progress.pending == 0
    check_invariants(harness, [device])
    assert len(harness.log()) == BACKLOG
    with device.db.read() as conn:
        assert heads.seen(conn), "the signed chain heads were not kept"


def test_view_never_reverts_between_push_and_pull(harness: StoreHarness, tmp_path: Path) -> None:
    transport = FaultyTransport(harness.transport())
    device = _enrol(harness, tmp_path / "d.db", transport)
    device.service.switch_person("sue")
    device.service.transition("TA-1", "surplus")
    transport.fail("/sync/pull", "5xx")
    with pytest.raises(ServerUnreachable):
        device.engine.sync_now()  # pushed and acked, but the pull failed
    assert [s for _, _, s in outbox_rows(device.db)] == ["acked"]
    assert device.service.asset("TA-1").state.status == "surplus"
    drain(device)
    assert [s for _, _, s in outbox_rows(device.db)] == ["settled"]
    view = device.service.asset("TA-1")
    assert view.pending == 0 and view.state.status == "surplus"


def test_an_answer_is_kept_when_the_batch_after_it_fails(
    harness: StoreHarness, tmp_path: Path
) -> None:
    """The device writes an answer down while the next batch is on its way: when that next
    request fails (here the one after it is answered but lost too), every answer it received
    is kept all the same, and the rest drains with nothing lost or applied twice."""
    transport = FaultyTransport(harness.transport())
    device = _enrol(harness, tmp_path / "d.db", transport, batch_size=5)
    device.service.switch_person("sue")
    _work(device, random.Random(5), 17)
    transport.fail("/sync/push", "")  # the first two batches go through
    transport.fail("/sync/push", "")
    transport.fail("/sync/push", "drop_request")
    with pytest.raises(ServerUnreachable):
        device.engine.sync_now()
    with device.db.read() as conn:
        assert load_state(conn).acked_seq == 10
    statuses = {seq: status for seq, _, status in outbox_rows(device.db)}
    assert {statuses[seq] for seq in range(1, 11)} == {"acked"}
    assert {statuses[seq] for seq in range(11, 18)} == {"pending"}
    transport.fail("/sync/push", "")
    transport.fail("/sync/push", "drop_response")  # the store keeps 16-17, the device hears not
    with pytest.raises(ServerUnreachable):
        device.engine.sync_now()
    with device.db.read() as conn:
        assert load_state(conn).acked_seq == 15
    drain(device)
    check_invariants(harness, [device])
    assert len(harness.log()) == 17
