"""Where a location tag hangs: a device-local book of location tags and recent locations.

The domain records a sighting at a location *path* (`DAL1/B1/CLOSET-2`); a printed location tag
(`TL-0000042-7`) only names itself. The first time a tag is scanned the technician says which
place it marks; after that every scan of it sets the place without typing (nothing typed twice).
The book is a small JSON file beside the device database, written atomically.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from assets.errors import AssetsError
from assets.locations import parse_location

MAX_RECENT = 8


class PlaceBook:
    """Location tag -> location path, plus the locations used most recently (newest first)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.tags: dict[str, str] = {}
        self.recent: list[str] = []
        if path is not None and path.exists():
            self._load(path)

    def _load(self, path: Path) -> None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return  # an unreadable book only costs a re-binding, never a crash
        tags = data.get("tags") if isinstance(data, dict) else None
        recent = data.get("recent") if isinstance(data, dict) else None
        if isinstance(tags, dict):
            self.tags = {str(k): str(v) for k, v in tags.items()}
        if isinstance(recent, list):
            self.recent = [str(v) for v in recent][:MAX_RECENT]

    def _save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        body = json.dumps({"tags": self.tags, "recent": self.recent}, indent=1, sort_keys=True)
        handle, temp = tempfile.mkstemp(dir=self.path.parent, prefix=".places-")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(body)
        os.replace(temp, self.path)

    def lookup(self, tag: str) -> str | None:
        return self.tags.get(tag)

    def bind(self, tag: str, path: str) -> str:
        """Say which place a location tag marks; returns the canonical path.
        Raises AssetsError (InvalidLocation) for a path that is not a location."""
        canonical = parse_location(path).key
        self.tags[tag] = canonical
        self.used(canonical)
        return canonical

    def used(self, path: str) -> None:
        """Put a location at the head of the recent list."""
        self.recent = [path, *(p for p in self.recent if p != path)][:MAX_RECENT]
        self._save()


def as_location_path(text: str) -> str | None:
    """A typed or scanned location path (`dal1/b1/closet-2`), canonical; None if it is not one.

    Only texts with a `/` (or the `location:` prefix) count, so a bare serial is never taken
    for a one-level site by accident.
    """
    body = text.strip()
    if body.lower().startswith("location:"):
        body = body.split(":", 1)[1]
    elif "/" not in body:
        return None
    try:
        return parse_location(body).key
    except AssetsError:
        return None
