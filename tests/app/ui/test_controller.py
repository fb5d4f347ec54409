"""The controller behind every screen, driven in pure Python over a real device database:
what each action records, what it tells the person, and that no input takes it down."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.ui import controller as ctl
from app.ui.controller import Controller
from app.ui.scanflow import CLAIM, REFUSED, SEEN
from app.ui.session import DeviceSession
from app.ui.wedge import keys_for
from assets.tags import make_tag
from sync.device import store_settings
from sync.protocol import StoreSettingsView
from tests.app.ui.desks import Key

PLACE, OTHER = "DAL1/B1/CLOSET-2", "DAL1/B1/CLOSET-3"
A1, A2, A3 = (make_tag("asset", n) for n in (1, 2, 3))
PALLET, PALLET_2 = make_tag("pallet", 5), make_tag("pallet", 6)
# What must never reach a person: statuses in brackets, reprs, target prefixes, ISO stamps.
RAW = re.compile(r"\(\d{3}\)|\w+Error\(|Traceback|\basset:|\bpallet:|\d{4}-\d\d-\d\dT")
ANY_TEXT = st.text(max_size=300) | st.sampled_from(["\x00", "\ud800", "9" * 400, "F9/ZZ", " "])


class Tasks:
    """Stands in for page.run_task: the async jobs asked for (sounds, history), not run."""

    def __init__(self) -> None:
        self.asked: list[Any] = []

    def __call__(self, job: Any, *args: Any) -> None:
        self.asked.append((job, args))


@pytest.fixture
def session(tmp_path: Path) -> Iterator[DeviceSession]:
    device = DeviceSession(tmp_path / "device.db", "http://127.0.0.1:9", start=False)
    device.service.remember_person("tess", "Tess Technician", "technician")
    # Signed in last, so current: a supervisor may record every kind these tests use.
    device.service.remember_person("sam", "Sam Supervisor", "supervisor")
    for tag in (A1, A2, A3):
        device.service.claim_tag(tag, serial=f"SN-{tag}")
    yield device
    device.close()


class Player:
    async def play(self, name: str) -> None:  # the controller hands it to run_task
        raise AssertionError("not run in these tests")


@pytest.fixture
def c(session: DeviceSession) -> Controller:
    controller = Controller(session, Tasks())
    controller.attach_player(Player())
    return controller


def sounds(c: Controller) -> list[str]:
    tasks: Tasks = c._run  # type: ignore[assignment]
    return [args[0] for _job, args in tasks.asked if args]


def scan(c: Controller, code: str) -> None:
    """A wedge scanner types `code` and Enter at the page level."""
    for key, shift in keys_for(code):
        c.on_key(Key(key, shift))  # type: ignore[arg-type]
    c.on_key(Key("Enter"))  # type: ignore[arg-type]


def sightings(session: DeviceSession, tag: str) -> int:
    return sum(1 for e in session.service.history(tag) if e.kind == "observe")


def test_a_wedge_scan_is_recorded_before_its_sound(c: Controller, session: DeviceSession) -> None:
    scan(c, PLACE.lower())
    assert c.location == PLACE
    assert c.recorded_here == 0
    before = c.acks
    scan(c, A1)
    assert sightings(session, A1) == 1 and c.acks == before + 1 and sounds(c)[-1] == "ok"
    assert c.scans[0].kind == SEEN and c.recorded_here == 1
    scan(c, OTHER)
    assert c.recorded_here == 0  # a location just set has nothing recorded there yet


def test_keys_typed_in_a_text_field_are_not_scans(c: Controller, session: DeviceSession) -> None:
    scan(c, PLACE)
    c.typing("Note (why)", True)
    scan(c, A1)
    assert sightings(session, A1) == 0
    c.typing("Note (why)", False)
    scan(c, A1)
    assert sightings(session, A1) == 1


def test_leaving_a_screen_forgets_its_focused_fields(c: Controller, session: DeviceSession) -> None:
    scan(c, PLACE)
    c.show(ctl.SYNC)
    c.typing("Seal number", True)  # the field goes away with its screen, no blur comes
    c.show(ctl.SCAN)
    scan(c, A2)
    assert sightings(session, A2) == 1


def test_what_a_scan_does_follows_the_screen(c: Controller, session: DeviceSession) -> None:
    scan(c, PLACE)
    c.show(ctl.ASSET_TAB)
    scan(c, A1)
    assert c.asset is not None and c.asset.tag == A1 and sightings(session, A1) == 0
    c.show(ctl.PALLET_TAB)
    scan(c, PALLET)
    assert c.pallet_tag == PALLET
    scan(c, A2)
    assert session.service.asset(A2).state.pallet == f"pallet:{PALLET}"


def test_a_failed_write_is_seen_and_heard_and_the_text_kept(
    c: Controller, monkeypatch: pytest.MonkeyPatch
) -> None:
    scan(c, PLACE)

    def broken(*_a: object, **_k: object) -> None:
        raise OSError("disk I/O error")

    monkeypatch.setattr(c._flow, "scan", broken)
    scan(c, A1)
    assert c.scans[0].kind == REFUSED and c.scans[0].title == A1
    assert c.said is not None and not c.said.ok and not RAW.search(c.said.text)
    assert sounds(c)[-1] == "error"


def test_each_person_sees_their_own_scan_list(c: Controller) -> None:
    c.sign_out()
    c.switch_person("tess")
    scan(c, PLACE)
    scan(c, A1)
    c.sign_out()
    c.switch_person("sam")
    # sam's list is his own work here (he claimed the fixture's tags), never tess's scans
    assert all(row.kind == "claimed" for row in c.scans) and c.location is None
    c.sign_out()
    c.switch_person("tess")
    titles = [row.title for row in c.scans]
    assert titles[:2] == [A1, PLACE]


def test_a_bad_grade_in_a_decision_gets_a_sentence(c: Controller) -> None:
    c.switch_person("sam")
    c.decide("c-1", "value", {"grade": "F9/ZZ"}, None)
    assert c.said is not None and "F9/ZZ is not a grade" in c.said.text


def test_an_empty_signature_is_refused(c: Controller, session: DeviceSession) -> None:
    c.open_asset(A1)
    assert not c.hand_off(f"asset:{A1}", "carrier:ups", "Tess", "site:DAL1", None)
    assert c.said is not None and "signature" in c.said.text
    assert not [e for e in session.service.history(A1) if e.kind == "handoff"]


def test_risky_statuses_are_asked_before(c: Controller, session: DeviceSession) -> None:
    c.open_asset(A1)
    c.change_status("lost")
    assert c.question is not None and "Lost" in c.question.text
    c.answer(False)
    assert session.service.asset(A1).state.status == "in_stock"
    c.change_status("lost")
    c.answer(True)
    assert session.service.asset(A1).state.status == "lost"


def test_loading_an_asset_on_another_pallet_asks_first(
    c: Controller, session: DeviceSession
) -> None:
    session.service.load(A1, PALLET_2)
    c.show(ctl.PALLET_TAB)
    scan(c, PALLET)
    scan(c, A1)
    assert c.question is not None and f"on pallet {PALLET_2}" in c.question.text
    assert session.service.asset(A1).state.pallet == f"pallet:{PALLET_2}"
    c.answer(True)
    assert session.service.asset(A1).state.pallet == f"pallet:{PALLET}"


def test_a_confirmation_with_differences_says_what_differs(
    c: Controller, session: DeviceSession
) -> None:
    session.service.load(A1, PALLET)
    session.service.load(A2, PALLET)
    session.service.seal(
        PALLET, "S-1", {"value": "90", "unit": "lb"}, {"value": "20", "unit": "lb"}
    )
    c.show(ctl.PALLET_TAB)
    scan(c, PALLET)
    scan(c, A1)
    scan(c, A3)  # A2 is missing, A3 extra
    c.confirm_contents()
    assert c.said is not None and not c.said.ok
    assert "1 missing" in c.said.text and A2 in c.said.text and "1 extra" in c.said.text


def test_weights_show_as_entered_with_net(c: Controller, session: DeviceSession) -> None:
    session.service.seal(
        PALLET, "S-1", {"value": "90", "unit": "lb"}, {"value": "20", "unit": "lb"}
    )
    c.show(ctl.PALLET_TAB)
    c.open_pallet(PALLET)
    assert c.pallet is not None and c.pallet.entered == (
        {"value": "90", "unit": "lb"},
        {"value": "20", "unit": "lb"},
    )


FORMS: dict[str, Callable[[Controller, str], object]] = {
    "record_scan": lambda c, t: c.record_scan(t),
    "open_asset": lambda c, t: c.open_asset(t),
    "open_pallet": lambda c, t: c.open_pallet(t),
    "load_open_asset": lambda c, t: c.load_open_asset(t),
    "load_scanned": lambda c, t: c.load_scanned(t),
    "count_for_confirm": lambda c, t: c.count_for_confirm(t),
    "grade": lambda c, t: c.grade(t, None),
    "change_status": lambda c, t: c.change_status(t, confirmed=True),
    "hand_off": lambda c, t: c.hand_off(f"asset:{A1}", t, t, t or None, t or None),
    "seal": lambda c, t: c.seal(t, {"value": t, "unit": "kg"}, {"value": t, "unit": t}),
    "decide_value": lambda c, t: c.decide(t, "value", {"grade": t}, t),
    "decide_choice": lambda c, t: c.decide(t, t, None, t),
    "bind_location": lambda c, t: c.bind_location(t, t),
    "pick_location": lambda c, t: c.pick_location(t),
    "switch_person": lambda c, t: c.switch_person(t),
}


@pytest.mark.parametrize("form", sorted(FORMS))
def test_every_form_refuses_bad_input_with_a_sentence(c: Controller, form: str) -> None:
    c.switch_person("sam")
    c.open_asset(A1)
    c.open_pallet(PALLET)
    handler = FORMS[form]

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(ANY_TEXT)
    def drive(text: str) -> None:
        c.said = None
        handler(c, text)  # never raises
        if c.said is not None:
            assert c.said.text.strip(), "a sentence, not silence"
            assert not RAW.search(c.said.text), c.said.text

    drive()


def test_stored_words_read_as_peoples_words() -> None:
    from app.ui import present, words
    from sync.errors import ServerRefused, ServerUnreachable

    assert present.state_label("in_transit") == "In transit"
    assert present.iso_when("2026-12-01T10:05:00Z") == "1 Dec 10:05 UTC"
    assert present.plain("asset:TA-1, pallet:TP-2") == "TA-1, TP-2"
    assert "(401)" not in words.sentence(ServerRefused(401, "bad pin"))
    unreachable = ServerUnreachable("cannot reach the central store: ConnectError('All failed')")
    assert "ConnectError" not in words.sentence(unreachable)
    assert words.sync_problem("cannot reach the central store: ConnectError('x')") == (
        "The central store cannot be reached"
    )
    assert words.capitalised("labels point to https://a.example/t/") == (
        "Labels point to https://a.example/t/"  # no stop glued to the address
    )
    assert words.capitalised("saved") == "Saved."
    assert words.capitalised("done?") == "Done?"


def test_a_late_method_answer_for_a_gone_control_does_not_stop_the_page() -> None:
    from flet.messaging.session import Session

    from app.ui import flet_guard

    class Gone:  # what the session knows: no controls any more
        _Session__index: dict[int, object] = {}  # noqa: RUF012

    flet_guard.install()
    flet_guard.install()  # idempotent
    Session.handle_invoke_method_results(Gone(), 84449, "call", None, None)  # type: ignore[arg-type]


def test_a_qr_link_with_the_store_s_base_url_reads_as_its_tag(
    c: Controller, session: DeviceSession
) -> None:
    """A store that prints its own `label_base_url`: the label's QR (base URL + tag) is that
    tag on the Scan, Asset and Pallet screens; the default base URL still reads too."""
    base = "https://assets.example/t/"
    store_settings.pulled(
        session.db, StoreSettingsView(weight_tolerance_pct="2", label_base_url=base), 0
    )
    scan(c, PLACE)
    scan(c, f"{base}{A1}")
    assert c.scans[0].kind == SEEN and sightings(session, A1) == 1
    c.show(ctl.ASSET_TAB)
    scan(c, f"{base}{A2}")
    assert c.asset is not None and c.asset.tag == A2
    c.show(ctl.PALLET_TAB)
    scan(c, f"{base}{PALLET}")
    assert c.pallet_tag == PALLET
    scan(c, f"https://tagtrail.local/t/{A3}")
    assert session.service.asset(A3).state.pallet == f"pallet:{PALLET}"


def test_a_tag_of_another_format_the_device_knows_is_its_asset_on_every_screen(
    c: Controller, session: DeviceSession
) -> None:
    """An asset registered under a tag not in TagTrail's format (an import keeps Snipe-IT's
    `WEB-0001`): scanned, it is that asset on the Scan, Asset, Pallet and Audit screens. A
    serial nobody registered is still offered to claim, and other texts are still refused."""
    svc = session.service
    svc.claim_tag("WEB-0001", serial="5CG-WEB", make="HP")
    place_tag = make_tag("location", 9)
    svc.name_location(place_tag, OTHER)
    scan(c, PLACE)
    scan(c, "WEB-0001")
    assert c.scans[0].kind == SEEN and sightings(session, "WEB-0001") == 1
    scan(c, "5CG1234XYZ")
    assert c.scans[0].kind == CLAIM and c.scans[0].serial == "5CG1234XYZ"

    c.show(ctl.ASSET_TAB)
    scan(c, "web-0001")  # a wedge scanner with caps lock on
    assert c.asset is not None and c.asset.tag == "WEB-0001"
    scan(c, "NOT-REGISTERED-1")
    assert c.said is not None and "is not an asset tag" in c.said.text
    assert c.asset.tag == "WEB-0001"

    c.show(ctl.PALLET_TAB)
    scan(c, PALLET)
    scan(c, "asset:WEB-0001")  # its key, as a report prints it
    assert svc.asset("WEB-0001").state.pallet == f"pallet:{PALLET}"
    scan(c, "pallet:WEB-0001")  # not a pallet: nothing opened, nothing loaded
    assert c.pallet_tag == PALLET and c.said is not None and not c.said.ok

    c.show(ctl.AUDIT_TAB)
    scan(c, place_tag)
    scan(c, "WEB-0001")
    assert c.audit_found == ("WEB-0001",)
