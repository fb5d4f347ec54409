"""Runs of new tags: the numbers after the highest used, how many at once, a key's number, and
who may print each kind."""

from __future__ import annotations

import pytest

from assets.errors import InvalidTag
from assets.new_tags import (
    MAX_NEW_TAGS,
    count_problem,
    highest_of,
    key_range,
    number_of_key,
    offline_start_problem,
    run_after,
)
from assets.roles import ROLES, may_print_new
from assets.tags import DEFAULT_TAG_CONFIG, TAG_KINDS, TagConfig, make_tag


def test_a_run_is_the_numbers_right_after_the_highest() -> None:
    assert run_after("asset", 41, 3, DEFAULT_TAG_CONFIG) == [
        make_tag("asset", n) for n in (42, 43, 44)
    ]
    assert run_after("pallet", 0, 1, DEFAULT_TAG_CONFIG) == [make_tag("pallet", 1)]


@pytest.mark.parametrize("count", [0, -1, MAX_NEW_TAGS + 1, True])
def test_a_count_out_of_range_is_refused_in_words(count: int) -> None:
    assert count_problem(count) == f"print from 1 to {MAX_NEW_TAGS} new tags at a time"
    with pytest.raises(InvalidTag, match="print from 1 to"):
        run_after("asset", 0, count, DEFAULT_TAG_CONFIG)
    assert count_problem(MAX_NEW_TAGS) is None


def test_when_numbers_run_out_the_sentence_says_how_many_are_left() -> None:
    narrow = TagConfig(number_width=2)
    assert run_after("asset", 97, 2, narrow)[-1] == make_tag("asset", 99, narrow)
    with pytest.raises(InvalidTag, match="only 2 new asset tags are left, not 3"):
        run_after("asset", 97, 3, narrow)
    with pytest.raises(InvalidTag, match="only 0 new asset tags are left"):
        run_after("asset", 99, 1, narrow)


def test_a_key_gives_back_its_tags_number_only_in_our_format() -> None:
    tag = make_tag("asset", 1234)
    assert number_of_key(f"asset:{tag}", "asset", DEFAULT_TAG_CONFIG) == 1234
    assert number_of_key(f"pallet:{tag}", "pallet", DEFAULT_TAG_CONFIG) is None
    assert number_of_key("asset:WEB-0001", "asset", DEFAULT_TAG_CONFIG) is None
    assert number_of_key("asset:TA-٠٠٠١٢٣٤-K", "asset", DEFAULT_TAG_CONFIG) is None  # not ASCII
    low, high = key_range("asset", DEFAULT_TAG_CONFIG)
    assert low <= f"asset:{tag}" < high
    assert not low <= f"asset:{make_tag('location', 1)}" < high
    damaged = "asset:TA-9999999"  # no check character: sorts above, is not ours
    keys = [damaged, f"asset:{tag}", f"asset:{make_tag('asset', 7)}"]
    assert highest_of(keys, "asset", DEFAULT_TAG_CONFIG) == 1234
    assert highest_of([damaged], "asset", DEFAULT_TAG_CONFIG) == 0


def test_who_may_print_new_tags_of_each_kind() -> None:
    printers = {kind: {r for r in ROLES if may_print_new(r, kind)} for kind in TAG_KINDS}
    assert printers == {
        "asset": {"technician", "supervisor", "admin"},
        "location": {"technician", "supervisor", "admin"},
        "pallet": {"crew", "supervisor", "admin"},
    }
    assert not may_print_new("technician", "gadget")
    assert not may_print_new("nobody", "asset")


def test_a_run_numbered_offline_starts_near_what_the_store_knows() -> None:
    assert offline_start_problem("asset", 1, 0) is None
    assert offline_start_problem("asset", 5, 900) is None  # below: a clash, not a refusal
    assert offline_start_problem("asset", 900 + MAX_NEW_TAGS + 1, 900) is None
    said = offline_start_problem("pallet", 900 + MAX_NEW_TAGS + 2, 900)
    assert said == (
        f"a run numbered offline cannot start at {900 + MAX_NEW_TAGS + 2}: the store's highest "
        "pallet tag number is 900, and a device counts on from what it knew"
    )
