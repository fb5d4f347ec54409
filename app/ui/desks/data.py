"""The Data tool's state: a CSV import (checked first, then imported as a whole), CSV exports,
and certificates (one asset, a pallet, a batch of scanned assets, recycling over a period)
downloaded as PDF. Everything here is at the central store: online only."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import flet as ft

from app.ui.desks.reports import said
from app.ui.desks.taps import GivesFocusBack
from app.ui.handlers import action
from sync.device.service import DeviceService
from sync.device.store_desk import BadImport, Download, StoreDesk
from sync.protocol import MAX_CERTIFICATE_BATCH, ImportReport

if TYPE_CHECKING:  # the toolbox lists this desk: a runtime import would be a cycle
    from app.ui.toolbox import Kit

log = logging.getLogger(__name__)
FORMATS = (("auto", "Any"), ("snipe-it", "Snipe-IT"), ("tagtrail", "TagTrail"))


@dataclass(frozen=True, slots=True)
class Checked:
    """What the store said of a file: a dry run's plan, or the bad rows that stop it."""

    name: str  # the file's name
    outcome: ImportReport
    bad: bool  # bad rows: nothing can be imported until the file is fixed
    said: str


def summary(outcome: ImportReport) -> str:
    """`12 rows: 10 to add, 2 to update, 0 unchanged (30 operations)` in people's words."""
    verb = ("to add", "to update") if outcome.dry_run else ("added", "updated")
    return (
        f"{outcome.rows:,} rows: {outcome.new:,} {verb[0]}, {outcome.updated:,} {verb[1]}, "
        f"{outcome.unchanged:,} unchanged ({outcome.operations:,} operations)"
    )


def scanned_tag(service: DeviceService, text: str) -> tuple[str, str]:
    """('pallet' or 'asset', tag) of a scan: TagTrail pallet tags open a pallet, anything
    else is taken as an asset's tag (imported assets keep the tags they came with; the store
    may hold ones this device has not pulled)."""
    found = service.read_scan(text)
    if found.kind == "pallet_tag" and found.key:
        return "pallet", found.key.removeprefix("pallet:")
    if found.kind == "asset_tag" and found.key:
        return "asset", found.key.removeprefix("asset:")
    return "asset", text.strip()


@ft.observable
class DataDesk(GivesFocusBack):
    def __init__(self, kit: Kit) -> None:
        self._kit = kit
        self._data: bytes | None = None  # the picked file, kept for the import after the check
        self.format = "auto"
        self.checked: Checked | None = None
        self.imported: Checked | None = None
        self.asset_tag = ""
        self.pallet_tag = ""
        self.batch: tuple[str, ...] = ()
        self.since = ""
        self.until = ""
        self.site = ""
        self.scans = 0  # scans taken: the certificate form shows the newest scanned tags
        self.working: str | None = None  # a download under way, in words (its busy bar)

    def failed(self, exc: BaseException) -> None:
        log.warning("data: %r", exc)
        self._kit.tell(said(exc), False)

    def refresh(self) -> None:
        """Nothing to re-read: every figure here comes from an action the person took."""

    @action
    def scan(self, text: str) -> None:
        """A scanned asset is the certificate's asset and joins the batch; a pallet tag is
        the pallet's certificate."""
        kind, tag = scanned_tag(self._kit.service, text)
        if not tag:
            return
        self.scans += 1
        if kind == "pallet":
            self.pallet_tag = tag
            self._kit.tell(f"Pallet {tag}: its certificate is ready to download.", True)
            return
        self.asset_tag = tag
        if tag not in self.batch and len(self.batch) < MAX_CERTIFICATE_BATCH:
            self.batch = (*self.batch, tag)
        self._kit.tell(f"{tag} added: {len(self.batch)} in the batch.", True)

    # ---- import --------------------------------------------------------------------------

    @action
    def set_format(self, fmt: str) -> None:
        self.format = fmt

    def choose_file(self) -> None:
        self._kit.run(self._choose)

    def import_file(self) -> None:
        self._kit.run(self._import)

    @action
    async def _choose(self) -> None:
        files = self._kit.files()
        if files is None:
            raise RuntimeError("files are not ready yet")
        picked = await files.pick(("csv",))
        if picked is None:
            return
        self._data, self.checked, self.imported = picked.data, None, None
        name, data, fmt = picked.name, picked.data, self.format
        desk = self._kit.session.store_desk()
        checked = await self._kit.long_job(
            f"Checking {name}", _send_import, desk, name, data, fmt, True
        )
        if checked is not None:
            self.checked = checked
            self._kit.tell(checked.said, not checked.bad)

    @action
    async def _import(self) -> None:
        checked, data = self.checked, self._data
        if checked is None or checked.bad or data is None:
            return
        desk = self._kit.session.store_desk()
        rows = checked.outcome.rows
        done = await self._kit.long_job(
            f"Importing {checked.name}: {rows:,} rows",
            _send_import,
            desk,
            checked.name,
            data,
            self.format,
            False,
        )
        if done is None:
            return
        if done.bad:
            self.checked = done
        else:
            self.imported, self.checked, self._data = done, None, None
        self._kit.tell(done.said, not done.bad)

    # ---- exports and certificates -------------------------------------------------------

    @action
    def set_fields(
        self, asset_tag: str, pallet_tag: str, since: str, until: str, site: str
    ) -> None:
        self.asset_tag, self.pallet_tag = asset_tag.strip(), pallet_tag.strip()
        self.since, self.until, self.site = since.strip(), until.strip(), site.strip().upper()

    @action
    def clear_batch(self) -> None:
        self.batch = ()

    def export(self, what: str) -> None:
        site = self.site or None
        self._kit.run(self._save, f"Exporting {what}", lambda d: d.export(what, site))

    def asset_certificate(self) -> None:
        tag = self.asset_tag
        if tag:
            self._kit.run(self._save, "Certificate", lambda d: d.asset_certificate(tag))

    def pallet_certificate(self) -> None:
        tag = self.pallet_tag
        if tag:
            self._kit.run(self._save, "Pallet certificate", lambda d: d.pallet_certificate(tag))

    def batch_certificate(self) -> None:
        tags = self.batch
        if tags:
            self._kit.run(self._save, "Batch certificate", lambda d: d.batch_certificate(tags))

    def recycling_certificate(self) -> None:
        window = (self.since or None, self.until or None, self.site or None)
        self._kit.run(
            self._save, "Recycling certificate", lambda d: d.recycling_certificate(*window)
        )

    @action
    async def _save(self, label: str, fetch: Callable[[StoreDesk], Download]) -> None:
        files = self._kit.files()
        if files is None:
            raise RuntimeError("files are not ready yet")
        desk = self._kit.session.store_desk()
        self.working = f"{label}: asking the central store"
        try:
            got = await asyncio.to_thread(fetch, desk)
        finally:
            self.working = None
        await files.save(got.name, got.data)
        self._kit.tell(f"{label}: {got.name} downloaded.", True)


def _send_import(desk: StoreDesk, name: str, data: bytes, fmt: str, dry_run: bool) -> Checked:
    """The store's word on the file (blocking): its plan or its import, or the bad rows."""
    try:
        outcome = desk.import_csv(data, dry_run=dry_run, fmt=fmt)
    except BadImport as refused:
        return Checked(name, refused.outcome, True, _bad_words(refused))
    if dry_run:
        words = f"{name} is fine: {summary(outcome)}. Nothing is written until you import it."
    elif outcome.imported:
        words = f"Imported {name}: {summary(outcome)}."
    else:
        words = f"{name} holds nothing new: every row is already in the store."
    return Checked(name, outcome, False, words)


def _bad_words(refused: BadImport) -> str:
    count = len(refused.outcome.problems)
    return refused.said or f"{count} bad row(s): nothing was imported"
