"""Files in and out of the app: a download offered to the person (a label sheet, a CSV, a
certificate) and a file they pick (a CSV to import). One Flet `FilePicker` service per page:
in the browser a save becomes a download and a pick reads the file's bytes."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import flet as ft

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Picked:
    name: str
    data: bytes


class Files:
    def __init__(self) -> None:
        self.picker = ft.FilePicker()
        self.offered: list[str] = []  # names offered, newest last (kept short)

    async def save(self, name: str, data: bytes) -> None:
        """Offer `data` as a file called `name` (the browser downloads it)."""
        self.offered = [*self.offered[-9:], name]
        await self.picker.save_file(file_name=name, src_bytes=data)

    async def pick(self, extensions: tuple[str, ...] = ()) -> Picked | None:
        """The file the person picks, read whole; None if they cancel."""
        found = await self.picker.pick_files(
            file_type=ft.FilePickerFileType.CUSTOM if extensions else ft.FilePickerFileType.ANY,
            allowed_extensions=list(extensions) or None,
            with_data=True,
        )
        if not found or found[0].bytes is None:
            return None
        return Picked(found[0].name, bytes(found[0].bytes))
