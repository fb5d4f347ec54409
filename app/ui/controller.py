"""The one controller behind every screen: an observable object that owns the actions.

Its methods are named by intent (`record_scan`, `load_on_pallet`, `hand_off`, `sign_out`…);
the components take its data and these callbacks, never the page or the database. Each
action runs under `@action`: whatever it raises becomes a sentence on screen and the app keeps
working. Screen data is read here, outside render, and assigned only when it changed, so the
background poll leaves the nodes on screen attached. The scan state has one owner, `ScanFlow`;
the controller mirrors its list into `scans` for the views.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import flet as ft

from app.ui import present, screens, sounds, words
from app.ui.audit_screen import AuditScreen, audit_screen
from app.ui.files import Files
from app.ui.focus import Focus, FocusKeeper
from app.ui.handlers import action
from app.ui.questions import Question, load_question, transition_question
from app.ui.scanflow import ASSET, CLAIMED, PALLET, REFUSED, SEEN, ScanOutcome
from app.ui.session import DeviceSession
from app.ui.toolbox import BY_KEY, Desk, Kit, Tool, tools_for
from app.ui.wedge import WedgeBuffer
from assets.errors import AssetsError
from assets.grades import parse_grade
from assets.operations import KINDS
from assets.roles import may
from assets.tags import Resolution
from sync.device.people import Person
from sync.device.progress import SyncProgress
from sync.protocol import AuditView

log = logging.getLogger(__name__)
T = TypeVar("T")
SCAN, ASSET_TAB, PALLET_TAB, SYNC, CONFLICTS = "scan", "asset", "pallet", "sync", "conflicts"
AUDIT_TAB = "audit"
MORE = "more"
POLL_S = 0.5
# A wedge scan's Enter also activates the control with keyboard focus: on a tool's screen that
# is the More tab tapped to reach it, which would leave the tool. A More "tap" this soon after
# a scan ended is that Enter (it arrives right after the scan's keys), not a person's tap.
WEDGE_ENTER_S = 1.0  # a loaded phone may deliver the Enter late
Runner = Callable[..., Any]  # page.run_task


# Actions after which focus stays where it is: a key (a person typing, or the wedge itself),
# the background poll's re-read, and those that change the whole screen (the tapped button is
# gone with it; a late focus request would take the focus of the field tapped next).
KEEP_FOCUS = frozenset(
    {"on_key", "load", "refresh", "scan", "show", "sign_in", "sign_out", "switch_person", "enrol"}
)


@dataclass(frozen=True, slots=True)
class Said:
    text: str
    ok: bool


@ft.observable
class Controller:
    """Everything the screens show, and every action a person can take on them."""

    def __init__(self, session: DeviceSession, run_task: Runner, *, suffix: str = "enter") -> None:
        status = session.status()
        self._session = session
        self._svc = session.service
        self._flow = session.flow
        self._run = run_task
        self._wedge = WedgeBuffer(suffix)
        self._scan_ended = 0.0  # time.monotonic() when the last wedge scan's suffix came
        self._focus = FocusKeeper(run_task)  # the fields typed in; focus given back after taps
        self._player: Any = None
        self._files: Files | None = None
        self._polling = False
        self._desks: dict[str, Desk] = {}  # each tool's state, made when first opened
        self.device_id, self.server_url = status.device_id, status.server_url
        self.enrolled = status.enrolled
        self.person: Person | None = status.person
        self.progress: SyncProgress = session.progress
        self.tab = SCAN
        self.said: Said | None = None
        self.busy: str | None = None
        self.dark = True
        self.sound = True
        self.camera_on = False
        self.question: Question | None = None
        self.scans: tuple[ScanOutcome, ...] = ()
        self.location: str | None = None
        self.claiming: str | None = None
        self.recorded_here = 0
        self.asset_tag: str | None = None
        self.pallet_tag: str | None = None
        self.confirm_scanned: tuple[str, ...] = ()
        self.audit_tag: str | None = None  # the location tag being audited
        self.audit_found: tuple[str, ...] = ()  # asset tags scanned there, in scan order
        self.audit: AuditScreen | None = None
        self.audit_history: tuple[AuditView, ...] | None = None  # None: not had from the store
        self.remote: screens.Remote | None = None
        self.asset: screens.AssetScreen | None = None
        self.pallet: screens.PalletScreen | None = None
        self.sync: screens.SyncScreen | None = None
        self.conflicts: tuple[dict[str, Any], ...] = ()
        self.people: tuple[Person, ...] = ()
        self.acks = 0  # scans acknowledged: each beep, counted (tests and the benchmark read it)
        self._flow.switch_person(status.person.name if status.person else "")
        self.refresh()

    # ---- what goes wrong ---------------------------------------------------------------

    def failed(self, exc: BaseException) -> None:
        log.warning("handler failed: %r", exc, exc_info=exc)
        self.tell(words.sentence(exc), False)

    def tell(self, text: str, ok: bool = True) -> None:
        self.said = Said(text, ok)

    def dismiss(self) -> None:
        self.said = None

    @property
    def supervisor(self) -> bool:
        """Whether the person signed in may decide conflicts (the Conflicts tab)."""
        return "resolve" in self.allowed

    @property
    def allowed(self) -> frozenset[str]:
        """The kinds of operation the person signed in may record (the role table): the
        screens offer only these."""
        if self.person is None:
            return frozenset()
        return frozenset(kind for kind in KINDS if may(self.person.role, kind))

    def read_code(self, text: str, symbology: str | None = None) -> Resolution:
        """What a scanned text names on this device (the camera's gate lets each name once)."""
        return self._svc.read_scan(text, symbology)

    def _tag_of(self, text: str, kind: str) -> str | None:
        """The tag of `kind` a scan names, as the device service reads scans."""
        found = self._svc.read_scan(text)
        return found.fields.get("tag") if found.kind == f"{kind}_tag" else None

    @property
    def tools(self) -> tuple[Tool, ...]:
        """The More screen's tools this person may open (the role table decides)."""
        return tools_for(self.person.role if self.person else None)

    def desk(self, key: str) -> Desk | None:
        """The state of tool `key`, made on first use (None: a screen drawn here, or none)."""
        tool = BY_KEY.get(key)
        if tool is None or tool.make is None or tool not in self.tools:
            return None
        if key not in self._desks:
            self._desks[key] = tool.make(self._kit())
        return self._desks[key]

    def _kit(self) -> Kit:
        return Kit(
            service=self._svc,
            session=self._session,
            tell=self.tell,
            beep=self.beep,
            run=self._run,
            long_job=self._long_job,
            person=lambda: self.person,
            files=lambda: self._files,
            action_began=self.action_began,
            refocus=self.refocus,
        )

    @property
    def signer(self) -> str:
        return self.person.display_name if self.person else ""

    # ---- loading screen data (outside render) ------------------------------------------

    @action
    def refresh(self) -> None:
        """Read what the current screen shows; unchanged values leave the screen alone."""
        self._mirror_scans()
        if self.person is None:
            self.people = tuple(self._svc.people())
            return
        if self.tab == ASSET_TAB:
            tag = self.asset_tag
            self.asset = screens.asset_screen(self._svc, tag, self.remote) if tag else None
        elif self.tab == PALLET_TAB:
            ptag = self.pallet_tag
            self.pallet = screens.pallet_screen(self._svc, ptag) if ptag else None
        elif self.tab == SYNC:
            self.sync = screens.sync_screen(self._svc)
        elif self.tab == CONFLICTS:
            self.conflicts = screens.conflicts_screen(self._svc)
        elif self.tab == AUDIT_TAB:
            tag = self.audit_tag
            self.audit = audit_screen(self._svc, tag, self.audit_found) if tag else None
        elif (desk := self.desk(self.tab)) is not None:
            desk.refresh()

    def recent_places(self) -> list[str]:
        return list(self._session.places.recent)

    def _mirror_scans(self) -> None:
        flow = self._flow
        self.scans = tuple(flow.results)
        self.location = flow.location
        self.claiming = flow.claim_serial
        self.recorded_here = flow.recorded_here()

    async def poll(self) -> None:
        """Keep the sync indicator current; re-read the screen only when a sync moved data."""
        self._polling = True
        while self._polling:
            progress = self._session.progress
            moved = (progress.pushed, progress.pulled) != (
                self.progress.pushed,
                self.progress.pulled,
            )
            self.progress = progress  # equal values notify nobody
            if moved:
                self.refresh()
                if self.tab == ASSET_TAB:
                    self._run(self.fetch_history)
                if self.tab == AUDIT_TAB:
                    self._run(self.fetch_audits)
            await asyncio.sleep(POLL_S)

    def stop(self) -> None:
        self._polling = False

    # ---- screens ---------------------------------------------------------------------

    @action
    def show(self, tab: str) -> None:
        log.info("show %s (was %s)", tab, self.tab)
        if tab == self.tab:
            # the tab already open: also what a wedge scan's Enter does to a focused tab
            return
        if (
            tab == MORE
            and self.tab in BY_KEY
            and time.monotonic() - self._scan_ended < WEDGE_ENTER_S
        ):
            return  # the scan's Enter on the focused More tab: stay in the tool
        self.question = None
        self._focus.forget_fields()  # the fields of the screen left behind are gone
        self.tab = tab
        self.refresh()
        if tab == ASSET_TAB:
            self._run(self.fetch_history)
        if tab == AUDIT_TAB:
            self._run(self.fetch_audits)

    @action
    def toggle_dark(self) -> None:
        self.dark = not self.dark

    @action
    def toggle_sound(self) -> None:
        self.sound = not self.sound

    @action
    def toggle_camera(self) -> None:
        self.camera_on = not self.camera_on

    def camera_failed(self, text: str) -> None:
        self.tell(text, False)
        self.camera_on = False

    # ---- the keyboard wedge ---------------------------------------------------------

    def typing(self, field: str, focused: bool, restore: Focus | None = None) -> None:
        """A person's text field gained or lost focus: its keystrokes are not a scan.
        `restore` gives it focus again (if a late focus request took it)."""
        log.info("field %r %s", field, "focused" if focused else "left")
        self._focus.field(field, focused, restore)
        self._wedge.clear()

    @action
    def on_key(self, e: ft.KeyboardEvent) -> None:
        """Every key the page sees (sync on purpose: events are handled in arrival order)."""
        if self._focus.typing or self.person is None:
            return
        text = self._wedge.feed(e.key, shift=e.shift, ctrl=e.ctrl, alt=e.alt, meta=e.meta)
        if text is not None:
            self._scan_ended = time.monotonic()
            log.info("wedge scan %r on %s", text, self.tab)
            self.wedge_scan(text)

    @action
    def wedge_scan(self, text: str) -> None:
        """What a scan does follows the screen."""
        if self.tab == ASSET_TAB:
            self.open_asset(text)
        elif self.tab == PALLET_TAB and (self._tag_of(text, "pallet") or self.pallet_tag is None):
            self.open_pallet(text)
        elif self.tab == PALLET_TAB:
            self.pallet_scan(text)
        elif self.tab == AUDIT_TAB:
            self.audit_scan(text)
        elif (desk := self.desk(self.tab)) is not None:
            desk.scan(text)
        else:
            self.record_scan(text)

    # ---- location audit ---------------------------------------------------------------

    @action
    def audit_scan(self, text: str) -> None:
        """On the Audit screen a location tag starts an audit there; an asset tag is found.
        Nothing is written until Finish (the lists come from this device's replica)."""
        place, asset = self._tag_of(text, "location"), self._tag_of(text, "asset")
        if place is not None:
            self.audit = audit_screen(self._svc, place, ())  # refuses an unnamed tag
            self.audit_tag, self.audit_found, self.audit_history = place, (), None
            self._run(self.fetch_audits)
        elif asset is not None and self.audit_tag is not None:
            if asset not in self.audit_found:
                self.audit_found = (*self.audit_found, asset)
            self.refresh()
        else:
            first = "Scan a location tag first" if self.audit_tag is None else "Not an asset tag"
            self.tell(f"{first}: {text.strip()[:60]}", False)
            self.beep(sounds.ERROR)
            return
        self.beep(sounds.OK)

    @action
    def finish_audit(self) -> None:
        """Move the unexpected assets here, report the missing ones, record the audit."""
        if self.audit_tag is None:
            return
        audit, moves = self._svc.finish_audit(self.audit_tag, self.audit_found)
        missing = len(audit.op.args.missing)
        self.tell(
            f"Audit recorded: {len(audit.op.args.found)} found, {len(moves)} moved here, "
            + (f"{missing} missing reported to a supervisor." if missing else "nothing missing.")
        )
        self.audit_found = ()
        self.refresh()

    @action
    async def fetch_audits(self) -> None:
        """The store's earlier audits of the tag being audited (the screen works without)."""
        tag = self.audit_tag
        if self.tab != AUDIT_TAB or tag is None or self.person is None:
            return
        found = await asyncio.to_thread(self._session.store_audits, tag)
        if tag == self.audit_tag:
            self.audit_history = tuple(found) if found is not None else None

    @action
    def cancel_audit(self) -> None:
        self.audit_tag, self.audit_found, self.audit = None, (), None

    # ---- scanning -------------------------------------------------------------------

    @action
    def record_scan(self, text: str, symbology: str | None = None) -> None:
        """Record a scan (written to the outbox before its sound); a failure keeps the text."""
        try:
            outcome = self._flow.scan(text, symbology)
            log.info("scan %r: %s %s", text, outcome.kind, outcome.detail)
        except Exception as exc:  # the database itself failed: say so, keep what was scanned
            log.warning("scan not recorded: %r", exc, exc_info=exc)
            outcome = self._flow.failed(text.strip(), f"Not saved: {words.sentence(exc)}")
        self._after_scan(outcome)

    def _after_scan(self, outcome: ScanOutcome) -> None:
        self.beep(sounds.sound_for(outcome))
        if outcome.kind in (SEEN, CLAIMED, ASSET) and outcome.tag:
            self.asset_tag = outcome.tag
        if outcome.kind == PALLET and outcome.tag:
            self.pallet_tag = outcome.tag
        if outcome.kind == REFUSED:
            self.tell(f"{outcome.title}: {outcome.detail}", False)
        self.refresh()

    def beep(self, sound: str | None) -> None:
        self.acks += 1
        if self.sound and sound is not None and self._player is not None:
            self._run(self._player.play, sound)

    def attach_player(self, player: Any) -> None:
        self._player = player

    def attach_focus(self, holder: Focus, settle: Focus) -> None:
        """`holder` focuses the page's key holder, `settle` is a round trip to the browser."""
        self._focus.attach(holder, settle)

    def action_began(self) -> int:
        """Noted as each action begins (`@action`): the count of field focus events so far."""
        return self._focus.generation

    def refocus(self, after: str, began: int) -> None:
        """After a tap's action, keyboard focus goes back to the page's key holder: Flutter
        leaves it on the button tapped, and on web Enter presses the focused button, so the
        next wedge scan's Enter would repeat the tap (grade the next asset, claim again).
        Not when a person tapped a text field since the action began (app/ui/focus.py)."""
        if after not in KEEP_FOCUS:
            self._focus.after_tap(began)

    def attach_files(self, files: Files) -> None:
        self._files = files

    @action
    def bind_location(self, tag: str, path: str) -> None:
        self._after_scan(self._flow.bind_location(tag, path))

    @action
    def pick_location(self, path: str) -> None:
        self._after_scan(self._flow.set_location(path))

    @action
    def clear_location(self) -> None:
        log.info("location cleared")
        self._flow.clear_location()
        self.refresh()

    @action
    def claim(self, outcome: ScanOutcome) -> None:
        if outcome.tag and self._tag_of(outcome.tag, "asset"):
            self._after_scan(self._flow.claim(outcome.tag))
        else:
            self._flow.start_claim(outcome.serial)
            self.tell(f"Now scan a blank asset tag for {outcome.serial}.")
            self.refresh()

    @action
    def open_outcome(self, outcome: ScanOutcome) -> None:
        if outcome.kind == PALLET:
            self.pallet_tag = outcome.tag
            self.show(PALLET_TAB)
        else:
            self.asset_tag = outcome.tag
            self.show(ASSET_TAB)

    # ---- asset -------------------------------------------------------------------------

    @action
    def open_asset(self, text: str) -> None:
        tag = self._tag_of(text, "asset")
        if tag is None:
            self.tell(f"{text.strip()[:60]} is not an asset tag.", False)
            return
        self.asset_tag = tag
        self.refresh()
        self._run(self.fetch_history)

    async def fetch_history(self) -> None:
        tag = self.asset_tag
        if self.tab != ASSET_TAB or tag is None or self.person is None:
            return
        try:
            found = await asyncio.to_thread(self._session.store_history, tag)
        except Exception as exc:  # the store's history is extra: the local one stays shown
            log.info("history of %s not fetched: %r", tag, exc)
            found = None
        self.remote = (tag, tuple(found) if found is not None else None)
        self.refresh()

    def _write(self, fn: Callable[..., Any], *args: Any, done: str, **kw: Any) -> bool:
        """A local write (fast, durable): its sentence on success, the service's on refusal."""
        try:
            fn(*args, **kw)
        except Exception as exc:
            self.failed(exc)
            return False
        self.tell(done)
        self.refresh()
        return True

    @action
    def change_status(self, to: str, confirmed: bool = False) -> None:
        tag = self.asset_tag
        if tag is None:
            return
        if not confirmed:
            asked = transition_question(tag, to)
            if asked is not None:
                self.question = asked
                return
        label = present.status_choice(to).label
        self._write(self._svc.transition, tag, to, done=f"{tag} is now {label}.")

    @action
    def grade(self, grade: str, letter: str | None = None) -> None:
        if self.asset_tag is None:
            return
        self._write(
            self._svc.grade, self.asset_tag, grade, letter=letter, done=f"Graded {letter or grade}."
        )

    @action
    def load_open_asset(self, pallet_text: str) -> None:
        pallet = self._tag_of(pallet_text, "pallet")
        if pallet is None or self.asset_tag is None:
            self.tell(f"{pallet_text.strip()[:60]} is not a pallet tag.", False)
            return
        self.load_on_pallet(self.asset_tag, pallet)

    @action
    def hand_off(
        self, key: str, to: str, signed_by: str, giver: str | None, signature: str | None
    ) -> bool:
        if not signature:
            self.tell("Sign in the box first: a handoff needs the taker's signature.", False)
            return False
        if not to.strip() or not signed_by.strip():
            self.tell("Say who takes it and who signs.", False)
            return False
        return self._write(
            self._svc.hand_off,
            key,
            to.strip(),
            signed_by.strip(),
            from_holder=giver or None,
            signature=signature,
            done=f"Handed to {to.strip()}, signed.",
        )

    # ---- pallet ------------------------------------------------------------------------

    @action
    def open_pallet(self, text: str) -> None:
        tag = self._tag_of(text, "pallet")
        if tag is None:
            self.tell(f"{text.strip()[:60]} is not a pallet tag.", False)
            return
        if tag != self.pallet_tag:
            self.confirm_scanned = ()
        self.pallet_tag = tag
        self.refresh()

    @action
    def pallet_scan(self, text: str) -> None:
        """An asset scanned on the pallet screen: loaded while the pallet is open, else counted
        for the crew's confirmation."""
        key = self._tag_of(text, "asset")
        if key is None or self.pallet_tag is None:
            self.tell(f"{text.strip()[:60]} is not an asset tag.", False)
            self.beep(sounds.ERROR)
            return
        if self.pallet is not None and self.pallet.view.state.state == "open":
            self.load_on_pallet(key, self.pallet_tag)
        else:
            self.count_for_confirm(text)

    @action
    def load_on_pallet(self, tag: str, pallet: str, confirmed: bool = False) -> None:
        if not confirmed:
            me = f"person:{self.person.name}" if self.person else None
            asked = load_question(
                tag,
                pallet,
                self._svc.asset(tag).state,
                self._svc.custodian(f"asset:{tag}"),
                me,
            )
            if asked is not None:
                self.question = asked
                self.beep(sounds.ATTENTION)
                return
        if self._write(self._move_onto, tag, pallet, done=f"{tag} loaded on {pallet}."):
            self.beep(sounds.OK)

    def _move_onto(self, tag: str, pallet: str) -> None:
        """Load, taking it off the pallet it is on first (one asset is on one pallet)."""
        on = self._svc.asset(tag).state.pallet
        if on is not None and on != f"pallet:{pallet}":
            self._svc.unload(tag, on.split(":", 1)[1])
        self._svc.load(tag, pallet)

    @action
    def load_scanned(self, text: str) -> None:
        """The pallet screen's load field (typed or scanned while it has focus)."""
        key = self._tag_of(text, "asset")
        if key is None or self.pallet_tag is None:
            self.tell(f"{text.strip()[:60]} is not an asset tag.", False)
            return
        self.load_on_pallet(key, self.pallet_tag)

    @action
    def answer(self, yes: bool) -> None:
        """The person's answer to the question on screen (load anyway? mark as lost?)."""
        asked, self.question = self.question, None
        if asked is None or not yes:
            return
        if asked.kind == "load":
            self.load_on_pallet(asked.tag, asked.value, confirmed=True)
        elif asked.kind == "transition":
            self.change_status(asked.value, confirmed=True)

    @action
    def seal(self, seal_number: str, gross: Mapping[str, str], tare: Mapping[str, str]) -> None:
        if self.pallet_tag is None:
            return
        if not seal_number.strip():
            self.tell("Type the seal number first.", False)
            return
        net = present.net_weight(gross, tare)
        self._write(
            self._svc.seal,
            self.pallet_tag,
            seal_number.strip(),
            gross,
            tare,
            done=f"Pallet sealed · net {net}.",
        )

    @action
    def count_for_confirm(self, text: str) -> None:
        tag = self._tag_of(text, "asset")
        if tag is None:
            self.tell(f"{text.strip()[:60]} is not an asset tag.", False)
            return
        key = f"asset:{tag}"
        if key not in self.confirm_scanned:
            self.confirm_scanned = (*self.confirm_scanned, key)
        self.beep(sounds.OK)

    def manifest_check(self) -> present.ManifestCheck:
        manifest = self.pallet.view.state.manifest if self.pallet else {}
        return present.check_manifest(
            f"pallet:{self.pallet_tag}",
            manifest,
            self.confirm_scanned,
            lambda key: self._svc.asset(key).state.pallet,
        )

    @action
    def confirm_contents(self) -> None:
        if self.pallet_tag is None:
            return
        check = self.manifest_check()
        done = present.confirm_sentence(check)
        if self._write(
            self._svc.confirm_pallet, self.pallet_tag, list(self.confirm_scanned), done=done
        ):
            self.said = Said(done, check.clean)
            self.confirm_scanned = ()

    # ---- conflicts ---------------------------------------------------------------------

    @action
    def decide(
        self, cid: str, choice: str, value: Mapping[str, str] | None, note: str | None
    ) -> None:
        if value is not None and not any(str(v).strip() for v in value.values()):
            self.tell("Type the value to decide with first.", False)
            return
        if value is not None and "grade" in value:
            try:
                value = {"grade": str(parse_grade(value["grade"].strip().upper()))}
            except AssetsError:
                self.tell(
                    f"{value['grade'].strip()[:40]} is not a grade: use functional F1-F6 and "
                    "cosmetic C0-C9, like F3/C4.",
                    False,
                )
                return
        self._write(
            self._svc.decide_conflict,
            cid,
            choice,
            value=value,
            note=note,
            done="Decision recorded; it reaches the store with the next sync.",
        )

    # ---- people and sync (network work runs in a worker thread) --------------------------

    async def _long_job(self, label: str, fn: Callable[..., T], *args: Any) -> T | None:
        self.busy = label
        try:
            return await asyncio.to_thread(fn, *args)
        except Exception as exc:
            self.failed(exc)
            return None
        finally:
            self.busy = None
            self.progress = self._session.progress
            self.refresh()

    def start(self, job: Callable[..., Coroutine[Any, Any, Any]]) -> Callable[..., None]:
        """A plain callback that starts an async job (views call plain callbacks)."""

        def go(*args: Any) -> None:
            self._run(job, *args)

        return go

    @action
    async def enrol(self, code: str, name: str) -> None:
        if not code.strip():
            self.tell("Type the enrolment code from your supervisor.", False)
            return
        if await self._long_job("Enrolling this device…", self._session.enrol, code, name):
            self.enrolled = True
            self.tell("Device enrolled. Now sign in.")

    @action
    async def sign_in(self, username: str, pin: str) -> None:
        if not username.strip() or not pin.strip():
            self.tell("Type your username and PIN.", False)
            return
        found = await self._long_job("Signing in…", self._session.sign_in, username, pin)
        if found is not None:
            self._signed_in(found)

    @action
    def switch_person(self, name: str) -> None:
        self._signed_in(self._session.switch_person(name))

    def _signed_in(self, person: Person) -> None:
        self._flow.switch_person(person.name)
        self._desks.clear()  # a tool's half-done work is the previous person's
        self._focus.forget_fields()
        self._wedge.clear()
        self.person, self.tab, self.question = person, SCAN, None
        self.asset_tag = self.pallet_tag = None
        self.confirm_scanned = ()
        self.tell(f"Signed in as {person.display_name}.")
        self.refresh()

    @action
    def sign_out(self) -> None:
        self._session.sign_out()
        self._flow.switch_person("")
        self._desks.clear()
        self._focus.forget_fields()
        self.person, self.tab, self.question, self.camera_on = None, SCAN, None, False
        self.said = None
        self.refresh()

    @action
    async def sync_now(self) -> None:
        await self._long_job("Syncing with the central store…", self._session.sync_now)

    @action
    async def verify_log(self) -> None:
        report = await self._long_job("Checking the store's log…", self._session.audit_log)
        if report is not None:
            self.tell(present.audit_sentence(report), report.ok)


Job = Callable[[], Awaitable[None]]
