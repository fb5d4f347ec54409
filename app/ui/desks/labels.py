"""The Labels tool's state: pick what to print, then a PDF sheet to download.

Either tags scanned or typed (assets, pallets, location tags; a pallet's or a place's assets
in one tap), or a run of new tags. The central store hands a run out when the sheet is made, so
no other device is ever given the same numbers; offline, the run is the next numbers no tag
this device knows of has used, and the tool says another device could pick them too. The
preview shows what this device knows (the store may hand out later numbers). The QR link on
each label starts with the store's `label_base_url` as this device last pulled it (known
offline). New tags are kept as printed when the sheet is made, so this device never offers
them again.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import flet as ft

from app.ui import label_sheet, sounds
from app.ui.desks.reports import said
from app.ui.desks.taps import GivesFocusBack
from app.ui.handlers import action
from app.ui.label_sheet import Pick
from assets.new_tags import MAX_NEW_TAGS, count_problem
from assets.roles import may_print_new
from assets.tags import TAG_KINDS, make_tag
from scanner.labels import STOCKS
from sync.device import store_settings, tag_numbers
from sync.device.store_desk import StoreDesk, StoreSaid
from sync.errors import InvalidInput, NotEnrolled, ServerUnreachable
from sync.protocol import TagRun

if TYPE_CHECKING:  # the toolbox imports the desks; a desk only names its Kit
    from app.ui.toolbox import Kit

log = logging.getLogger(__name__)

SCANNED, NEW = "scanned", "new"
MAX_PICKS = 3000
OFFLINE_RUN = (
    "Made offline: a device printing new {kind} tags elsewhere before the next sync could "
    "pick the same numbers."
)


def may_print(role: str) -> bool:
    """Whether the Labels tool is for this role: anyone who may make some kind of new tag."""
    return any(may_print_new(role, kind) for kind in TAG_KINDS)


def new_count(text: str) -> int | None:
    """A typed number of new tags, or None when it is not a whole number in range."""
    cleaned = text.strip()
    if not (cleaned.isascii() and cleaned.isdigit()) or len(cleaned) > 5:
        return None
    value = int(cleaned)
    return value if count_problem(value) is None else None


@ft.observable
class LabelsDesk(GivesFocusBack):
    def __init__(self, kit: Kit) -> None:
        self._kit = kit
        self.mode = SCANNED
        self.picks: tuple[Pick, ...] = ()
        self.contents_of: str | None = None  # the pallet or location tag scanned last
        self.contents_count = 0  # assets it holds, as this device's replica says
        self.kind = self.kinds[0] if self.kinds else "asset"
        self.count = "30"
        self.preview: tuple[str, ...] = ()  # the first and last new tag, when known
        self.stock = label_sheet.DEFAULT_STOCK
        self.base_url = store_settings.DEFAULT.label_base_url
        self.made: str | None = None  # the file offered last
        self.clashes: tuple[str, ...] = ()  # "first to last" printed offline, held elsewhere too

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds of new tags this person may print."""
        person = self._kit.person()
        role = person.role if person else ""
        return tuple(k for k in TAG_KINDS if may_print_new(role, k))

    def failed(self, exc: BaseException) -> None:
        self._kit.failed("labels", exc)

    # ---- reading -----------------------------------------------------------------------

    def _settings(self) -> store_settings.StoreSettings:
        return store_settings.read(self._kit.service.db)

    @action
    def refresh(self) -> None:
        self.base_url = self._settings().label_base_url
        config = self._settings().tag_config
        self.clashes = tuple(
            f"{make_tag(kind, first, config)} to {make_tag(kind, last, config)}"
            if first != last
            else make_tag(kind, first, config)
            for kind, first, last in tag_numbers.clashing(self._kit.service.db)
        )
        self._preview()

    def _preview(self) -> None:
        count = new_count(self.count)
        if self.mode != NEW or count is None or self.kind not in self.kinds:
            self.preview = ()
            return
        config = self._settings().tag_config
        tags = tag_numbers.peek(self._kit.service.db, self.kind, count, config)
        self.preview = (tags[0], tags[-1])

    # ---- picking -----------------------------------------------------------------------

    @action
    def scan(self, text: str) -> None:
        """A tag scanned or typed: one more label (a pallet or place also offers its assets)."""
        pick = label_sheet.pick_of(self._kit.service.read_scan(text))
        if pick is None:
            self._kit.tell(f"Not a tag this device knows: {text.strip()[:60]}", False)
            self._kit.beep(sounds.ERROR)
            return
        if len(self.picks) >= MAX_PICKS:
            self._kit.tell(f"A sheet run holds at most {MAX_PICKS} labels.", False)
            return
        pick = Pick(pick.tag, pick.kind, self._line(pick))
        if pick.tag not in {p.tag for p in self.picks}:
            self.picks = (*self.picks, pick)
        held = self._held(pick)
        self.contents_of, self.contents_count = (pick.tag, len(held)) if held else (None, 0)
        self.mode = SCANNED
        self._kit.beep(sounds.OK)

    def _line(self, pick: Pick) -> str:
        """What the label says under the tag: an asset's make and model, a tag's place."""
        svc = self._kit.service
        if pick.kind == "asset":
            state = svc.asset(pick.tag).state
            return " ".join(x for x in (state.make, state.model) if x)
        if pick.kind == "location":
            return svc.location_of(pick.tag) or ""
        return ""

    def _held(self, pick: Pick) -> tuple[str, ...]:
        """The asset keys on a pallet, or at the place a location tag marks."""
        svc = self._kit.service
        if pick.kind == "pallet":
            return tuple(sorted(svc.pallet(pick.tag).state.manifest))
        if pick.kind == "location" and svc.location_of(pick.tag):
            return svc.audit_lists(pick.tag, ()).expected
        return ()

    @action
    def add_contents(self) -> None:
        """The assets on the pallet (or at the place) scanned last, one label each."""
        tag = self.contents_of
        if tag is None:
            return
        svc = self._kit.service
        pick = label_sheet.pick_of(svc.read_scan(tag))
        assert pick is not None
        have = {p.tag for p in self.picks}
        for key in self._held(pick)[: MAX_PICKS - len(self.picks)]:
            found = label_sheet.pick_of(svc.read_scan(key))  # a key reads as its tag
            if found is not None and found.tag not in have:
                have.add(found.tag)
                self.picks = (*self.picks, Pick(found.tag, found.kind, self._line(found)))
        self._kit.tell(f"{len(self.picks)} labels to print.", True)
        self.contents_of, self.contents_count = None, 0

    @action
    def remove(self, tag: str) -> None:
        self.picks = tuple(p for p in self.picks if p.tag != tag)

    @action
    def clear(self) -> None:
        self.picks, self.contents_of, self.contents_count = (), None, 0

    @action
    def set_mode(self, mode: str) -> None:
        self.mode = NEW if mode == NEW else SCANNED
        self._preview()

    @action
    def set_kind(self, kind: str) -> None:
        if kind in self.kinds:
            self.kind = kind
        self._preview()

    @action
    def set_count(self, text: str) -> None:
        self.count = text[:8]
        self._preview()

    @action
    def set_stock(self, stock: str) -> None:
        self.stock = stock if stock in STOCKS else label_sheet.DEFAULT_STOCK

    def missing_input(self) -> str | None:
        """Why there is nothing to download yet, in words (None: there is)."""
        if self.mode == SCANNED:
            return None if self.picks else "Scan or type the tags to print."
        if self.kind not in self.kinds:
            return "Your role may not print new tags."
        if new_count(self.count) is None:
            return f"How many new tags: a whole number from 1 to {MAX_NEW_TAGS}."
        return None

    # ---- the sheet -----------------------------------------------------------------------

    def download(self) -> None:
        """Make the sheet and offer it as a download (a plain callback for the view)."""
        self._kit.run(self.make_sheet)

    async def _chosen(self) -> tuple[list[Pick], str | None]:
        """What goes on the sheet, and a warning to add when new tags were counted offline.
        New tags are kept as printed here and now."""
        if self.mode == SCANNED:
            return list(self.picks), None
        count = new_count(self.count)
        if count is None or self.kind not in self.kinds:
            raise InvalidInput(self.missing_input() or "Nothing to print.")
        kind = self.kind
        tags, offline = await self._new_tags(kind, count)
        return [Pick(tag, kind) for tag in tags], OFFLINE_RUN.format(kind=kind) if offline else None

    async def _new_tags(self, kind: str, count: int) -> tuple[list[str], bool]:
        """A run of new tags from the store, kept here; offline (or not enrolled), the next
        numbers this device knows of (True: counted offline). StoreSaid: the store refused."""
        db = self._kit.service.db
        answer: TagRun | StoreSaid | ServerUnreachable | None = None  # None: no store to ask
        try:
            desk = self._kit.session.store_desk()
        except NotEnrolled:
            pass
        else:
            answer = await self._kit.long_job(
                f"Asking the central store for {count} new {kind} tags…", _ask, desk, kind, count
            )
        if isinstance(answer, StoreSaid):
            raise answer
        if isinstance(answer, TagRun):
            await asyncio.to_thread(tag_numbers.keep, db, kind, answer.last)
            return answer.tags, False
        log.info("new tags counted on this device: %r", answer)
        config = self._settings().tag_config
        return await asyncio.to_thread(tag_numbers.take, db, kind, count, config), True

    @action
    async def make_sheet(self) -> None:
        problem = self.missing_input()
        if problem is not None:
            self._kit.tell(problem, False)
            return
        files = self._kit.files()
        if files is None:
            self._kit.tell("Downloads are not ready yet: try again in a moment.", False)
            return
        try:
            picks, warning = await self._chosen()
        except StoreSaid as refused:
            self._kit.refuse(said(refused))
            return
        config = self._settings().tag_config
        stock = self.stock
        pdf = await self._kit.long_job(
            f"Making {len(picks)} labels…", label_sheet.sheet, picks, config, stock
        )
        if pdf is None:  # the job said what went wrong
            return
        name = label_sheet.file_name(stock, picks)
        await files.save(name, pdf)
        self.made = name
        done = f"{len(picks)} labels on {stock}: {name}"
        self._kit.tell(f"{done}. {warning}" if warning else done, warning is None)
        self._preview()


def _ask(desk: StoreDesk, kind: str, count: int) -> TagRun | StoreSaid | ServerUnreachable:
    """The store's run, or why there is none: returned, not raised, so the busy bar's job
    reports only what nobody expected."""
    try:
        return desk.reserve_tags(kind, count)
    except (StoreSaid, ServerUnreachable) as exc:
        return exc
