"""Condition grades: the R2v3 functional (F1–F6) and cosmetic (C0–C9) scales, and the letter
scale resellers speak in, mapped onto them by a table that each company can replace."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assets.errors import InvalidGrade
from assets.vocabulary import Choice, Vocabulary

FUNCTIONAL: Vocabulary = Vocabulary(
    "functional grade",
    (
        Choice("F1", "F1 Specialty", "#6d4c41", "Collectible or unsupported; may be incomplete"),
        Choice(
            "F2", "F2 As removed", "#8d6e63", "Removed from service, no known defects, untested"
        ),
        Choice("F3", "F3 Key functions", "#f9a825", "Primary functions tested and working"),
        Choice("F4", "F4 Hardware functional", "#7cb342", "All hardware tested, no software"),
        Choice("F5", "F5 Fully functional", "#43a047", "All functions tested, licensed software"),
        Choice("F6", "F6 Like new", "#1b5e20", "Repaired to OEM specification with OEM parts"),
    ),
)

COSMETIC: Vocabulary = Vocabulary(
    "cosmetic grade",
    (
        Choice("C0", "C0 Not evaluated", "#9e9e9e", "Cosmetic condition not yet assessed"),
        Choice("C1", "C1 Recovery only", "#b71c1c", "Damaged: fit for materials recovery"),
        Choice("C2", "C2 Major damage", "#d84315", "Broken or missing exterior parts"),
        Choice("C3", "C3 Significant damage", "#ef6c00", "Cracks or dents that do not stop use"),
        Choice("C4", "C4 Heavy wear", "#f9a825", "Deep scratches, worn keys or finish"),
        Choice("C5", "C5 Moderate wear", "#c0ca33", "Visible scratches and scuffs"),
        Choice("C6", "C6 Light wear", "#7cb342", "Light marks seen on close look"),
        Choice("C7", "C7 Minimal wear", "#43a047", "Hardly any sign of use"),
        Choice("C8", "C8 Like new", "#2e7d32", "No sign of use"),
        Choice("C9", "C9 New", "#1b5e20", "New, sealed or open box"),
    ),
)


@dataclass(frozen=True, slots=True, order=True)
class Grade:
    """An R2v3 grade: one functional and one cosmetic code, e.g. F4/C6."""

    functional: str
    cosmetic: str

    def __post_init__(self) -> None:
        if self.functional not in FUNCTIONAL:
            raise InvalidGrade(
                f"functional grade '{self.functional}' is not one of {', '.join(FUNCTIONAL)}"
            )
        if self.cosmetic not in COSMETIC:
            raise InvalidGrade(
                f"cosmetic grade '{self.cosmetic}' is not one of {', '.join(COSMETIC)}"
            )

    @property
    def functional_level(self) -> int:
        return int(self.functional[1])

    @property
    def cosmetic_level(self) -> int:
        return int(self.cosmetic[1])

    def __str__(self) -> str:
        return f"{self.functional}/{self.cosmetic}"


_GRADE_TEXT = re.compile(r"^\s*(F[1-6])\s*[/ ,-]?\s*(C\d)\s*$", re.IGNORECASE)


def parse_grade(text: str) -> Grade:
    """Parse 'F4/C6' (also 'f4 c6', 'F4-C6')."""
    match = _GRADE_TEXT.match(text)
    if not match:
        raise InvalidGrade(f"'{text}' is not a grade like F4/C6")
    return Grade(match.group(1).upper(), match.group(2).upper())


@dataclass(frozen=True, slots=True)
class LetterRule:
    """A letter applies when both levels reach its minimums; `typical` is what it means when a
    grader picks the letter alone."""

    letter: str
    label: str
    colour: str
    min_functional: int
    min_cosmetic: int
    typical: Grade


@dataclass(frozen=True, slots=True)
class LetterScale:
    """Rules from best to worst; the first rule a grade satisfies gives its letter."""

    rules: tuple[LetterRule, ...]

    def __post_init__(self) -> None:
        if not self.rules:
            raise InvalidGrade("a letter scale needs at least one letter")
        letters = [rule.letter for rule in self.rules]
        if len(set(letters)) != len(letters):
            raise InvalidGrade("a letter scale cannot use a letter twice")
        last = self.rules[-1]
        if last.min_functional > 1 or last.min_cosmetic > 0:
            raise InvalidGrade("the last letter must catch every grade (minimums F1 and C0)")
        for rule in self.rules:
            if letter_of(rule.typical, self) != rule.letter:
                raise InvalidGrade(
                    f"letter {rule.letter}: its typical grade {rule.typical} maps to "
                    f"{letter_of(rule.typical, self)}"
                )

    @property
    def letters(self) -> tuple[str, ...]:
        return tuple(rule.letter for rule in self.rules)

    def rule(self, letter: str) -> LetterRule:
        for rule in self.rules:
            if rule.letter == letter.strip().upper():
                return rule
        raise InvalidGrade(f"'{letter}' is not a letter of this scale ({', '.join(self.letters)})")


def letter_of(grade: Grade, scale: LetterScale) -> str:
    for rule in scale.rules:
        if grade.functional_level >= rule.min_functional and (
            grade.cosmetic_level >= rule.min_cosmetic
        ):
            return rule.letter
    return scale.rules[-1].letter


def grade_for_letter(letter: str, scale: LetterScale) -> Grade:
    """The R2v3 grade recorded when a grader only picks a letter."""
    return scale.rule(letter).typical


DEFAULT_LETTER_SCALE = LetterScale(
    (
        LetterRule("A", "A  Excellent", "#1b5e20", 4, 7, Grade("F5", "C8")),
        LetterRule("B", "B  Good", "#43a047", 4, 5, Grade("F4", "C6")),
        LetterRule("C", "C  Fair", "#f9a825", 3, 3, Grade("F3", "C4")),
        LetterRule("D", "D  Poor", "#ef6c00", 2, 2, Grade("F2", "C2")),
        LetterRule("F", "F  For parts", "#b71c1c", 1, 0, Grade("F1", "C1")),
    )
)
