"""One shape for every vocabulary: a stored value, a label people read, a colour for the UI."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Choice:
    """One entry of a vocabulary (a status, a disposition outcome, a pallet state ...)."""

    value: str
    label: str
    colour: str
    description: str = ""


class Vocabulary(Mapping[str, Choice]):
    """An ordered, read-only table of choices, looked up by stored value."""

    def __init__(self, name: str, choices: tuple[Choice, ...]) -> None:
        self.name = name
        self._choices = {choice.value: choice for choice in choices}
        if len(self._choices) != len(choices):
            raise ValueError(f"{name}: duplicate values")

    def __getitem__(self, value: str) -> Choice:
        return self._choices[value]

    def __iter__(self) -> Iterator[str]:
        return iter(self._choices)

    def __len__(self) -> int:
        return len(self._choices)

    def label(self, value: str) -> str:
        choice = self._choices.get(value)
        return choice.label if choice else value
