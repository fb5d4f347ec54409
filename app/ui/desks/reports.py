"""The Reports tool's state: which report, for which site and period, what the store said
(figures, a chart, a table), and the report as a CSV download."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import flet as ft

from app.ui import words
from app.ui.handlers import action
from app.ui.reporting import BY_KEY, REPORTS, Query, Report, Shown
from sync.device.store_desk import StoreSaid
from sync.errors import ServerUnreachable

if TYPE_CHECKING:  # the toolbox lists this desk: a runtime import would be a cycle
    from app.ui.toolbox import Kit

log = logging.getLogger(__name__)


def said(exc: BaseException) -> str:
    """What to tell a supervisor: the store's own sentence when it gave one."""
    if isinstance(exc, StoreSaid) and exc.said:
        return words.capitalised(exc.said)
    if isinstance(exc, ServerUnreachable):
        return "The central store cannot be reached: reports need the network."
    return words.sentence(exc)


@ft.observable
class ReportsDesk:
    def __init__(self, kit: Kit) -> None:
        self._kit = kit
        self._asked = 0  # the newest read asked for: an older answer is dropped
        self.key = REPORTS[0].key
        self.site = ""
        self.period = "month"
        self.since = ""
        self.until = ""
        self.shown: Shown | None = None
        self.loading = False
        self.problem: str | None = None  # why nothing is shown (offline…)

    @property
    def report(self) -> Report:
        return BY_KEY[self.key]

    def query(self) -> Query:
        site = self.site.strip().upper() or None
        return Query(site, self.period, self.since.strip() or None, self.until.strip() or None)

    def failed(self, exc: BaseException) -> None:
        log.warning("reports: %r", exc)
        self._kit.tell(said(exc), False)

    # ---- what the person does ----------------------------------------------------------

    def scan(self, text: str) -> None:
        self._kit.tell("Scans are recorded on the Scan screen; Reports only reads.", False)

    def refresh(self) -> None:
        self._kit.run(self.load)

    def download(self) -> None:
        self._kit.run(self.save_csv)

    @action
    def choose(self, key: str) -> None:
        if key in BY_KEY and key != self.key:
            self.key = key
            self.shown = None
            self.refresh()

    @action
    def set_filter(self, site: str, since: str, until: str) -> None:
        self.site, self.since, self.until = site, since, until
        self.refresh()

    @action
    def set_period(self, period: str) -> None:
        if period != self.period:
            self.period = period
            self.refresh()

    @action
    async def load(self) -> None:
        """Ask the store for the chosen report (in a worker thread) and shape it."""
        self._asked += 1
        asked, report, query = self._asked, self.report, self.query()
        self.loading = True
        try:
            desk = self._kit.session.store_desk()
            answer = await asyncio.to_thread(report.read, desk, query)
            if asked == self._asked:
                self.shown, self.problem = report.shape(answer), None
        except Exception as exc:
            log.info("report %s not read: %r", report.key, exc)
            if asked == self._asked:
                self.shown, self.problem = None, said(exc)
        finally:
            if asked == self._asked:
                self.loading = False

    @action
    async def save_csv(self) -> None:
        """The report as CSV, every line (the store streams it), as a download."""
        files = self._kit.files()
        if files is None:
            raise RuntimeError("files are not ready yet")
        report, query = self.report, self.query()
        desk = self._kit.session.store_desk()
        self.loading = True
        try:
            got = await asyncio.to_thread(desk.report_csv, report.key, query.params(report))
        finally:
            self.loading = False
        await files.save(got.name, got.data)
        self._kit.tell(f"{got.name} downloaded.", True)
