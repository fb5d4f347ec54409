"""The Reports tool's state: which report, for which site and period, what the store said
(figures, a chart, a table), which page of its lines is shown, and the report as a CSV
download.

A report the store pages (places, storage age, devices) is read a page at a time with the
store's cursor; the desk keeps the cursors of the pages before, so Previous goes back without
the store keeping anything. A report the store sends whole is cut into pages here."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import flet as ft

from app.ui import words
from app.ui.desks.taps import GivesFocusBack
from app.ui.handlers import action
from app.ui.reporting import (
    BY_KEY,
    PAGE_LINES,
    REPORTS,
    Page,
    Query,
    Report,
    Shown,
    page_of,
    store_page,
)
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
class ReportsDesk(GivesFocusBack):
    def __init__(self, kit: Kit) -> None:
        self._kit = kit
        self._asked = 0  # the newest read asked for: an older answer is dropped
        self.key = REPORTS[0].key
        self.site = ""
        self.period = "month"
        self.since = ""
        self.until = ""
        self.shown: Shown | None = None  # the page shown
        self.page: Page | None = None  # which lines of the report `shown` holds
        self._whole: Shown | None = None  # a report the store sent whole, every line
        self._cursor: str | None = None  # the store's cursor of the page shown
        self._before: tuple[tuple[str | None, int], ...] = ()  # (cursor, start) of earlier pages
        self._start = 0  # lines before the page shown
        self.loading = False
        self.problem: str | None = None  # why nothing is shown (offline…)

    @property
    def report(self) -> Report:
        return BY_KEY[self.key]

    def query(self) -> Query:
        site = self.site.strip().upper() or None
        since, until = self.since.strip() or None, self.until.strip() or None
        return Query(site, self.period, since, until, self._cursor)

    def _first_page(self) -> None:
        self._cursor, self._before, self._start, self._whole = None, (), 0, None

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
            self.shown, self.page = None, None
            self._first_page()
            self.refresh()

    @action
    def set_filter(self, site: str, since: str, until: str) -> None:
        self.site, self.since, self.until = site, since, until
        self._first_page()
        self.refresh()

    @action
    def set_period(self, period: str) -> None:
        if period != self.period:
            self.period = period
            self._first_page()
            self.refresh()

    @action
    def next_page(self) -> None:
        """The next lines: the store's next page, or the next cut of a whole report."""
        shown, page = self.shown, self.page
        if self.loading or shown is None or page is None or not page.more:
            return
        if self._whole is not None:
            self._cut(page.start + PAGE_LINES)
            return
        self._before = (*self._before, (self._cursor, self._start))
        self._cursor, self._start = shown.next_cursor, page.start + page.shown
        self.refresh()

    @action
    def previous_page(self) -> None:
        if self.loading:
            return
        if self._whole is not None and self.page is not None:
            self._cut(self.page.start - PAGE_LINES)
        elif self._before:  # also after a page the store did not send (offline)
            (self._cursor, self._start), self._before = self._before[-1], self._before[:-1]
            self.refresh()

    def _cut(self, start: int) -> None:
        assert self._whole is not None
        self.shown, self.page = page_of(self._whole, start)
        self._start = self.page.start

    @action
    async def load(self) -> None:
        """Ask the store for the chosen report (in a worker thread) and shape it."""
        self._asked += 1
        asked, report, query, start = self._asked, self.report, self.query(), self._start
        self.loading = True
        try:
            desk = self._kit.session.store_desk()
            answer = await asyncio.to_thread(report.read, desk, query)
            if asked == self._asked:
                self._show(report, report.shape(answer), start)
        except Exception as exc:
            log.info("report %s not read: %r", report.key, exc)
            if asked == self._asked:
                self.shown, self.page, self.problem = None, None, said(exc)
        finally:
            if asked == self._asked:
                self.loading = False

    def _show(self, report: Report, answer: Shown, start: int) -> None:
        if report.paged:
            self._whole = None
            self.shown, self.page = store_page(answer, start)
        else:  # re-read (a sync moved data): stay on the page the person was reading
            self._whole = answer
            self._cut(start)
        self.problem = None

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
