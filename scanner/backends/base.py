"""The interface every decoding back-end implements."""

from __future__ import annotations

from typing import Protocol

from scanner.images import Gray
from scanner.model import Decoded


class Backend(Protocol):
    """A decoding library behind one small interface.

    `read` returns every code it finds among `symbologies` in a gray image; `thorough`
    asks for the library's slower search (inverted codes, its own pyramid, rotations),
    which stills want and live frames can skip.
    """

    name: str
    # True when the library's reads are taken without a second, independent look
    trusted: bool
    # The TagTrail symbologies this library can read at all.
    supported: frozenset[str]

    def read(
        self,
        gray: Gray,
        symbologies: frozenset[str],
        *,
        thorough: bool = True,
        rotate: bool | None = None,
    ) -> list[Decoded]:
        """`rotate` (default: as `thorough`) also looks for 1D codes turned by 90 degrees."""
        ...
