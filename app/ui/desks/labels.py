"""The Labels tool's state: pick what to print, then a PDF sheet to download.

Either tags scanned or typed (assets, pallets, location tags; a pallet's or a place's assets
in one tap), or a run of new tags: the next numbers no tag this device knows of has used. The
QR link on each label starts with the store's `label_base_url` as this device last pulled it
(known offline). New tags are kept as printed when the sheet is made, so this device never
offers them again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from app.ui import label_sheet, sounds
from app.ui.desks.taps import GivesFocusBack
from app.ui.handlers import action
from app.ui.label_sheet import Pick
from assets.roles import may
from assets.tags import TAG_KINDS
from scanner.labels import STOCKS
from sync.device import store_settings, tag_numbers
from sync.errors import InvalidInput

if TYPE_CHECKING:  # the toolbox imports the desks; a desk only names its Kit
    from app.ui.toolbox import Kit

SCANNED, NEW = "scanned", "new"
MAX_PICKS = 3000
# Which kind of operation a person must be allowed to record to print new tags of each kind:
# asset and location tags are claimed by whoever registers; pallet tags by the crew who load.
PRINTS_NEW = {"asset": "register", "location": "register", "pallet": "load"}
assert set(PRINTS_NEW) == set(TAG_KINDS)


def may_print(role: str) -> bool:
    """Whether the Labels tool is for this role: anyone who may make some kind of new tag."""
    return any(may(role, kind) for kind in PRINTS_NEW.values())


def new_count(text: str) -> int | None:
    """A typed number of new tags, or None when it is not a whole number in range."""
    cleaned = text.strip()
    if not (cleaned.isascii() and cleaned.isdigit()) or len(cleaned) > 5:
        return None
    value = int(cleaned)
    return value if 1 <= value <= tag_numbers.MAX_NEW_TAGS else None


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

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds of new tags this person may print."""
        person = self._kit.person()
        role = person.role if person else ""
        return tuple(k for k in TAG_KINDS if may(role, PRINTS_NEW[k]))

    def failed(self, exc: BaseException) -> None:
        self._kit.failed("labels", exc)

    # ---- reading -----------------------------------------------------------------------

    def _settings(self) -> store_settings.StoreSettings:
        return store_settings.read(self._kit.service.db)

    @action
    def refresh(self) -> None:
        self.base_url = self._settings().label_base_url
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
        pick = label_sheet.pick_of(text, self._settings().tag_config)
        if pick is None:
            self._kit.tell(f"Not a TagTrail tag: {text.strip()[:60]}", False)
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
        pick = label_sheet.pick_of(tag, self._settings().tag_config)
        assert pick is not None
        have = {p.tag for p in self.picks}
        for key in self._held(pick)[: MAX_PICKS - len(self.picks)]:
            found = label_sheet.pick_of(key.split(":", 1)[1], self._settings().tag_config)
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
            return f"How many new tags: a whole number from 1 to {tag_numbers.MAX_NEW_TAGS}."
        return None

    # ---- the sheet -----------------------------------------------------------------------

    def download(self) -> None:
        """Make the sheet and offer it as a download (a plain callback for the view)."""
        self._kit.run(self.make_sheet)

    def _chosen(self) -> list[Pick]:
        """What goes on the sheet; new tags are kept as printed here and now."""
        if self.mode == SCANNED:
            return list(self.picks)
        count = new_count(self.count)
        if count is None or self.kind not in self.kinds:
            raise InvalidInput(self.missing_input() or "Nothing to print.")
        config = self._settings().tag_config
        tags = tag_numbers.take(self._kit.service.db, self.kind, count, config)
        return [Pick(tag, self.kind) for tag in tags]

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
        picks = self._chosen()
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
        self._kit.tell(f"{len(picks)} labels on {stock}: {name}", True)
        self._preview()
