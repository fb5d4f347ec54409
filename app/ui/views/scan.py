"""The scan screen: a current location, a big scan field for wedge scanners, the camera, and
the list of what each scan did (newest first), with "claim" and "open" right on the rows."""

# ruff: noqa: N802  (flet components are named like the controls they return)

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import flet as ft

from app.ui import theme
from app.ui.camera import CameraPanel
from app.ui.camera_loop import Reader
from app.ui.components import Field, big_button, memo, row_key, scan_row, section, tagged
from app.ui.scanflow import ASSET, BIND, CLAIM, CLAIMED, PALLET, SEEN, ScanOutcome

SCAN_LABEL = "Type a tag"  # a wedge scanner needs no field: the page captures its keys


def _location_banner(
    location: str | None,
    recent: Sequence[str],
    on_pick: Callable[[str], Any],
    on_clear: Callable[[], Any],
) -> ft.Control:
    if location:
        return tagged(
            "current-location",
            ft.Container(
                content=ft.Row(
                    [
                        ft.Icon(ft.Icons.PLACE, color=theme.INFO, size=28),
                        ft.Column(
                            [
                                ft.Text(
                                    "Recording sightings at",
                                    size=12,
                                    color=ft.Colors.ON_SURFACE_VARIANT,
                                ),
                                ft.Text(location, size=18, weight=ft.FontWeight.BOLD),
                            ],
                            spacing=0,
                            expand=True,
                        ),
                        ft.IconButton(
                            ft.Icons.CLOSE,
                            tooltip="Leave this location",
                            on_click=lambda _e: on_clear(),
                        ),
                    ],
                ),
                bgcolor=ft.Colors.SURFACE_CONTAINER_HIGH,
                border_radius=theme.RADIUS,
                padding=ft.Padding.only(left=12, top=6, bottom=6),
            ),
            f"Current location {location}",
        )
    picks: list[ft.Control] = [
        ft.OutlinedButton(
            content=ft.Text(path, size=14),
            height=theme.TOUCH,
            on_click=lambda _e, p=path: on_pick(p),
        )
        for path in recent[:4]
    ]
    return tagged(
        "current-location",
        ft.Container(
            content=ft.Column(
                [
                    ft.Row(
                        [
                            ft.Icon(ft.Icons.PLACE_OUTLINED, color=theme.WARN),
                            ft.Text(
                                "Scan a location tag to record where assets are",
                                size=14,
                                expand=True,
                            ),
                        ]
                    ),
                    *([ft.Row(picks, wrap=True, spacing=8)] if picks else []),
                ],
                spacing=8,
            ),
            bgcolor=ft.Colors.SURFACE_CONTAINER_HIGH,
            border_radius=theme.RADIUS,
            padding=12,
        ),
        "No current location",
    )


@ft.component
def BindPrompt(tag: str, recent: Sequence[str], on_bind: Callable[[str, str], Any]) -> ft.Control:
    path, set_path = ft.use_state("")
    return section(
        f"WHICH PLACE DOES {tag} MARK?",
        Field(
            label="Location path",
            hint_text="SITE/BUILDING/ROOM/SHELF",
            value=path,
            on_change=lambda e: set_path(e.control.value),
            on_submit=lambda _e: on_bind(tag, path),
            capitalization=ft.TextCapitalization.CHARACTERS,
        ),
        ft.Row(
            [
                ft.OutlinedButton(
                    content=ft.Text(p), height=theme.TOUCH, on_click=lambda _e, p=p: on_bind(tag, p)
                )
                for p in recent[:3]
            ],
            wrap=True,
        ),
        big_button(
            "Save place",
            lambda _e: on_bind(tag, path),
            icon=ft.Icons.SAVE,
            identifier="bind-button",
            disabled=not path.strip(),
        ),
        identifier="bind-prompt",
    )


VISIBLE_ROWS = 20  # rows drawn: a longer list costs every scan a longer diff, nobody scrolls it


@ft.component
def ScanRow(
    number: int,
    outcome: ScanOutcome,
    claim_id: str | None,
    on_open: Callable[[ScanOutcome], Any],
    on_claim: Callable[[ScanOutcome], Any],
) -> ft.Control:
    """One scan's row. Memoized (`_row`): a scan re-draws only its own new row, not the list."""
    action = None
    if claim_id is not None:
        action = tagged(
            claim_id,
            ft.FilledTonalButton(
                content=ft.Text("Claim", size=16),
                height=theme.TOUCH,
                on_click=lambda _e: on_claim(outcome),
            ),
        )
    opens = outcome.kind in (SEEN, ASSET, PALLET, CLAIMED) and outcome.tag is not None
    return scan_row(
        number,
        outcome,
        on_open=(lambda _e: on_open(outcome)) if opens else None,
        action=action,
    )


_row = memo(ScanRow)


def scan_rows(
    scans: Sequence[ScanOutcome],
    on_open: Callable[[ScanOutcome], Any],
    on_claim: Callable[[ScanOutcome], Any],
) -> list[ft.Control]:
    """The newest rows, each keyed by its outcome so a new scan inserts one row. Rows count
    up from the oldest; an offer to claim is `claim-0` on the newest row."""
    rows: list[ft.Control] = [
        _row(  # type: ignore[call-arg]
            len(scans) - index,
            outcome,
            f"claim-{index}" if outcome.kind == CLAIM else None,
            on_open,
            on_claim,
            key=row_key(outcome),
        )
        for index, outcome in enumerate(scans[:VISIBLE_ROWS])
    ]
    return rows


@ft.component
def ScanView(
    *,
    scans: Sequence[ScanOutcome],
    location: str | None,
    recent: Sequence[str],
    claiming: str | None,
    recorded_here: int,
    camera_on: bool,
    on_camera_code: Callable[[str, str], Any],
    on_camera_error: Callable[[str], Any],
    on_scan: Callable[[str], Any],
    on_bind: Callable[[str, str], Any],
    on_pick_location: Callable[[str], Any],
    on_clear_location: Callable[[], Any],
    on_claim: Callable[[ScanOutcome], Any],
    on_open: Callable[[ScanOutcome], Any],
    on_toggle_camera: Callable[[], Any],
    sound: bool = True,
    on_toggle_sound: Callable[[], Any] | None = None,
    read_code: Reader | None = None,
) -> ft.Control:
    """Memoized where it is used (`MemoScanView`): the root re-renders on every change the
    controller makes (the sync badge, a notice), and this screen's data did not change then."""
    turn, set_turn = ft.use_state(0)

    def submit(e: ft.Event[ft.TextField]) -> None:
        value = (e.control.value or "").strip()
        set_turn(turn + 1)  # a fresh, empty field; no round trip per keystroke
        if value:
            on_scan(value)

    latest = scans[0] if scans else None
    colour = theme.OK if latest is None or latest.ok else theme.BAD
    if latest is not None and latest.kind in (CLAIM, BIND):
        colour = theme.WARN
    field = ft.Container(
        content=tagged(
            "scan-field",
            Field(
                label=SCAN_LABEL,
                on_submit=submit,
                text_size=20,
                height=64,
                border_width=3,
                border_color=colour,
                focused_border_color=colour,
                prefix_icon=ft.Icons.KEYBOARD,
                key=f"scan-field|{turn}",
            ),
        ),
        expand=True,
    )
    camera = CameraPanel(on_camera_code, on_camera_error, read_code) if camera_on else None

    rows = scan_rows(scans, on_open, on_claim)
    if not rows:
        rows.append(
            ft.Container(
                content=ft.Text(
                    "Scans appear here. Use a handheld scanner, the camera, or type a tag.",
                    color=ft.Colors.ON_SURFACE_VARIANT,
                    size=15,
                    text_align=ft.TextAlign.CENTER,
                ),
                padding=24,
            )
        )

    top: list[ft.Control] = [
        _location_banner(location, recent, on_pick_location, on_clear_location)
    ]
    if latest is not None and latest.kind == BIND and latest.tag:
        top.append(BindPrompt(latest.tag, recent, on_bind, key=f"bind-{latest.tag}"))  # type: ignore[call-arg]
    if claiming:
        top.append(
            tagged(
                "claiming",
                ft.Text(
                    f"Scan a blank asset tag to claim it for {claiming}",
                    size=15,
                    color=theme.WARN,
                    weight=ft.FontWeight.W_600,
                ),
            )
        )
    if camera is not None:
        top.append(camera)
    counts = recorded_here
    return ft.Column(
        [
            *top,
            ft.Row(
                [
                    ft.Text("Scans", size=13, weight=ft.FontWeight.BOLD, color=ft.Colors.PRIMARY),
                    ft.Row(
                        [
                            tagged(
                                "seen-count",
                                ft.Text(
                                    f"{counts} recorded here",
                                    size=13,
                                    color=ft.Colors.ON_SURFACE_VARIANT,
                                ),
                            ),
                            tagged(
                                "sound-toggle",
                                ft.IconButton(
                                    ft.Icons.VOLUME_UP if sound else ft.Icons.VOLUME_OFF,
                                    tooltip="Turn scan sounds off"
                                    if sound
                                    else "Turn scan sounds on",
                                    on_click=lambda _e: on_toggle_sound and on_toggle_sound(),
                                ),
                                "Scan sounds on" if sound else "Scan sounds off",
                                key=f"sound|{sound}",
                            ),
                        ],
                        spacing=0,
                        tight=True,
                    ),
                ],
                alignment=ft.MainAxisAlignment.SPACE_BETWEEN,
            ),
            tagged("scan-list", ft.ListView(rows, spacing=8, expand=True)),
            ft.Row(
                [
                    field,
                    tagged(
                        "camera-button",
                        ft.IconButton(
                            ft.Icons.PHOTO_CAMERA if camera is None else ft.Icons.NO_PHOTOGRAPHY,
                            icon_size=32,
                            width=64,
                            height=64,
                            tooltip="Scan with the camera",
                            style=ft.ButtonStyle(
                                bgcolor=ft.Colors.PRIMARY,
                                icon_color=ft.Colors.ON_PRIMARY,
                                shape=ft.RoundedRectangleBorder(radius=16),
                            ),
                            on_click=lambda _e: on_toggle_camera(),
                        ),
                    ),
                ],
                spacing=10,
            ),
        ],
        spacing=10,
        expand=True,
    )


MemoScanView = memo(ScanView)
