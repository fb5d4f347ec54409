"""The Intake, Wipe and Dispose tools' desks, driven in pure Python over a real device
database: what each records, what it refuses and says, and that no text takes one down."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.ui.desks.dispose import DisposeDesk
from app.ui.desks.intake import IntakeDesk
from app.ui.desks.wipe import WipeDesk
from app.ui.session import DeviceSession
from app.ui.toolbox import Kit, tools_for
from assets.tags import make_tag
from sync.device import outbox

LAPTOP, DRIVE_TAG, OTHER = (make_tag("asset", n) for n in (7001, 7002, 7003))
DISK_1, DISK_2 = "WD-WX12A3456789", "S4EVNX0R123456K"
RAW = re.compile(r"\(\d{3}\)|\w+Error\(|Traceback|\basset:|\bpallet:|\d{4}-\d\d-\d\dT")
ANY_TEXT = st.text(max_size=300) | st.sampled_from(["\x00", "\ud800", "9" * 400, "1e999", " "])


class Voice:
    """What the desk said and played."""

    def __init__(self) -> None:
        self.said: list[tuple[str, bool]] = []
        self.sounds: list[str | None] = []

    @property
    def last(self) -> tuple[str, bool]:
        return self.said[-1]


@pytest.fixture
def session(tmp_path: Path) -> Iterator[DeviceSession]:
    device = DeviceSession(tmp_path / "device.db", "http://127.0.0.1:9", start=False)
    device.service.remember_person("sam", "Sam Supervisor", "supervisor")
    yield device
    device.close()


@pytest.fixture
def voice() -> Voice:
    return Voice()


@pytest.fixture
def kit(session: DeviceSession, voice: Voice) -> Kit:
    async def long_job(_label: str, fn: Callable[..., Any], *args: Any) -> Any:
        return fn(*args)

    return Kit(
        service=session.service,
        session=session,
        tell=lambda text, ok: voice.said.append((text, ok)),
        beep=voice.sounds.append,
        run=lambda *_a: None,
        long_job=long_job,
        person=session.service.current_person,
        files=lambda: None,
        action_began=lambda: 0,
        refocus=lambda _after, _began: None,
    )


def pending(session: DeviceSession, kind: str) -> list[dict[str, Any]]:
    """The args of this device's operations of `kind` waiting in its outbox, oldest first."""
    with session.db.read() as conn:
        ops = outbox.in_flight_for(conn, f"asset:{LAPTOP}")
        ops += outbox.in_flight_for(conn, f"asset:{DRIVE_TAG}")
    return [dict(op.wire_args) for op in sorted(ops, key=lambda o: o.device_seq) if op.kind == kind]


def laptop_with_drives(session: DeviceSession) -> None:
    session.service.claim_tag(
        LAPTOP,
        serial="5CG1234XYZ",
        make="Dell",
        model="Latitude 5420",
        category="laptop",
        data_bearing=True,
        storage_serials=[DISK_1, DISK_2],
    )


def wipe(session: DeviceSession, serial: str, *, verified: bool = True) -> None:
    session.service.sanitize(
        LAPTOP,
        serial,
        "purge",
        "Blancco 7",
        verified=verified,
        performed_by="Sam",
        performed_at="2026-12-01T10:00Z",
    )


# ---- intake -----------------------------------------------------------------------------


def test_a_laptop_from_the_catalogue_with_two_scanned_drives(
    kit: Kit, session: DeviceSession, voice: Voice
) -> None:
    desk = IntakeDesk(kit)
    desk.scan(LAPTOP)
    assert desk.draft.tag == LAPTOP and voice.sounds[-1] == "ok"
    desk.find("latitude 5420")
    assert [m.key for m in desk.matches] == ["Dell/Latitude 5420"]
    desk.pick_model("Dell/Latitude 5420")
    desk.set_serial("5CG1234XYZ")
    desk.scan(DISK_1)
    desk.scan(DISK_2)
    desk.scan(DISK_1)  # again: said, not added twice
    assert voice.last == (f"Drive {DISK_1} is already on the list.", False)
    assert desk.draft.drives == (DISK_1, DISK_2) and desk.missing is None
    desk.done()
    state = session.service.asset(LAPTOP).state
    assert (state.make, state.model, state.category) == ("Dell", "Latitude 5420", "laptop")
    assert state.data_bearing is True and state.serial == "5CG1234XYZ"
    assert state.storage_serials == tuple(sorted((DISK_1, DISK_2)))
    assert state.nominal_weight == {"value": "1.49", "unit": "kg"}
    assert voice.last == (f"Taken in: {LAPTOP}, Dell Latitude 5420, 2 drives.", True)
    assert desk.draft.tag is None and desk.taken_in[0].tag == LAPTOP


def test_a_model_the_catalogue_does_not_know_asks_whether_it_holds_data(
    kit: Kit, session: DeviceSession, voice: Voice
) -> None:
    desk = IntakeDesk(kit)
    desk.scan(LAPTOP)
    desk.set_make("Acme")
    desk.set_model("Field Box 2")
    desk.done()
    assert "pick what kind of device" in voice.last[0] and not voice.last[1]
    desk.set_category("network")
    desk.done()
    assert "say whether it holds data" in voice.last[0]
    assert not session.service.asset(LAPTOP).state.registered  # nothing written yet
    desk.scan(DISK_1)
    desk.answer_data(False)
    desk.done()
    assert "answer Yes, or remove the drives" in voice.last[0]
    desk.remove_drive(DISK_1)
    desk.done()
    state = session.service.asset(LAPTOP).state
    assert state.registered and state.category == "network" and state.data_bearing is False
    assert state.nominal_weight is None


def test_a_drive_inside_a_laptop_is_listed_in_the_laptop(
    kit: Kit, session: DeviceSession, voice: Voice
) -> None:
    session.service.claim_tag(
        LAPTOP,
        make="Dell",
        model="Latitude 5420",
        category="laptop",
        data_bearing=True,
        storage_serials=[DISK_1],
    )
    desk = IntakeDesk(kit)
    desk.scan(DRIVE_TAG)  # the drive's own tag, then the laptop's
    desk.pick_model("Samsung/870 EVO 1TB")
    desk.scan(LAPTOP)
    assert desk.draft.parent == LAPTOP
    desk.done()
    assert "Type the drive's serial" in voice.last[0]
    desk.set_serial(DISK_2)
    desk.done()
    drive = session.service.asset(DRIVE_TAG).state
    assert drive.parent == f"asset:{LAPTOP}" and drive.category == "storage_device"
    assert drive.data_bearing is True and drive.serial == DISK_2
    laptop = session.service.asset(LAPTOP).state
    assert laptop.storage_serials == tuple(sorted((DISK_1, DISK_2)))
    assert (laptop.make, laptop.model) == ("Dell", "Latitude 5420")  # details kept
    assert voice.last[0].endswith(f"listed in {LAPTOP}.")


def test_intake_of_a_registered_tag_records_new_details_and_keeps_its_fields(
    kit: Kit, session: DeviceSession
) -> None:
    session.service._record(
        "register", f"asset:{LAPTOP}", {"category": "other", "fields": {"Cost centre": "CC-9"}}
    )
    desk = IntakeDesk(kit)
    desk.scan(LAPTOP)
    assert desk.draft.known
    desk.pick_model("HP/EliteBook 840 G8")
    desk.done()
    state = session.service.asset(LAPTOP).state
    assert state.model == "EliteBook 840 G8" and state.fields == {"Cost centre": "CC-9"}
    assert session.service.history(LAPTOP)[0].kind == "describe"


def test_a_scan_that_is_no_tag_or_serial_is_refused_with_a_sentence(kit: Kit, voice: Voice) -> None:
    desk = IntakeDesk(kit)
    desk.scan(DISK_1)
    assert voice.last == ("Scan the asset's tag first, then its drives.", False)
    desk.scan(make_tag("pallet", 4))
    assert "scan the asset's tag here" in voice.last[0] and voice.sounds[-1] == "error"


# ---- wipe -------------------------------------------------------------------------------


def fill(desk: WipeDesk) -> None:
    desk.choose("media_type", "hdd")
    desk.type_in("media_make", "WD")
    desk.type_in("media_model", "Blue 1TB")
    desk.choose("method", "purge")
    desk.choose("technique", "overwrite")
    desk.type_in("tool", "Blancco Drive Eraser")
    desk.type_in("tool_version", "7.9")
    desk.choose("verification_method", "full")
    desk.set_result(True)
    desk.type_in("validator", "Vic Validator")
    desk.choose("destination", "external_reuse")


def test_a_record_per_drive_scanning_the_drive_then_its_asset(
    kit: Kit, session: DeviceSession, voice: Voice
) -> None:
    laptop_with_drives(session)
    desk = WipeDesk(kit)
    assert desk.draft.operator == "Sam Supervisor" and desk.draft.performed_at
    desk.scan(DISK_1)
    desk.scan(LAPTOP)
    assert desk.draft.source == LAPTOP
    assert {(d.serial, d.record) for d in desk.drives} == {
        (DISK_1, "No record"),
        (DISK_2, "No record"),
    }
    fill(desk)
    assert desk.missing is None
    desk.record()
    assert "1 drive of" in voice.last[0] and "still needs one" in voice.last[0]
    assert desk.draft.method == "purge" and desk.draft.drive == ""  # kept for the next drive
    assert desk.draft.verified is None  # each result is said again
    desk.pick_drive(DISK_2)
    desk.choose("media_type", "ssd")
    desk.set_result(False)
    desk.record()
    records = session.service.asset(LAPTOP).state.sanitized
    assert records[DISK_1][:2] == ("purge", True) and records[DISK_2][:2] == ("purge", False)
    first = pending(session, "sanitize")[0]
    assert first["media_type"] == "hdd" and first["technique"] == "overwrite"
    assert first["validated_by"] == "Vic Validator" and first["tool_version"] == "7.9"
    assert first["destination"] == "external_reuse" and first["performed_by"] == "Sam Supervisor"
    assert {(d.serial, d.record) for d in desk.drives} == {
        (DISK_1, "Verified"),
        (DISK_2, "Not verified"),
    }


def test_a_drive_with_its_own_tag_brings_its_asset_along(kit: Kit, session: DeviceSession) -> None:
    laptop_with_drives(session)
    session.service.claim_tag(
        DRIVE_TAG,
        serial=DISK_1,
        make="WD",
        model="Blue 1TB",
        category="storage_device",
        data_bearing=True,
        parent=LAPTOP,
    )
    desk = WipeDesk(kit)
    desk.scan(DRIVE_TAG)
    assert (desk.draft.drive, desk.draft.drive_tag, desk.draft.source) == (
        DISK_1,
        DRIVE_TAG,
        LAPTOP,
    )
    assert desk.draft.media_model == "Blue 1TB"
    fill(desk)
    desk.record()
    assert pending(session, "sanitize")[0]["media_asset"] == f"asset:{DRIVE_TAG}"


@pytest.mark.parametrize(
    ("change", "sentence"),
    [
        (lambda d: d.type_in("validator", "sam supervisor"), "someone other than the operator"),
        (lambda d: d.type_in("performed_at", "yesterday"), "The time must read like"),
        (lambda d: d.choose("method", "destroy"), "Pick the technique"),
        (lambda d: d.type_in("tool", " "), "Type the tool used"),
    ],
)
def test_a_wipe_record_is_refused_with_what_to_fix(
    kit: Kit, session: DeviceSession, voice: Voice, change: Any, sentence: str
) -> None:
    laptop_with_drives(session)
    desk = WipeDesk(kit)
    desk.scan(DISK_1)
    desk.scan(LAPTOP)
    fill(desk)
    change(desk)
    desk.record()
    assert sentence in voice.last[0] and voice.last[1] is False
    assert session.service.asset(LAPTOP).state.sanitized == {}


# ---- dispose ----------------------------------------------------------------------------


def test_a_disposal_is_refused_for_a_missing_wipe_then_recorded_after_it(
    kit: Kit, session: DeviceSession, voice: Voice
) -> None:
    laptop_with_drives(session)
    wipe(session, DISK_1)
    desk = DisposeDesk(kit)
    desk.scan(LAPTOP)
    control = desk.control
    assert control is not None and not control.passes
    assert control.gaps == ((DISK_2, "no sanitization record"),)  # shown before writing
    desk.pick_outcome("resale")
    desk.record()
    assert voice.last == ("Type the value recovered by the resale.", False)
    desk.type_in("amount", "120,50")
    desk.type_in("currency", "usd")
    desk.type_in("vendor", "ReTech Resale Ltd")
    before = session.service.outbox_counts()
    desk.record()
    assert voice.last[1] is False and DISK_2 in voice.last[0] and "before resale" in voice.last[0]
    assert session.service.outbox_counts() == before  # nothing written
    wipe(session, DISK_2)
    desk.refresh()
    assert desk.control is not None and desk.control.passes
    desk.record()
    assert voice.last == (f"{LAPTOP}: Resale recorded.", True)
    state = session.service.asset(LAPTOP).state
    assert state.disposition == "resale" and state.status == "resold"
    (args,) = pending(session, "dispose")
    assert args["value"] == {"amount": "120.50", "currency": "USD"}
    assert args["vendor"] == "ReTech Resale Ltd"
    assert "weight" not in args  # claimed without the catalogue: no weight to offer


def test_a_not_verified_wipe_still_blocks_and_destruction_passes(
    kit: Kit, session: DeviceSession, voice: Voice
) -> None:
    laptop_with_drives(session)
    wipe(session, DISK_1, verified=False)
    desk = DisposeDesk(kit)
    desk.scan(LAPTOP)
    assert desk.control is not None
    assert dict(desk.control.gaps)[DISK_1] == "sanitized, but the verification did not pass"
    desk.pick_outcome("destruction")
    assert desk.control.passes
    desk.type_in("vendor", "ShredCo")
    desk.record()
    assert voice.last == ("Type the certificate number from the vendor.", False)
    desk.type_in("certificate", "COD-2026-0042")
    desk.record()
    assert session.service.asset(LAPTOP).state.status == "destroyed"
    (args,) = pending(session, "dispose")
    assert args["certificate"] == "COD-2026-0042" and "value" not in args


def test_recycling_takes_commodity_and_the_catalogue_weight(
    kit: Kit, session: DeviceSession, voice: Voice
) -> None:
    intake = IntakeDesk(kit)
    intake.scan(LAPTOP)
    intake.pick_model("Dell/P2422H")  # a monitor: holds no data
    intake.done()
    desk = DisposeDesk(kit)
    desk.scan(LAPTOP)
    assert desk.draft.weight == "4.30" and desk.control is not None and desk.control.passes
    desk.pick_outcome("recycle")
    desk.type_in("vendor", "GreenCycle")
    desk.record()
    assert voice.last == ("Pick the commodity it is recycled as.", False)
    desk.pick_commodity("mixed_electronics")
    desk.type_in("weight", "-3")
    desk.record()
    assert voice.last[0].startswith("Weight:") and voice.last[1] is False
    desk.type_in("weight", "9.5")
    desk.pick_unit("lb")
    desk.record()
    (args,) = pending(session, "dispose")
    assert args["weight"] == {"value": "9.5", "unit": "lb"}
    assert args["commodity"] == "mixed_electronics"


def test_each_role_sees_the_lifecycle_tools_it_may_use() -> None:
    keys = {role: {t.key for t in tools_for(role)} for role in ("technician", "crew", "supervisor")}
    assert {"intake", "wipe"} <= keys["technician"] and "dispose" not in keys["technician"]
    assert not {"intake", "wipe", "dispose"} & keys["crew"]
    assert {"intake", "wipe", "dispose"} <= keys["supervisor"]


# ---- no text takes a desk down ------------------------------------------------------------

Handler = Callable[[Any, str], object]
FORMS: dict[str, tuple[type, Handler]] = {
    "intake.scan": (IntakeDesk, lambda d, t: d.scan(t)),
    "intake.find": (IntakeDesk, lambda d, t: (d.find(t), d.pick_model(t))),
    "intake.typed": (IntakeDesk, lambda d, t: (d.set_make(t), d.set_model(t), d.done())),
    "intake.serials": (IntakeDesk, lambda d, t: (d.set_serial(t), d.add_drive(t), d.done())),
    "intake.category": (IntakeDesk, lambda d, t: (d.set_category(t), d.remove_drive(t))),
    "wipe.scan": (WipeDesk, lambda d, t: (d.scan(t), d.pick_drive(t))),
    "wipe.choose": (WipeDesk, lambda d, t: (d.choose("method", t), d.choose(t, t), d.record())),
    "wipe.type": (WipeDesk, lambda d, t: (d.type_in("performed_at", t), d.type_in(t, t))),
    "wipe.fields": (WipeDesk, lambda d, t: [d.type_in(n, t) for n in ("tool", "operator")]),
    "dispose.scan": (DisposeDesk, lambda d, t: d.scan(t)),
    "dispose.pick": (DisposeDesk, lambda d, t: (d.pick_outcome(t), d.pick_commodity(t))),
    "dispose.type": (
        DisposeDesk,
        lambda d, t: [d.type_in(n, t) for n in ("amount", "currency", "weight", "vendor")],
    ),
    "dispose.unit": (DisposeDesk, lambda d, t: (d.pick_unit(t), d.type_in(t, t), d.record())),
}


@pytest.mark.parametrize("form", sorted(FORMS))
def test_every_form_refuses_bad_input_with_a_sentence(
    kit: Kit, session: DeviceSession, voice: Voice, form: str
) -> None:
    laptop_with_drives(session)
    make, handler = FORMS[form]
    desk = make(kit)
    desk.scan(DISK_1)
    desk.scan(LAPTOP)  # each form open on an asset, so its later steps run too
    if isinstance(desk, DisposeDesk):
        desk.pick_outcome("resale")
    if isinstance(desk, WipeDesk):
        fill(desk)

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(ANY_TEXT)
    def drive(text: str) -> None:
        voice.said.clear()
        handler(desk, text)  # never raises
        for said, _ok in voice.said:
            assert said.strip(), "a sentence, not silence"
            assert not RAW.search(said), said

    drive()


def test_a_scanners_enter_on_the_focused_more_tab_keeps_the_tool_open(
    session: DeviceSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.ui import controller as ctl
    from app.ui.wedge import keys_for
    from tests.app.ui.desks import Key

    c = ctl.Controller(session, lambda *_a: None)
    c.show("intake")
    for key, shift in keys_for(LAPTOP):  # a wedge scanner types the tag and Enter
        c.on_key(Key(key, shift))  # type: ignore[arg-type]
    c.on_key(Key("Enter"))  # type: ignore[arg-type]
    c.show(ctl.MORE)  # the Enter, reaching the More destination that kept focus
    assert c.tab == "intake"
    desk = c.desk("intake")
    assert isinstance(desk, IntakeDesk) and desk.draft.tag == LAPTOP
    later = c._scan_ended + ctl.WEDGE_ENTER_S + 0.1
    monkeypatch.setattr(time, "monotonic", lambda: later)
    c.show(ctl.MORE)  # a tap later on: More opens
    assert c.tab == ctl.MORE
