"""The catalogue, the intake draft, the wipe draft and the disposal form: each rule as a table
or a pure function, and what they produce parses as the operation it is meant for."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assets.catalogue import BY_KEY, CATEGORIES, MODELS, find_model
from assets.disposal_form import NEEDS, DisposalDraft, disposal_details, disposal_form_refusal
from assets.errors import InvalidOperation
from assets.hlc import Stamp
from assets.intake import IntakeDraft, refusal, register_args, with_drive, with_parent
from assets.itad import NO_RECORD, NOT_VERIFIED, drive_gaps
from assets.merge import AssetState
from assets.operations import build_operation
from assets.sanitization import WipeDraft, wipe_details, wipe_refusal


def op(kind: str, args: dict[str, object]) -> object:
    return build_operation(
        op_id="00000000-0000-4000-8000-000000000001",
        device_id="dev-1",
        device_seq=1,
        hlc=Stamp(1_700_000_000_000, 0, "dev-1"),
        actor="tess",
        kind=kind,
        target="asset:TA-1",
        args=args,
    ).args


def test_the_catalogue_is_found_whatever_the_case_and_spacing() -> None:
    assert find_model("  dell ", "latitude   5420") is BY_KEY["Dell/Latitude 5420"]
    assert find_model("Dell", None) is None and find_model("Acme", "X") is None
    assert all(m.category in CATEGORIES for m in MODELS)
    assert not BY_KEY["Dell/P2422H"].data_bearing  # a monitor


def test_the_data_bearing_flag_is_never_assumed() -> None:
    draft = IntakeDraft(tag="TA-1", make="Acme", model="Box", category="server")
    assert draft.holds_data is None and "holds data" in (refusal(draft) or "")
    known = replace(draft, make="Dell", model="PowerEdge R740", category=None)
    assert known.holds_data is True and refusal(known) is None


def test_an_intake_parses_as_a_register_and_a_describe() -> None:
    draft = IntakeDraft(tag="TA-1", make="dell", model="latitude 5420", serial="5CG1")
    draft, why = with_drive(draft, "WD-1")
    assert why is None
    assert with_drive(draft, "wd-1")[1] == "Drive wd-1 is already on the list"
    assert with_drive(draft, "5cg1")[1] == "5cg1 is the asset's own serial, not a drive's"
    assert with_parent(draft, "TA-1")[1] == "An asset cannot sit inside itself"
    for kind in ("register", "describe"):
        args = op(kind, register_args(draft))
        assert args.make == "Dell" and args.model == "Latitude 5420"  # type: ignore[attr-defined]
        assert args.storage_serials == ("WD-1",) and args.data_bearing  # type: ignore[attr-defined]
        assert str(args.nominal_weight) == "1.49 kg"  # type: ignore[attr-defined]


def full_wipe() -> WipeDraft:
    return WipeDraft(
        drive="WD-1",
        source="TA-1",
        media_type="hdd",
        method="destroy",
        technique="shred",
        tool="ShredCo 9000",
        verification_method="visual",
        verified=True,
        operator="tess",
        validator="sam",
        performed_at="2026-12-01T10:00Z",
        destination="destroyed",
    )


@pytest.mark.parametrize(
    ("change", "sentence"),
    [
        ({"drive": " "}, "Scan the drive"),
        ({"source": None}, "Scan the asset the drive came from"),
        ({"technique": "overwrite"}, "Overwrite does not destroy media"),
        ({"media_type": "floppy"}, "Pick the media type from the list"),
        ({"verified": None}, "Say whether the verification passed"),
        ({"validator": "TESS"}, "someone other than the operator"),
        ({"performed_at": "10 o'clock"}, "The time must read like"),
    ],
)
def test_a_wipe_draft_says_what_it_lacks(change: dict[str, object], sentence: str) -> None:
    assert full_wipe().drive == "WD-1" and wipe_refusal(full_wipe()) is None
    assert sentence in (wipe_refusal(replace(full_wipe(), **change)) or "")  # type: ignore[arg-type]


def test_a_wipe_draft_parses_as_a_sanitize_with_the_appendix_g_fields() -> None:
    draft = replace(full_wipe(), drive_tag="TA-2", tool_version="9.1", notes="bin 4")
    args = op(
        "sanitize",
        {
            **wipe_details(draft),
            "storage_serial": draft.drive,
            "method": draft.method,
            "tool": draft.tool,
            "verified": True,
            "performed_by": draft.operator,
            "performed_at": draft.performed_at,
        },
    )
    assert args.media_asset == "asset:TA-2" and args.validated_by == "sam"  # type: ignore[attr-defined]
    assert args.technique == "shred" and args.destination == "destroyed"  # type: ignore[attr-defined]


def test_each_outcome_asks_for_what_its_table_row_says() -> None:
    assert set(NEEDS) == {"redeploy", "resale", "harvest", "recycle", "destruction"}
    base = DisposalDraft(tag="TA-1")
    assert disposal_form_refusal(base) == "Pick the outcome"
    assert disposal_form_refusal(replace(base, outcome="redeploy")) is None
    resale = replace(base, outcome="resale", amount="12.345678", vendor="Buyer")
    assert "at most 4 decimal places" in (disposal_form_refusal(resale) or "")
    recycle = replace(base, outcome="recycle", commodity="copper", weight="2", vendor="R")
    assert disposal_form_refusal(recycle) is None
    args = op("dispose", {"outcome": "recycle", **disposal_details(recycle)})
    assert args.vendor == "R" and str(args.weight) == "2 kg"  # type: ignore[attr-defined]
    leftover = replace(recycle, outcome="harvest", amount="5")  # a value typed for another
    assert "value" not in disposal_details(leftover) and "commodity" not in disposal_details(
        leftover
    )


def test_a_vendor_with_control_characters_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidOperation) as refused:
        op("dispose", {"outcome": "resale", "vendor": "Re\x00Tech"})
    assert refused.value.field == "args.vendor"


def test_what_each_drive_lacks() -> None:
    state = AssetState("asset:TA-1", data_bearing=True, storage_serials=("A", "B", "C"))
    state.sanitized = {"A": ("purge", True, "op1"), "B": ("clear", False, "op2")}
    assert drive_gaps(state) == (("B", NOT_VERIFIED), ("C", NO_RECORD))
    assert drive_gaps(AssetState("asset:TA-2", storage_serials=("A",))) == ()
