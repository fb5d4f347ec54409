"""What the tool-desk tests share: a device session over a real database, the controller
that makes the desks, and a record of what the tools offered as downloads."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pypdfium2 as pdfium

from app.ui.controller import Controller
from app.ui.files import Files
from app.ui.session import DeviceSession
from assets.tags import make_tag
from scanner import decode
from scanner.labels import Stock

A1, A2, A3, A4 = (make_tag("asset", n) for n in (1, 2, 3, 4))
PALLET = make_tag("pallet", 5)
KG = {"value": "400", "unit": "kg"}
TARE = {"value": "20", "unit": "kg"}


class Tasks:
    """Stands in for page.run_task: the async jobs asked for, kept to be run by the test."""

    def __init__(self) -> None:
        self.asked: list[tuple[Any, tuple[Any, ...]]] = []

    def __call__(self, job: Any, *args: Any) -> None:
        self.asked.append((job, args))

    def run_jobs(self) -> None:
        """Run the jobs asked for that are not sounds (which need a page)."""
        jobs, self.asked = self.asked, []
        for job, args in jobs:
            if getattr(job, "__name__", "") != "play":
                asyncio.run(job(*args))


class Downloads(Files):
    """The page's file service, keeping what was offered instead of sending it to a browser
    (the browser tests download for real)."""

    def __init__(self) -> None:
        super().__init__()
        self.saved: list[tuple[str, bytes]] = []

    async def save(self, name: str, data: bytes) -> None:
        self.offered = [*self.offered[-9:], name]
        self.saved.append((name, data))


@dataclass
class Key:
    """A key event as Flutter web reports it to the page's key handler."""

    key: str
    shift: bool = False
    ctrl: bool = False
    alt: bool = False
    meta: bool = False


@contextmanager
def device_session(tmp_path: Path) -> Iterator[DeviceSession]:
    """A device with three people, four assets, three of them on a pallet sealed at 400 kg."""
    device = DeviceSession(tmp_path / "device.db", "http://127.0.0.1:9", start=False)
    svc = device.service
    svc.remember_person("carl", "Carl Crew", "crew")
    svc.remember_person("tess", "Tess Technician", "technician")
    svc.remember_person("sam", "Sam Supervisor", "supervisor")  # last: signed in now
    for tag in (A1, A2, A3, A4):
        svc.claim_tag(tag, serial=f"SN-{tag}", make="Dell", model="Latitude 7440")
    for tag in (A1, A2, A3):
        svc.load(tag, PALLET)
    svc.seal(PALLET, "S-100", KG, TARE)
    yield device
    device.close()


def controller(session: DeviceSession) -> Controller:
    made = Controller(session, Tasks())
    made.attach_files(Downloads())
    return made


def tasks(c: Controller) -> Tasks:
    found: Tasks = c._run  # type: ignore[assignment]
    return found


def downloads(c: Controller) -> Downloads:
    found = c._files
    assert isinstance(found, Downloads)
    return found


def label_payloads(
    pdf: bytes, stock: Stock, count: int, dpi: int = 300
) -> list[set[tuple[str, str]]]:
    """What `scanner.decode` reads off each of the first `count` labels of a PDF sheet."""
    document = pdfium.PdfDocument(pdf)
    try:
        pages = [
            np.asarray(p.render(scale=dpi / 72, grayscale=True).to_pil().convert("L"))
            for p in document
        ]
    finally:
        document.close()
    found = []
    for position in range(count):
        page = pages[position // stock.per_page]
        left, top = stock.label_origin(position)
        x0, y0 = round(left * dpi / 72), round(top * dpi / 72)
        x1 = round((left + stock.label_width) * dpi / 72)
        y1 = round((top + stock.label_height) * dpi / 72)
        crop = np.ascontiguousarray(page[y0:y1, x0:x1])
        found.append({(d.symbology, d.text) for d in decode(crop)})
    return found
