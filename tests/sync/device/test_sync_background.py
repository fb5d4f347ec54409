"""The engine running in the background: every trigger, progress callbacks, rejections,
decisions, re-snapshot, and a real uvicorn store on loopback."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from sync.device.progress import OFFLINE, SyncProgress

from .faults import FaultyTransport
from .harness import (
    PIN,
    LoopbackStore,
    StoreHarness,
    check_invariants,
    drain,
    enrol_device,
    outbox_rows,
)


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[StoreHarness]:
    store = StoreHarness(tmp_path / "store")
    yield store
    store.close()


def _until(check: Callable[[], bool], timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the engine")
        time.sleep(0.02)


def test_triggers_new_op_timer_and_reconnect(harness: StoreHarness, tmp_path: Path) -> None:
    seen: list[SyncProgress] = []
    transport = FaultyTransport(harness.transport())
    device = enrol_device(
        harness,
        tmp_path / "d.db",
        transport,
        interval_s=0.3,
        debounce_s=0.05,
        on_progress=seen.append,
    )
    other = enrol_device(harness, tmp_path / "o.db", harness.transport())
    device.service.switch_person("tech")
    other.service.switch_person("tech")
    device.service.on_recorded = lambda _r: device.engine.nudge()
    device.engine.start()
    try:
        # Trigger: a new operation (debounced) pushes without anyone asking.
        _until(lambda: device.engine.progress.last_success_ms is not None)
        device.service.observe("TA-1", "DAL1/B1")
        _until(lambda: harness.log() != [])
        # Trigger: the timer pulls what another device did.
        other.service.observe("TA-2", "DAL2/B1")
        other.engine.sync_now()
        _until(lambda: device.service.asset("TA-2").known)
        # Trigger: connectivity returns (the probe notices) and the queue drains.
        transport.offline = True
        device.service.observe("TA-1", "DAL1/B2")
        _until(lambda: device.engine.progress.state == OFFLINE)
        assert device.engine.progress.pending == 1
        assert device.engine.progress.retry_in_s is not None
        transport.offline = False
        _until(lambda: device.engine.progress.pending == 0 and len(harness.log()) == 3)
        # sync_now from the UI thread runs on the engine's loop while it is started.
        assert device.engine.sync_now(timeout_s=10).last_error is None
    finally:
        device.engine.stop()
    assert any(p.state == OFFLINE for p in seen) and seen[-1].state == "stopped"
    assert "GET /v1/health" in transport.seen  # the probe
    check_invariants(harness, [device, other])


def test_rejected_operations_stay_visible_and_do_not_stall(
    harness: StoreHarness, tmp_path: Path
) -> None:
    device = enrol_device(harness, tmp_path / "d.db", harness.transport())
    # Someone known on this device but never signed in here with the store: the store refuses.
    device.service.remember_person("ghost", "Ghost", "technician")
    device.service.observe("TA-1", "DAL1/B1")
    device.service.switch_person("tech")
    device.service.observe("TA-1", "DAL1/B2")
    progress = device.engine.sync_now()
    rejected = device.service.rejected()
    assert [r.device_seq for r in rejected] == [1] and rejected[0].reason
    assert progress.rejected == 1 and progress.pending == 0
    assert [s for _, _, s in outbox_rows(device.db)] == ["rejected", "settled"]
    check_invariants(harness, [device])


def test_conflict_pulled_decided_and_closed(harness: StoreHarness, tmp_path: Path) -> None:
    a = enrol_device(harness, tmp_path / "a.db", harness.transport())
    b = enrol_device(harness, tmp_path / "b.db", harness.transport())
    for d in (a, b):
        d.service.switch_person("tech")
        d.service.transition("TA-1", "storage") if d is a else d.service.transition(
            "TA-1", "surplus"
        )
    drain(a)
    drain(b)
    drain(a)
    open_ = a.service.open_conflicts()
    assert [c["type"] for c in open_] == ["diverging_transitions"]
    a.engine.sign_in("sue", PIN)
    decided = a.service.decide_conflict(open_[0]["id"], "b", note="crew confirmed surplus")
    assert decided.effect == "applied"
    drain(a)
    assert a.service.open_conflicts() == []
    check_invariants(harness, [a, b])
    assert b.service.asset("TA-1").state.status == "surplus"


def test_resnapshot_keeps_the_outbox(harness: StoreHarness, tmp_path: Path) -> None:
    class ForgetfulStore(FaultyTransport):
        """Answers 410 once to a pull with a cursor: the store no longer keeps it."""

        forget = True

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if (
                self.forget
                and request.url.path.endswith("/pull")
                and "cursor" in request.url.params
            ):
                self.forget = False
                return httpx.Response(410, json={"error": "cursor_expired", "message": "old"})
            return await super().handle_async_request(request)

    transport = ForgetfulStore(harness.transport())
    device = enrol_device(harness, tmp_path / "d.db", transport)
    device.service.switch_person("tech")
    device.service.observe("TA-1", "DAL1/B1")
    drain(device)
    device.service.observe("TA-2", "DAL1/B1")
    transport.fail("/sync/push", "drop_request")
    with pytest.raises(Exception, match="cannot reach"):
        device.engine.sync_now()
    transport.forget = True
    drain(device)
    assert not transport.forget  # the 410 was served, and the device pulled from the start
    assert device.engine.progress.snapshot_pulled >= 2
    check_invariants(harness, [device])


def test_loopback_uvicorn_with_dropped_requests(harness: StoreHarness, tmp_path: Path) -> None:
    harness.close()  # the store process owns the database file from here
    server = LoopbackStore(harness)
    try:
        transport = FaultyTransport(httpx.AsyncHTTPTransport)
        device = enrol_device(harness, tmp_path / "d.db", transport, url=server.url, batch_size=50)
        device.service.switch_person("tech")
        for n in range(300):
            device.service.observe(f"TA-{n % 40}", f"DAL1/B{n % 3}")
        transport.fail("/sync/push", "drop_response", times=2)
        transport.fail("/sync/pull", "drop_request")
        drain(device)
        assert len(transport.fired) == 3
        harness.store = type(harness.store).open(harness.settings)
        check_invariants(harness, [device])
    finally:
        server.stop()
