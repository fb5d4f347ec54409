"""An asset's history on the device: its own operations, cached facts, and the store's log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sync.device import history
from sync.device.service import DeviceService
from sync.device.state import load_state
from sync.errors import ServerRefused, ServerUnreachable

from .conftest import FakeClock
from .harness import StoreHarness, drain, enrol_device
from .inprocess import StoreInProcess

TAG = "TA-0000042-K"


def test_own_operations_newest_first_with_pending_flag(
    service: DeviceService, clock: FakeClock
) -> None:
    service.claim_tag(TAG, serial="SN-9", make="Dell", model="Latitude 5420")
    clock.advance(1000)
    service.observe(TAG, "dal1/b1/closet-2")
    clock.advance(1000)
    service.hand_off(TAG, "carrier:ups", "Bob", from_holder="site:DAL1")
    service.observe("TA-0000043-H", "DAL1/B1")  # another asset: not in this history
    found = service.history(TAG)
    assert [e.kind for e in found] == ["handoff", "observe", "register"]
    assert all(e.pending and e.who == "alice" and e.source == history.DEVICE for e in found)
    handoff, seen, registered = found
    assert handoff.from_holder == "site:DAL1" and handoff.to_holder == "carrier:ups"
    assert handoff.signed_by == "Bob" and "site:DAL1 → carrier:ups" in handoff.summary
    assert seen.where == "DAL1/B1/CLOSET-2" and seen.summary == "Seen at DAL1/B1/CLOSET-2"
    assert registered.summary == "Registered Dell Latitude 5420, serial SN-9"
    assert handoff.when_ms == clock.ms and registered.when_ms == clock.ms - 2000


def test_a_load_shows_in_the_asset_history(service: DeviceService) -> None:
    service.claim_tag(TAG)
    service.load(TAG, "TP-0000007-C")
    assert service.history(TAG)[0].summary == "Loaded on pallet TP-0000007-C"
    assert service.history(TAG)[0].kind == "load"


def test_summaries_of_every_kind_are_sentences() -> None:
    words = history.summarise
    assert words("transition", {"to": "surplus"})[0] == "Status set to Surplus"
    assert words("assess", {"grade": "F4/C6", "letter": "B"})[0] == "Graded F4/C6 (B)"
    assert words("unload", {"pallet": "pallet:TP-1"})[0] == "Unloaded from pallet TP-1"
    assert "NOT verified" in words("sanitize", {"verified": False, "storage_serial": "S"})[0]
    assert words("dispose", {"outcome": "recycled"})[0] == "Disposed: recycled"
    assert words("seal", {})[0] == "Pallet sealed"
    assert words("some_new_kind", {})[0] == "Some new kind"


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[StoreHarness]:
    store = StoreHarness(tmp_path / "store")
    yield store
    store.close()


def _tokens(service: DeviceService) -> tuple[str, str | None]:
    with service.db.read() as conn:
        token = load_state(conn).token
    person = service.current_person()
    assert token and person
    return token, person.token


def test_store_history_has_every_device_and_local_pending_on_top(
    harness: StoreHarness, tmp_path: Path
) -> None:
    here = enrol_device(harness, tmp_path / "here.db", harness.transport())
    there = enrol_device(harness, tmp_path / "there.db", harness.transport(), person="sue")
    here.service.switch_person("tech")
    there.service.switch_person("sue")
    here.service.claim_tag(TAG, serial="SN-1")
    drain(here)
    drain(there)
    there.service.observe(TAG, "DAL1/DOCK")
    there.service.hand_off(TAG, "carrier:ups", "Crew", from_holder="site:DAL1")
    drain(there)
    drain(here)  # pulls the other device's effects: only the state, not its operations
    here.service.observe(TAG, "DAL1/B1")  # pending here

    local = here.service.history(TAG)
    assert [e.source for e in local][:2] == [history.DEVICE, history.DEVICE]
    cached = [e for e in local if e.source == history.CACHED]
    assert any(e.summary == "Held by carrier:ups" for e in cached)

    device_token, person_token = _tokens(here.service)
    transport = StoreInProcess(harness)
    with httpx.Client(base_url="http://store.test", transport=transport) as client:
        remote = history.fetch("", device_token, person_token, TAG, client=client)
        assert [e.kind for e in remote] == ["handoff", "observe", "register"]
        assert {e.who for e in remote} == {"tech", "sue"}
        assert not any(e.pending for e in remote)
        both = history.combine(remote, local)
        assert [e.kind for e in both] == ["observe", "handoff", "observe", "register"]
        assert both[0].pending and both[0].where == "DAL1/B1"
        assert both[1].from_holder == "site:DAL1" and both[1].signed_by == "Crew"
        with pytest.raises(ServerRefused):
            history.fetch("", device_token, person_token, "TA-0000099-X", client=client)
        with pytest.raises(ServerRefused):
            history.fetch("", "not-a-token", None, TAG, client=client)


def test_an_unreachable_store_is_a_clear_error() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no route", request=request)

    with (
        httpx.Client(base_url="http://store.test", transport=httpx.MockTransport(refuse)) as client,
        pytest.raises(ServerUnreachable, match="cannot reach"),
    ):
        history.fetch("", "t", None, TAG, client=client)


def test_a_bare_registration_reads_plainly() -> None:
    assert history.summarise("register", {"category": "other"})[0] == "Registered"
    assert history.summarise("register", {"category": "laptop", "serial": "S1"})[0] == (
        "Registered laptop, serial S1"
    )
