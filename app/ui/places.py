"""Recent locations of this device, and the one-time import of its old location-tag book.

Which place a printed location tag (`TL-0000042-7`) marks is shared through sync: the device
service records it (`name_location`) and answers it (`location_of`). What stays here is local
to the device: the locations used most recently (newest first), offered as one-tap choices.

Earlier versions kept the tag -> place book in this same JSON file, beside the device database;
those entries are only read now, as a one-time import: the scan flow records an entry through
the service the first time its tag is scanned again, and then drops it from the file.
The file is written atomically.
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
    """The locations used most recently, plus the location tags of an old book not yet
    imported into the shared store."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.recent: list[str] = []
        self._legacy: dict[str, str] = {}
        if path is not None and path.exists():
            self._load(path)

    def _load(self, path: Path) -> None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return  # an unreadable book only costs naming a tag again, never a crash
        tags = data.get("tags") if isinstance(data, dict) else None
        recent = data.get("recent") if isinstance(data, dict) else None
        if isinstance(tags, dict):
            self._legacy = {str(k): str(v) for k, v in tags.items()}
        if isinstance(recent, list):
            self.recent = [str(v) for v in recent][:MAX_RECENT]

    def _save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data: dict[str, object] = {"recent": self.recent}
        if self._legacy:
            data["tags"] = self._legacy  # entries of an old book still waiting to be imported
        body = json.dumps(data, indent=1, sort_keys=True)
        handle, temp = tempfile.mkstemp(dir=self.path.parent, prefix=".places-")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(body)
        os.replace(temp, self.path)

    @property
    def waiting_import(self) -> dict[str, str]:
        """Location tag -> place from an old book, not yet recorded through the service."""
        return dict(self._legacy)

    def legacy_place(self, tag: str) -> str | None:
        """The canonical place an old book gave `tag`, or None (none, or not a place)."""
        found = self._legacy.get(tag)
        if found is None:
            return None
        try:
            return parse_location(found).key
        except AssetsError:
            return None

    def imported(self, tag: str) -> None:
        """The old entry of `tag` is now recorded through the service: forget it here."""
        if self._legacy.pop(tag, None) is not None:
            self._save()

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
