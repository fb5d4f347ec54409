"""The root component and `run()`: one device session drawn as a phone-first app.

The root holds the observable `AppState`, reads the device's views at each render and passes
data and callbacks down; every write goes through `DeviceSession` and bumps `revision`.
Network work (enrol, sign in, sync now) runs in a worker thread under a progress bar.
"""

# ruff: noqa: N802  (flet components are named like the controls they return)

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import flet as ft

from app.ui import present, sounds, theme
from app.ui.camera import CameraPanel
from app.ui.components import busy_bar, notice, sync_indicator, tagged
from app.ui.player import ScanPlayer
from app.ui.scanflow import ASSET, CLAIMED, PALLET, SEEN, ScanOutcome
from app.ui.session import DeviceSession
from app.ui.signed import signed_handoffs
from app.ui.state import ASSET as ASSET_TAB
from app.ui.state import CONFLICTS, SCAN, SYNC, AppState
from app.ui.state import PALLET as PALLET_TAB
from app.ui.views.asset import AssetView
from app.ui.views.conflicts import ConflictsView
from app.ui.views.pallet import PalletView, asset_key
from app.ui.views.scan import ScanView
from app.ui.views.signin import EnrolView, SignInView
from app.ui.views.sync import SyncView
from assets.tags import resolve
from sync.device.history import HistoryEntry, combine
from sync.errors import DeviceError

log = logging.getLogger(__name__)
T = TypeVar("T")
POLL_S = 0.5
STATIC = Path(__file__).resolve().parents[1] / "static"


def _tag_of(text: str, kind: str) -> str | None:
    found = resolve(text)
    return found.fields.get("tag") if found.kind == f"{kind}_tag" else None


@ft.component
def App(session: DeviceSession) -> ft.Control:
    status = session.status()
    initial = ft.use_memo(
        lambda: AppState(enrolled=status.enrolled, person=status.person, progress=session.progress),
        [],
    )
    state, _ = ft.use_state(initial)  # an observable: changing a field re-renders
    camera_on, set_camera_on = ft.use_state(False)
    # the store's history of the open asset: (tag, entries or None when it cannot be had)
    nothing_fetched: tuple[str, list[HistoryEntry] | None] | None = None
    remote, set_remote = ft.use_state(nothing_fetched)
    polling = ft.use_ref(True)
    page = ft.context.page
    player = ft.use_memo(ScanPlayer, [])  # its audio services live as long as the page

    # ---- background: keep the sync indicator current -------------------------------------
    async def poll() -> None:
        while polling.current:
            progress = session.progress
            if progress != state.progress:
                moved = (progress.pushed, progress.pulled) != (
                    state.progress.pushed,
                    state.progress.pulled,
                )
                state.progress = progress
                if moved:
                    state.revision += 1  # pulled changes may alter what a view shows
            await asyncio.sleep(POLL_S)

    ft.on_mounted(lambda: page.run_task(poll))
    ft.on_unmounted(lambda: setattr(polling, "current", False))

    # ---- helpers -----------------------------------------------------------------------------
    def changed(text: str | None = None, ok: bool = True) -> None:
        state.revision += 1
        if text is not None:
            state.tell(text, ok)

    def write(fn: Callable[..., Any], *args: Any, done: str | None = None, **kw: Any) -> bool:
        """A local write (fast, durable): show the result or the service's sentence; whether
        it was recorded."""
        try:
            fn(*args, **kw)
        except DeviceError as exc:
            state.tell(str(exc)[:1].upper() + str(exc)[1:], False)
            return False
        changed(done)
        return True

    async def long_job(label: str, fn: Callable[..., T], *args: Any) -> T | None:
        state.busy = label
        try:
            return await asyncio.to_thread(fn, *args)
        except DeviceError as exc:
            state.tell(str(exc)[:1].upper() + str(exc)[1:], False)
            return None
        finally:
            state.busy = None
            state.progress = session.progress
            state.revision += 1

    # ---- sign in -----------------------------------------------------------------------------
    def in_background(job: Callable[..., Any]) -> Callable[..., None]:
        """A callback that starts an async job (views call plain callbacks)."""

        def start(*args: Any) -> None:
            page.run_task(job, *args)

        return start

    async def enrol(code: str, name: str) -> None:
        if await long_job("Enrolling this device…", session.enrol, code, name):
            state.enrolled = True
            state.tell("Device enrolled. Now sign in.")

    async def sign_in(username: str, pin: str) -> None:
        person = await long_job("Signing in…", session.sign_in, username, pin)
        if person is not None:
            state.person = person
            state.tell(f"Signed in as {person.display_name}.")

    def switch(name: str) -> None:
        try:
            state.person = session.switch_person(name)
        except DeviceError as exc:
            state.tell(str(exc), False)

    def sign_out() -> None:
        session.sign_out()
        state.person, state.tab, state.location = None, SCAN, None

    # ---- scanning ----------------------------------------------------------------------------
    def after_scan(outcome: ScanOutcome) -> None:
        sound = sounds.sound_for(outcome)
        if state.sound and sound is not None:
            page.run_task(player.play, sound)
        state.scans = list(session.flow.results)
        state.location = session.flow.location
        state.flash += 1
        if outcome.kind in (SEEN, CLAIMED, ASSET) and outcome.tag:
            state.asset_tag = outcome.tag
        if outcome.kind == PALLET and outcome.tag:
            state.pallet_tag = outcome.tag
        state.revision += 1

    def on_scan(text: str, symbology: str | None = None) -> None:
        after_scan(session.flow.scan(text, symbology))

    def clear_location() -> None:
        session.flow.clear_location()
        state.location = None

    def on_open(outcome: ScanOutcome) -> None:
        if outcome.kind == PALLET:
            state.pallet_tag, state.tab = outcome.tag, PALLET_TAB
        else:
            state.asset_tag, state.tab = outcome.tag, ASSET_TAB

    def on_claim(outcome: ScanOutcome) -> None:
        if outcome.tag and _tag_of(outcome.tag, "asset"):
            after_scan(session.flow.claim(outcome.tag))
        else:
            session.flow.start_claim(outcome.serial)
            state.revision += 1
            state.tell(f"Now scan a blank asset tag for {outcome.serial}.")

    # ---- asset actions -------------------------------------------------------------------------
    def open_asset(text: str) -> None:
        tag = _tag_of(text, "asset")
        if tag is None:
            state.tell(f"{text} is not an asset tag", False)
        state.asset_tag = tag or state.asset_tag

    def open_pallet(text: str) -> None:
        tag = _tag_of(text, "pallet")
        if tag is None:
            state.tell(f"{text} is not a pallet tag", False)
        state.pallet_tag = tag or state.pallet_tag

    svc = session.service
    signer = state.person.display_name if state.person else ""

    def hand_off(
        key: str, to: str, signed_by: str, giver: str | None, signature: str | None
    ) -> bool:
        return write(
            svc.hand_off,
            key,
            to.strip(),
            signed_by.strip(),
            from_holder=giver or None,
            signature=signature or None,
            done=f"Handed to {to}" + (", signed." if signature else "."),
        )

    def load_asset_on(pallet_text: str, asset: str | None) -> None:
        pallet = _tag_of(pallet_text, "pallet")
        if pallet is None or asset is None:
            state.tell(f"{pallet_text} is not a pallet tag", False)
            return
        write(svc.load, asset, pallet, done=f"{asset} loaded on {pallet}.")

    def load_on_open_pallet(asset_text: str) -> None:
        key = asset_key(asset_text)
        if key is None or state.pallet_tag is None:
            state.tell(f"{asset_text} is not an asset tag", False)
            return
        write(svc.load, key, state.pallet_tag, done=f"{key.split(':', 1)[1]} loaded.")

    def seal(seal_number: str, gross: Mapping[str, str], tare: Mapping[str, str]) -> None:
        write(svc.seal, state.pallet_tag or "", seal_number, gross, tare, done="Pallet sealed.")

    def check(scanned: list[str]) -> present.ManifestCheck:
        pallet_key = f"pallet:{state.pallet_tag}"
        manifest = svc.pallet(state.pallet_tag or "").state.manifest if state.pallet_tag else {}
        return present.check_manifest(
            pallet_key, manifest, scanned, lambda key: svc.asset(key).state.pallet
        )

    def confirm(scanned: list[str]) -> None:
        write(svc.confirm_pallet, state.pallet_tag or "", scanned, done="Contents confirmed.")

    def decide(cid: str, choice: str, value: Mapping[str, str] | None, note: str | None) -> None:
        write(
            svc.decide_conflict,
            cid,
            choice,
            value=value,
            note=note,
            done="Decision recorded; it reaches the store with the next sync.",
        )

    def camera_failed(text: str) -> None:
        state.tell(text, False)
        set_camera_on(False)

    # ---- the open asset's full history, fetched in the background --------------------------
    on_asset = state.tab == ASSET_TAB and state.asset_tag is not None and state.person is not None

    async def fetch_history() -> None:
        tag = state.asset_tag
        if not on_asset or tag is None:
            return
        found = await asyncio.to_thread(session.store_history, tag)
        set_remote((tag, found))

    ft.use_effect(fetch_history, [on_asset, state.asset_tag, state.progress.pulled])

    async def sync_now() -> None:
        await long_job("Syncing with the central store…", session.sync_now)

    async def verify_log() -> None:
        report = await long_job("Checking the store's log…", session.audit_log)
        if report is not None:
            state.tell(present.audit_sentence(report), report.ok)

    # ---- layout --------------------------------------------------------------------------------
    body: ft.Control
    header: list[ft.Control] = []
    if not state.enrolled:
        body = EnrolView(status.device_id, status.server_url, in_background(enrol))
    elif state.person is None:
        body = SignInView(svc.people(), in_background(sign_in), switch)
    else:
        person = state.person
        header = [
            ft.Row(
                [
                    ft.Column(
                        [
                            ft.Text(
                                "TagTrail",
                                size=18,
                                weight=ft.FontWeight.BOLD,
                                color=ft.Colors.PRIMARY,
                            ),
                            tagged(
                                "person",
                                ft.Text(
                                    f"{person.display_name} · {person.role}",
                                    size=12,
                                    color=ft.Colors.ON_SURFACE_VARIANT,
                                ),
                            ),
                        ],
                        spacing=0,
                        expand=True,
                    ),
                    sync_indicator(state.progress, lambda _e: setattr(state, "tab", SYNC)),
                    ft.IconButton(
                        ft.Icons.LIGHT_MODE if state.dark else ft.Icons.DARK_MODE,
                        tooltip="Light or dark",
                        on_click=lambda _e: setattr(state, "dark", not state.dark),
                    ),
                    tagged(
                        "sign-out",
                        ft.IconButton(
                            ft.Icons.LOGOUT, tooltip="Sign out", on_click=lambda _e: sign_out()
                        ),
                    ),
                ],
                spacing=4,
            )
        ]
        tab = state.tab
        if tab == ASSET_TAB:
            tag = state.asset_tag
            local = svc.history(tag) if tag else []
            fetched = remote[1] if remote is not None and remote[0] == tag else None
            complete = None if remote is None or remote[0] != tag else fetched is not None
            body = AssetView(
                tag=tag,
                view=svc.asset(tag) if tag else None,
                custodian=svc.custodian(f"asset:{tag}") if tag else None,
                signer=signer,
                on_open=open_asset,
                on_transition=lambda to: write(svc.transition, tag, to, done="Status changed."),
                on_grade=lambda g, letter: write(
                    svc.grade, tag, g, letter=letter, done=f"Graded {letter or g}."
                ),
                on_load=lambda p: load_asset_on(p, tag),
                on_hand_off=lambda to, by, giver, drawn: hand_off(
                    f"asset:{tag}", to, by, giver, drawn
                ),
                history=combine(fetched, local) if fetched is not None else local,
                history_complete=complete,
                signed=signed_handoffs(svc, tag) if tag else frozenset(),
            )
        elif tab == PALLET_TAB:
            ptag = state.pallet_tag
            body = PalletView(
                tag=ptag,
                view=svc.pallet(ptag) if ptag else None,
                signer=signer,
                unit="kg",
                on_open=open_pallet,
                on_load=load_on_open_pallet,
                on_seal=seal,
                check=check,
                on_confirm=confirm,
                on_hand_off=lambda to, by, giver, drawn: hand_off(
                    f"pallet:{ptag}", to, by, giver, drawn
                ),
                tell=state.tell,
            )
        elif tab == SYNC:
            body = SyncView(
                progress=state.progress,
                counts=svc.outbox_counts(),
                rejected=svc.rejected(),
                server_url=status.server_url,
                device_id=status.device_id,
                busy=state.busy is not None,
                on_sync=in_background(sync_now),
                on_verify=in_background(verify_log),
            )
        elif tab == CONFLICTS and state.supervisor:
            body = ConflictsView(svc.open_conflicts(), decide)
        else:
            body = ScanView(
                scans=state.scans,
                location=state.location,
                recent=session.places.recent,
                claiming=session.flow.claim_serial,
                camera=CameraPanel(on_scan, camera_failed) if camera_on else None,
                on_scan=on_scan,
                on_bind=lambda tag, path: after_scan(session.flow.bind_location(tag, path)),
                on_pick_location=lambda path: after_scan(session.flow.set_location(path)),
                on_clear_location=clear_location,
                on_claim=on_claim,
                on_open=on_open,
                on_toggle_camera=lambda: set_camera_on(not camera_on),
                sound=state.sound,
                on_toggle_sound=lambda: setattr(state, "sound", not state.sound),
            )

    tabs = [SCAN, ASSET_TAB, PALLET_TAB, SYNC] + ([CONFLICTS] if state.supervisor else [])
    icons = {
        SCAN: (ft.Icons.QR_CODE_SCANNER, "Scan"),
        ASSET_TAB: (ft.Icons.INVENTORY_2, "Asset"),
        PALLET_TAB: (ft.Icons.PALLET, "Pallet"),
        SYNC: (ft.Icons.SYNC, "Sync"),
        CONFLICTS: (ft.Icons.GAVEL, "Conflicts"),
    }
    nav = (
        ft.NavigationBar(
            selected_index=tabs.index(state.tab) if state.tab in tabs else 0,
            on_change=lambda e: setattr(state, "tab", tabs[int(e.control.selected_index)]),
            destinations=[
                ft.NavigationBarDestination(icon=icons[t][0], label=icons[t][1]) for t in tabs
            ],
            height=72,
        )
        if state.enrolled and state.person is not None
        else None
    )
    page.theme_mode = ft.ThemeMode.DARK if state.dark else ft.ThemeMode.LIGHT
    content = ft.Column(
        [
            *header,
            notice(state.notice, state.notice_ok, lambda _e: setattr(state, "notice", None)),
            busy_bar(state.busy),
            ft.Container(content=body, expand=True),
        ],
        spacing=10,
        expand=True,
    )
    return ft.SafeArea(
        content=ft.Column(
            [
                ft.Container(
                    content=content, padding=ft.Padding.only(left=14, right=14, top=10), expand=True
                ),
                *([nav] if nav else []),
            ],
            spacing=0,
            expand=True,
        ),
        expand=True,
    )


def run(session: DeviceSession, *, host: str, port: int, web: bool) -> None:
    """Serve the app (web mode serves its client locally: no CDN, works with no internet)."""

    def main(page: ft.Page) -> None:
        theme.apply(page)
        page.render(App, session)

    ft.run(
        main,
        host=host,
        port=port,
        view=ft.AppView.WEB_BROWSER if web else ft.AppView.FLET_APP,
        no_cdn=True,
        assets_dir=str(STATIC) if STATIC.is_dir() else None,
        name="",
    )
