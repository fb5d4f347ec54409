"""Sanitization records with the NIST SP 800-88 Rev. 1 Appendix G fields, and the ITAD control
the app asks before it writes a disposal."""

from __future__ import annotations

from typing import Any

import pytest

from assets.errors import InvalidOperation
from assets.itad import blocking_drives, disposal_refusal, required_sanitizations
from assets.merge import AssetState, fold_asset
from assets.operations import SanitizeArgs
from assets.sanitization import TECHNIQUES, TECHNIQUES_BY_METHOD
from tests.assets.factory import Device

LAPTOP = "asset:TA-0000010-L"


def _wipe(**over: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "storage_serial": "S4EVNX0R1",
        "method": "purge",
        "tool": "Blancco Drive Eraser",
        "verified": True,
        "performed_by": "tess",
        "performed_at": "2026-05-28T09:30:00Z",
        "media_type": "nvme",
        "media_make": "Samsung",
        "media_model": "PM9A1",
        "media_asset": "asset:TA-0000011-D",
        "technique": "crypto_erase",
        "tool_version": "7.9.1",
        "verification_method": "full",
        "validated_by": "sam",
        "destination": "external_reuse",
        "notes": "sanitize command, then read-back",
    }
    args.update(over)
    return args


def test_a_full_certificate_record_parses_and_round_trips() -> None:
    op = Device("dev-a").op("sanitize", LAPTOP, _wipe())
    assert isinstance(op.args, SanitizeArgs)
    assert (op.args.technique, op.args.validated_by, op.args.destination) == (
        "crypto_erase",
        "sam",
        "external_reuse",
    )
    assert op.to_dict()["args"] == _wipe()


def test_an_older_record_without_the_new_fields_still_parses() -> None:
    old = {k: v for k, v in _wipe().items() if k in SanitizeArgs.__dataclass_fields__}
    for name in ("media_type", "technique", "validated_by", "destination", "media_asset"):
        old.pop(name)
    args = Device("dev-a").op("sanitize", LAPTOP, old).args
    assert args.technique is None and args.destination is None


@pytest.mark.parametrize(
    ("over", "field", "words"),
    [
        ({"method": "clear", "technique": "shred"}, "args.technique", "does not clear"),
        ({"method": "destroy", "technique": "overwrite"}, "args.technique", "destroy takes"),
        ({"validated_by": "tess"}, "args.validated_by", "someone else"),
        ({"media_type": "floppy"}, "args.media_type", "must be one of"),
        ({"destination": "landfill"}, "args.destination", "must be one of"),
        ({"verification_method": 3}, "args.verification_method", "must be one of"),
        ({"media_asset": LAPTOP}, "args.media_asset", "inside the asset"),
        ({"media_asset": "pallet:TP-1"}, "args.media_asset", "asset key"),
        ({"tool_version": "v" * 41}, "args.tool_version", "longer than"),
    ],
)
def test_bad_fields_are_named(over: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(InvalidOperation) as caught:
        Device("dev-a").op("sanitize", LAPTOP, _wipe(**over))
    assert caught.value.field == field and words in caught.value.message


def test_every_method_has_techniques_from_the_vocabulary() -> None:
    for techniques in TECHNIQUES_BY_METHOD.values():
        assert techniques and techniques <= set(TECHNIQUES)


def test_the_itad_control_names_each_drive_without_a_verified_record() -> None:
    d = Device("dev-a")
    register = d.op(
        "register",
        LAPTOP,
        {"serial": "5CG1", "data_bearing": True, "storage_serials": ["D1", "D2"]},
    )
    wiped = d.op("sanitize", LAPTOP, _wipe(storage_serial="D1"))
    unverified = d.op("sanitize", LAPTOP, _wipe(storage_serial="D2", verified=False))
    state = fold_asset(LAPTOP, [register, wiped, unverified]).state
    assert isinstance(state, AssetState)
    assert required_sanitizations(state) == ("D1", "D2")
    assert blocking_drives(state, "resale") == ("D2",)
    assert blocking_drives(state, "destruction") == ()
    assert disposal_refusal(state, "resale") == (
        "This asset holds data: record a verified wipe or destruction of D2 before resale"
    )
    assert disposal_refusal(state, "destruction") is None
    # The fold asks the same rule: the disposal it flags is the one the app warned about.
    dispose = d.op("dispose", LAPTOP, {"outcome": "resale"})
    result = fold_asset(LAPTOP, [register, wiped, unverified, dispose])
    (item,) = result.conflicts.values()
    assert item.type == "unsanitized_disposal" and item.detail["missing"] == "D2"


def test_a_data_bearing_asset_without_drives_answers_for_its_own_serial() -> None:
    state = AssetState(LAPTOP, data_bearing=True, serial="5CG1")
    assert blocking_drives(state, "recycle") == ("5CG1",)
    assert blocking_drives(AssetState(LAPTOP), "resale") == ()
    many = AssetState(LAPTOP, data_bearing=True, storage_serials=tuple(f"D{n}" for n in range(8)))
    assert "D4 and 3 more before parts harvest" in (disposal_refusal(many, "harvest") or "")
