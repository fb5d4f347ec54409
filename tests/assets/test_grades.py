"""Every R2v3 grade maps to exactly the letter the scale's rules give it."""

from __future__ import annotations

import itertools

import pytest

from assets.errors import InvalidGrade
from assets.grades import (
    COSMETIC,
    DEFAULT_LETTER_SCALE,
    FUNCTIONAL,
    Grade,
    LetterRule,
    LetterScale,
    grade_for_letter,
    letter_of,
    parse_grade,
)

ALL_GRADES = [Grade(f, c) for f, c in itertools.product(FUNCTIONAL, COSMETIC)]


def expected_letter(grade: Grade) -> str:
    # The default scale written out independently of the table it checks.
    f, c = grade.functional_level, grade.cosmetic_level
    if f >= 4 and c >= 7:
        return "A"
    if f >= 4 and c >= 5:
        return "B"
    if f >= 3 and c >= 3:
        return "C"
    if f >= 2 and c >= 2:
        return "D"
    return "F"


def test_scales_are_complete() -> None:
    assert list(FUNCTIONAL) == [f"F{i}" for i in range(1, 7)]
    assert list(COSMETIC) == [f"C{i}" for i in range(10)]
    assert len(ALL_GRADES) == 60


@pytest.mark.parametrize("grade", ALL_GRADES, ids=str)
def test_every_grade_maps_to_its_letter(grade: Grade) -> None:
    assert letter_of(grade, DEFAULT_LETTER_SCALE) == expected_letter(grade)


@pytest.mark.parametrize("letter", ["A", "B", "C", "D", "F"])
def test_letters_map_back_to_a_grade_of_that_letter(letter: str) -> None:
    grade = grade_for_letter(letter, DEFAULT_LETTER_SCALE)
    assert letter_of(grade, DEFAULT_LETTER_SCALE) == letter
    assert grade_for_letter(letter.lower(), DEFAULT_LETTER_SCALE) == grade


@pytest.mark.parametrize(
    ("text", "grade"),
    [
        ("F4/C6", Grade("F4", "C6")),
        ("f4 c6", Grade("F4", "C6")),
        ("F1-C0", Grade("F1", "C0")),
        (" F6/C9 ", Grade("F6", "C9")),
        ("F3C2", Grade("F3", "C2")),
    ],
)
def test_parse_grade(text: str, grade: Grade) -> None:
    assert parse_grade(text) == grade
    assert str(grade) == f"{grade.functional}/{grade.cosmetic}"


@pytest.mark.parametrize("text", ["F7/C1", "F0/C1", "F4/C10", "A", "", "F4/", "C4/F4"])
def test_bad_grades(text: str) -> None:
    with pytest.raises(InvalidGrade):
        parse_grade(text)


def test_bad_grade_values() -> None:
    with pytest.raises(InvalidGrade, match="functional"):
        Grade("F9", "C1")
    with pytest.raises(InvalidGrade, match="cosmetic"):
        Grade("F1", "X1")


def test_unknown_letter() -> None:
    with pytest.raises(InvalidGrade, match="not a letter"):
        grade_for_letter("E", DEFAULT_LETTER_SCALE)


def test_a_company_scale() -> None:
    # Two letters only: "Reuse" when it works, "Scrap" otherwise.
    scale = LetterScale(
        (
            LetterRule("R", "Reuse", "#2e7d32", 3, 0, Grade("F3", "C5")),
            LetterRule("S", "Scrap", "#b71c1c", 1, 0, Grade("F1", "C1")),
        )
    )
    assert letter_of(Grade("F5", "C1"), scale) == "R"
    assert letter_of(Grade("F2", "C9"), scale) == "S"


def test_scale_must_catch_every_grade_and_be_consistent() -> None:
    with pytest.raises(InvalidGrade, match="last letter"):
        LetterScale((LetterRule("A", "A", "#000000", 4, 4, Grade("F4", "C4")),))
    with pytest.raises(InvalidGrade, match="typical"):
        LetterScale(
            (
                LetterRule("A", "A", "#000000", 4, 4, Grade("F1", "C1")),
                LetterRule("F", "F", "#000000", 1, 0, Grade("F1", "C1")),
            )
        )
    with pytest.raises(InvalidGrade, match="twice"):
        LetterScale(
            (
                LetterRule("F", "F", "#000000", 1, 0, Grade("F1", "C1")),
                LetterRule("F", "F", "#000000", 1, 0, Grade("F1", "C1")),
            )
        )
