"""Import rules: column mapping, status/category/location tables, the steps a row needs, and
the describe kind's fold."""

from __future__ import annotations

import pytest

from assets.errors import InvalidOperation
from assets.imports import (
    AssetRow,
    detect_format,
    from_spreadsheet,
    map_category,
    map_columns,
    map_location,
    map_status,
    read_row,
    spreadsheet_safe,
    steps_for,
)
from assets.merge import AssetState, fold_asset
from assets.statuses import STATUSES, TRANSITIONS, check_transition, transition_path
from tests.assets.factory import Device

SNIPE = ["Company", "Asset Tag", "Serial", "Model", "Manufacturer", "Category", "Location",
         "Status", "Purchase Cost", "", "Location", "notes"]  # fmt: skip


def test_headers_map_with_blank_and_repeated_cells() -> None:
    assert detect_format(SNIPE) == "snipe-it"
    assert detect_format(["tag", "serial"]) == "tagtrail"
    assert detect_format(["Name", "Serial"]) is None
    columns = map_columns(SNIPE, "snipe-it")
    assert columns.roles == {
        "tag": 1,
        "serial": 2,
        "model": 3,
        "make": 4,
        "category": 5,
        "location": 6,
        "status": 7,
    }
    # a blank header cell is named by its position, a repeated name is kept as a field
    assert columns.fields == {
        0: "Company",
        8: "Purchase Cost",
        9: "Column 10",
        10: "Location (2)",
        11: "notes",
    }


def test_status_table_and_unknown_status() -> None:
    assert map_status("Ready to Deploy", "snipe-it") == "in_stock"
    assert map_status("  deployed ", "snipe-it") == "deployed"
    assert map_status("Lost/Stolen", "snipe-it") == "lost"
    assert map_status("Ready to Deploy (Deployable)", "snipe-it") == "in_stock"
    assert map_status("Pending destruction", "snipe-it") == "pending_destruction"
    assert map_status("ready_for_redeploy", "tagtrail") == "ready_for_redeploy"
    with pytest.raises(InvalidOperation, match="not in the status table"):
        map_status("Exploded", "snipe-it")
    with pytest.raises(InvalidOperation, match="not a TagTrail status"):
        map_status("Ready to Deploy", "tagtrail")


def test_category_words_and_strict_template() -> None:
    assert map_category("Laptops", "snipe-it") == "laptop"
    assert map_category("Mobile Phones", "snipe-it") == "phone"
    assert map_category("Hard Drives", "snipe-it") == "storage_device"
    assert map_category("Coffee machines", "snipe-it") == "other"
    assert map_category("storage_device", "tagtrail") == "storage_device"
    with pytest.raises(InvalidOperation):
        map_category("Laptops", "tagtrail")


def test_locations_go_under_the_site() -> None:
    assert map_location("Main Office - Room 101", "hq") == "HQ/MAIN-OFFICE-ROOM-101"
    assert map_location("hq/b2/closet-3", "HQ") == "HQ/B2/CLOSET-3"
    assert map_location("DAL1/B2", None) == "DAL1/B2"
    with pytest.raises(InvalidOperation, match="--site"):
        map_location("Main Office", None)
    with pytest.raises(InvalidOperation, match="no letters or digits"):
        map_location("---", "HQ")


def test_transition_paths_follow_the_table() -> None:
    for start in STATUSES:
        for end in STATUSES:
            path = transition_path(start, end)
            if path is None:
                continue
            here = start
            for step in path:
                assert check_transition(here, step).allowed, (start, end, here, step)
                here = step
            assert here == end
    assert transition_path("in_stock", "destroyed") is not None
    assert transition_path("destroyed", "in_stock") is None
    assert transition_path("deployed", "deployed") == ()
    assert transition_path("in_stock", "deployed") == ("deployed",)
    assert all(transition_path("recycled", s) is None for s in TRANSITIONS if s != "recycled")


def _row(cells: list[str], site: str | None = "HQ") -> AssetRow:
    return read_row(2, cells, map_columns(SNIPE, "snipe-it"), site)


CELLS = ["Acme", "A-1", "S1", "T14", "Lenovo", "Laptops", "Room 1", "Deployed", "900", "", "",
         "two\r\nlines"]  # fmt: skip


def test_a_row_reads_into_register_arguments() -> None:
    row = _row(CELLS)
    assert row.key == "asset:A-1"
    assert row.location == "HQ/ROOM-1" and row.status == "deployed"
    assert row.details["category"] == "laptop" and row.details["data_bearing"] is True
    assert row.details["fields"] == {
        "Company": "Acme",
        "Purchase Cost": "900",
        "notes": "two\nlines",
    }


@pytest.mark.parametrize(
    ("index", "value", "column", "why"),
    [
        (1, "", "Asset Tag", "needs an asset tag"),
        (1, "A 1", "Asset Tag", "no spaces"),
        (2, "S\x001", "Serial", "control characters"),
        (2, "S" * 81, "Serial", "longer than 80"),
        (7, "Exploded", "Status", "status table"),
        (8, "\x00", "Purchase Cost", "control characters"),
        (11, "x" * 10_000, "notes", "longer than 2000"),
        (11, "bad \ud800 surrogate", "notes", "control characters"),
    ],
)
def test_bad_cells_name_their_column(index: int, value: str, column: str, why: str) -> None:
    cells = list(CELLS)
    cells[index] = value
    with pytest.raises(InvalidOperation) as info:
        _row(cells)
    assert info.value.field == column and why in info.value.message


def test_steps_new_unchanged_changed() -> None:
    row = _row(CELLS)
    steps = steps_for(row, None)
    assert [s.kind for s in steps] == ["register", "observe", "transition"]
    assert steps[2].expects == {"status": "in_stock"} and steps[2].args["to"] == "deployed"
    device = Device("import.main", actor="import")
    ops = [device.op(s.kind, row.key, s.args, s.expects) for s in steps]
    state = fold_asset(row.key, ops).state
    assert isinstance(state, AssetState)
    assert state.fields == {"Company": "Acme", "Purchase Cost": "900", "notes": "two\nlines"}
    assert steps_for(row, state) == []  # the same row again: nothing to do
    changed = list(CELLS)
    changed[8], changed[6], changed[7] = "950", "Room 2", "Archived"
    again = steps_for(_row(changed), state)
    assert [s.kind for s in again] == ["describe", "observe", "transition"]
    ops += [device.op(s.kind, row.key, s.args, s.expects) for s in again]
    after = fold_asset(row.key, ops).state
    assert isinstance(after, AssetState)
    assert after.fields["Purchase Cost"] == "950" and after.status == "storage"
    assert after.location == "HQ/ROOM-2"


def test_a_status_the_table_cannot_reach_is_refused() -> None:
    row = _row(CELLS)
    state = AssetState(row.key, registered=True, status="recycled", category="laptop")
    with pytest.raises(InvalidOperation, match="cannot follow"):
        steps_for(row, state)


def test_describe_before_register_has_no_effect() -> None:
    device = Device("d1")
    op = device.op("describe", "asset:A-9", {"model": "X", "fields": {"Cost": "1"}})
    result = fold_asset("asset:A-9", [op])
    assert result.effects[op.op_id] == "no_effect"
    assert isinstance(result.state, AssetState) and result.state.fields == {}


def test_fields_round_trip_through_state_dict() -> None:
    state = AssetState("asset:A-1", fields={"b": "2", "a": "1"})
    data = state.to_dict()
    assert list(data["fields"]) == ["a", "b"]  # type: ignore[call-overload]
    assert AssetState.from_dict(data) == state


@pytest.mark.parametrize("value", ["=1+1", "+SUM(A1)", "@cmd", "-2+3", "\tx", "-x"])
def test_formula_cells_are_defused_and_read_back(value: str) -> None:
    safe = spreadsheet_safe(value)
    assert safe.startswith("'")
    assert from_spreadsheet(safe) == value


@pytest.mark.parametrize("value", ["-", "-12.5", "plain", "'quoted", ""])
def test_ordinary_cells_are_left_alone(value: str) -> None:
    assert spreadsheet_safe(value) == value
    assert from_spreadsheet(value) == value
