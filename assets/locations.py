"""Locations: a path from a site down to a shelf or bin, e.g. `DAL1/B2/CLOSET-3/SHELF-A`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assets.errors import InvalidLocation
from assets.vocabulary import Choice, Vocabulary

# The level of each path segment, from the top. A room level may be a room, closet or dock.
LEVELS: Vocabulary = Vocabulary(
    "location level",
    (
        Choice("site", "Site", "#1565c0", "A campus, office or facility"),
        Choice("building", "Building", "#00838f", "A building on the site"),
        Choice("room", "Room / closet / dock", "#6a1b9a", "Room, storage closet or loading dock"),
        Choice("shelf", "Shelf / bin", "#ef6c00", "Shelf, rack, cage or bin"),
    ),
)
ROOM_KINDS = ("room", "closet", "dock")
_SEGMENT = re.compile(r"^[A-Z0-9][A-Z0-9_.\-]{0,39}$")


@dataclass(frozen=True, slots=True)
class Location:
    """A parsed location path. `segments[0]` is always the site."""

    segments: tuple[str, ...]
    room_kind: str = "room"

    def __post_init__(self) -> None:
        if not 1 <= len(self.segments) <= len(LEVELS):
            raise InvalidLocation(
                f"a location has 1 to {len(LEVELS)} levels (site/building/room/shelf), "
                f"not {len(self.segments)}"
            )
        for segment in self.segments:
            if not _SEGMENT.match(segment):
                raise InvalidLocation(
                    f"'{segment}' is not a location name: use letters, digits, '-', '_' or '.'"
                )
        if self.room_kind not in ROOM_KINDS:
            raise InvalidLocation(f"room kind '{self.room_kind}' is not one of {ROOM_KINDS}")

    @property
    def site(self) -> str:
        return self.segments[0]

    @property
    def level(self) -> str:
        return list(LEVELS)[len(self.segments) - 1]

    @property
    def key(self) -> str:
        return "/".join(self.segments)

    def parent(self) -> Location | None:
        return Location(self.segments[:-1]) if len(self.segments) > 1 else None

    def contains(self, other: Location) -> bool:
        return other.segments[: len(self.segments)] == self.segments


def parse_location(path: str) -> Location:
    """Parse 'dal1/b2/closet-3' (case-insensitive, surrounding slashes ignored)."""
    if not isinstance(path, str):
        raise InvalidLocation("a location path cannot be empty")
    return _parse_text(path)


# A store sees the same few thousand paths over and over (every observe, every site lookup on
# the push path); a Location is immutable, so one parse per path text is enough. Faults are
# raised again each time (lru_cache keeps no exceptions).
@lru_cache(maxsize=8192)
def _parse_text(path: str) -> Location:
    if not path.strip(" /"):
        raise InvalidLocation("a location path cannot be empty")
    return Location(tuple(part.strip().upper() for part in path.strip(" /").split("/")))


def site_of(path: str) -> str:
    return parse_location(path).site
