"""The root component and `run()`: one device session drawn as a phone-first app.

All state and every action live in the `Controller` (one per page); the components here only
draw its data and hand its methods down as callbacks. Wedge scans are captured at the page
level (`page.on_keyboard_event`), so no field has to hold focus for a scan to count.
"""

# ruff: noqa: N802  (flet components are named like the controls they return)

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import flet as ft

from app.ui import flet_guard, theme
from app.ui.components import (
    TYPING,
    busy_bar,
    memo,
    notice,
    question_box,
    sync_indicator,
    tagged,
)
from app.ui.controller import (
    ASSET_TAB,
    AUDIT_TAB,
    CONFLICTS,
    MORE,
    PALLET_TAB,
    SCAN,
    SYNC,
    Controller,
)
from app.ui.files import Files
from app.ui.player import ScanPlayer
from app.ui.session import DeviceSession
from app.ui.toolbox import BY_KEY
from app.ui.views.asset import AssetView
from app.ui.views.audit import AuditView
from app.ui.views.conflicts import ConflictsView
from app.ui.views.more import MoreView
from app.ui.views.pallet import PalletView
from app.ui.views.scan import MemoScanView
from app.ui.views.signin import EnrolView, SignInView
from app.ui.views.sync import SyncView
from sync.device.people import Person
from sync.device.progress import SyncProgress

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parents[1] / "static"
TABS = {
    SCAN: (ft.Icons.QR_CODE_SCANNER, "Scan"),
    ASSET_TAB: (ft.Icons.INVENTORY_2, "Asset"),
    PALLET_TAB: (ft.Icons.PALLET, "Pallet"),
    AUDIT_TAB: (ft.Icons.FACT_CHECK, "Audit"),
    MORE: (ft.Icons.APPS, "More"),
}


@ft.component
def Header(
    *,
    person: Person | None,
    dark: bool,
    progress: SyncProgress,
    show: Callable[[str], None],
    toggle_dark: Callable[[], None],
    sign_out: Callable[[], None],
) -> ft.Control:
    """Memoized (`_header`): data and bound methods only, so a scan does not redraw it."""
    who = f"{person.display_name} · {person.role}" if person else ""
    return ft.Row(
        [
            ft.Column(
                [
                    ft.Text(
                        "TagTrail", size=18, weight=ft.FontWeight.BOLD, color=ft.Colors.PRIMARY
                    ),
                    tagged("person", ft.Text(who, size=12, color=ft.Colors.ON_SURFACE_VARIANT)),
                ],
                spacing=0,
                expand=True,
            ),
            sync_indicator(progress, lambda _e: show(SYNC)),
            tagged(
                "theme-toggle",
                ft.IconButton(
                    ft.Icons.LIGHT_MODE if dark else ft.Icons.DARK_MODE,
                    tooltip="Light or dark",
                    on_click=lambda _e: toggle_dark(),
                ),
                "Dark screen" if dark else "Light screen",
            ),
            tagged(
                "sign-out",
                ft.IconButton(ft.Icons.LOGOUT, tooltip="Sign out", on_click=lambda _e: sign_out()),
            ),
        ],
        spacing=4,
    )


_header_memo = memo(Header)


def _header(c: Controller) -> ft.Control:
    return _header_memo(
        person=c.person,
        dark=c.dark,
        progress=c.progress,
        show=c.show,
        toggle_dark=c.toggle_dark,
        sign_out=c.sign_out,
    )


def _asset_body(c: Controller) -> ft.Control:
    screen = c.asset
    tag = screen.tag if screen else c.asset_tag
    return AssetView(
        tag=tag,
        view=screen.view if screen else None,
        custodian=screen.custodian if screen else None,
        signer=c.signer,
        on_open=c.open_asset,
        on_transition=c.change_status,
        on_grade=c.grade,
        on_load=c.load_open_asset,
        on_hand_off=lambda to, by, giver, drawn: c.hand_off(f"asset:{tag}", to, by, giver, drawn),
        history=screen.history if screen else (),
        history_complete=screen.complete if screen else None,
        signed=screen.signed if screen else frozenset(),
        allowed=c.allowed,
    )


def _pallet_body(c: Controller) -> ft.Control:
    screen = c.pallet
    tag = screen.tag if screen else None
    return PalletView(
        tag=tag,
        view=screen.view if screen else None,
        signer=c.signer,
        entered=screen.entered if screen else None,
        on_open=c.open_pallet,
        on_load=c.load_scanned,
        on_seal=c.seal,
        check=c.manifest_check(),
        on_count=c.count_for_confirm,
        on_confirm=c.confirm_contents,
        on_hand_off=lambda to, by, giver, drawn: c.hand_off(f"pallet:{tag}", to, by, giver, drawn),
        tell=c.tell,
        allowed=c.allowed,
    )


def _scan_body(c: Controller) -> ft.Control:
    return MemoScanView(  # every argument is data or a bound method: equal when unchanged
        scans=c.scans,
        location=c.location,
        recent=c.recent_places(),
        claiming=c.claiming,
        recorded_here=c.recorded_here,
        camera_on=c.camera_on,
        on_camera_code=c.record_scan,
        on_camera_error=c.camera_failed,
        read_code=c.read_code,
        on_scan=c.record_scan,
        on_bind=c.bind_location,
        on_pick_location=c.pick_location,
        on_clear_location=c.clear_location,
        on_claim=c.claim,
        on_open=c.open_outcome,
        on_toggle_camera=c.toggle_camera,
        sound=c.sound,
        on_toggle_sound=c.toggle_sound,
    )


def _body(c: Controller) -> ft.Control:
    if not c.enrolled:
        return EnrolView(c.device_id, c.server_url, c.start(c.enrol))
    if c.person is None:
        return SignInView(list(c.people), c.start(c.sign_in), c.switch_person)
    if c.tab == ASSET_TAB:
        return _asset_body(c)
    if c.tab == PALLET_TAB:
        return _pallet_body(c)
    if c.tab == SYNC:
        sync = c.sync
        sync_view = SyncView(
            progress=c.progress,
            counts=dict(sync.counts) if sync else {},
            rejected=sync.rejected if sync else (),
            server_url=c.server_url,
            device_id=c.device_id,
            busy=c.busy is not None,
            on_sync=c.start(c.sync_now),
            on_verify=c.start(c.verify_log),
        )
        return tagged("screen-sync", sync_view)
    if c.tab == AUDIT_TAB and "audit" in c.allowed:
        return AuditView(
            screen=c.audit,
            history=c.audit_history,
            on_finish=c.finish_audit,
            on_cancel=c.cancel_audit,
        )
    if c.tab == CONFLICTS and c.supervisor:
        return tagged("screen-conflicts", ConflictsView(list(c.conflicts), c.decide))
    if c.tab == MORE:
        return MoreView(c.tools, c.show)
    desk, tool = c.desk(c.tab), BY_KEY.get(c.tab)
    if desk is not None and tool is not None and tool.draw is not None:
        return tagged(f"screen-{tool.key}", tool.draw(desk))
    return _scan_body(c)


def _nav(c: Controller) -> ft.Control | None:
    if not (c.enrolled and c.person is not None):
        return None
    tabs = [SCAN, ASSET_TAB, PALLET_TAB]
    tabs += [AUDIT_TAB] if "audit" in c.allowed else []  # the role table decides
    tabs += [MORE]  # Sync, Conflicts and the lifecycle tools: app/ui/toolbox.py
    here = c.tab if c.tab in tabs else MORE if c.tab in BY_KEY else SCAN
    return ft.NavigationBar(
        selected_index=tabs.index(here),
        on_change=lambda e: c.show(tabs[int(e.control.selected_index)]),
        destinations=[ft.NavigationBarDestination(icon=TABS[t][0], label=TABS[t][1]) for t in tabs],
        height=72,
    )


def _focus_holder(c: Controller) -> ft.Control:
    """Where keyboard focus goes after each tap's action (the controller gives it back):
    Flutter leaves focus on a tapped button, and a wedge scan's Enter would press it. It draws
    nothing; the page's key handler still sees every key. One instance for the page's life
    (like the camera's), so the one the controller focuses is the one on screen. A cheap
    question to the browser (a stored-settings lookup) is the round trip that brings in what
    the person did meanwhile (app/ui/focus.py)."""
    holder = ft.use_memo(
        lambda: ft.KeyboardListener(
            content=ft.Container(width=0, height=0), include_semantics=False
        ),
        [],
    )
    prefs = ft.use_memo(ft.SharedPreferences, [])

    async def give_focus() -> None:
        await holder.focus()  # type: ignore[no-untyped-call]

    async def settle() -> None:
        await prefs.contains_key("tagtrail")

    c.attach_focus(give_focus, settle)
    return holder


@ft.component
def Shell(c: Controller) -> ft.Control:
    said = c.said
    top: list[ft.Control] = [_header(c)] if c.person is not None else []
    if c.question is not None:
        q = c.question
        top.append(question_box(q.text, q.yes, c.answer))
    content = ft.Column(
        [
            *top,
            notice(said.text if said else None, said.ok if said else True, lambda _e: c.dismiss()),
            busy_bar(c.busy),
            ft.Container(content=_body(c), expand=True),
        ],
        spacing=10,
        expand=True,
    )
    nav = _nav(c)
    ft.context.page.theme_mode = ft.ThemeMode.DARK if c.dark else ft.ThemeMode.LIGHT
    holder = _focus_holder(c)
    return ft.SafeArea(
        content=ft.Column(
            [
                holder,  # first: its place never changes, whatever screen is drawn
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


@ft.component
def App(get: Callable[[], Controller]) -> ft.Control:
    # Only `Shell` subscribes to the controller: given the observable itself (as an argument
    # or through use_state) this root would re-render the whole tree a second time per change.
    state = get()
    player = ft.use_memo(ScanPlayer, [])  # its audio services live as long as the page
    state.attach_player(player)
    files = ft.use_memo(Files, [])  # its picker service lives as long as the page
    state.attach_files(files)
    page = ft.context.page
    ft.on_mounted(lambda: page.run_task(state.poll))
    ft.on_unmounted(state.stop)
    shell: ft.Control = TYPING(state.typing, lambda: Shell(state))
    return shell


def run(session: DeviceSession, *, host: str, port: int, web: bool, suffix: str = "enter") -> None:
    """Serve the app (web mode serves its client locally: no CDN, works with no internet)."""
    flet_guard.install()  # a late answer for a closed camera must not stop the page

    def main(page: ft.Page) -> None:
        theme.apply(page)
        controller = Controller(session, page.run_task, suffix=suffix)
        page.on_keyboard_event = controller.on_key
        page.render(App, lambda: controller)

    ft.run(
        main,
        host=host,
        port=port,
        view=ft.AppView.WEB_BROWSER if web else ft.AppView.FLET_APP,
        no_cdn=True,
        assets_dir=str(STATIC) if STATIC.is_dir() else None,
        name="",
    )
