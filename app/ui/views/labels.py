"""The Labels screen: tags scanned (or a run of new ones), the stock, the QR link they carry,
and a PDF sheet to download."""

# ruff: noqa: N802  (flet components are named like the controls they return)

from __future__ import annotations

import flet as ft

from app.ui import label_sheet
from app.ui.components import Field, big_button, section, tagged
from app.ui.desks.labels import NEW, SCANNED, LabelsDesk
from app.ui.label_sheet import TITLES
from app.ui.views.asset import TagPicker

LIST_CAP = 60  # rows drawn; the count above stays exact


def _segments(pairs: list[tuple[str, str]]) -> list[ft.Segment]:
    return [ft.Segment(value=value, label=ft.Text(label)) for value, label in pairs]


TALL = ft.ButtonStyle(padding=ft.Padding.symmetric(horizontal=16, vertical=16))  # >= 48 px


def _scanned(desk: LabelsDesk) -> list[ft.Control]:
    rows: list[ft.Control] = [
        TagPicker("Type a tag to print", "labels-picker", desk.scan),
        tagged(
            "labels-count",
            ft.Text(f"{len(desk.picks)} labels", size=16, weight=ft.FontWeight.W_600),
        ),
    ]
    if desk.contents_of is not None:
        rows.append(
            big_button(
                f"Add the {desk.contents_count} assets on {desk.contents_of}",
                lambda _e: desk.add_contents(),
                icon=ft.Icons.PLAYLIST_ADD,
                identifier="labels-add-contents",
                filled=False,
            )
        )
    for pick in desk.picks[:LIST_CAP]:
        rows.append(
            ft.ListTile(
                title=ft.Text(pick.tag, size=15, weight=ft.FontWeight.W_600),
                subtitle=ft.Text(f"{TITLES.get(pick.kind, '')} {pick.line}".strip(), size=13),
                trailing=ft.IconButton(
                    ft.Icons.CLOSE,
                    tooltip=f"Leave out {pick.tag}",
                    on_click=lambda _e, tag=pick.tag: desk.remove(tag),
                ),
                min_height=56,
            )
        )
    if len(desk.picks) > LIST_CAP:
        rows.append(ft.Text(f"… and {len(desk.picks) - LIST_CAP} more"))
    if desk.picks:
        rows.append(
            big_button(
                "Clear the list", lambda _e: desk.clear(), identifier="labels-clear", filled=False
            )
        )
    return rows


def _new(desk: LabelsDesk) -> list[ft.Control]:
    kinds = desk.kinds
    if not kinds:
        return [ft.Text("Your role may not print new tags.")]
    preview = (
        f"Next: {desk.preview[0]} to {desk.preview[1]}"
        if desk.preview
        else "Type how many new tags (1 to 3000)."
    )
    return [
        ft.SegmentedButton(
            segments=_segments([(k, TITLES[k]) for k in kinds]),
            selected=[desk.kind],
            on_change=lambda e: desk.set_kind((e.control.selected or [kinds[0]])[0]),
            style=TALL,
        ),
        tagged(  # its own semantics node: else the section's title merges into its label
            "labels-how-many",
            Field(
                label="How many new tags",
                value=desk.count,
                keyboard_type=ft.KeyboardType.NUMBER,
                on_change=lambda e: desk.set_count(e.control.value or ""),
            ),
        ),
        tagged("labels-preview", ft.Text(preview, size=15, weight=ft.FontWeight.W_600)),
    ]


def _stocks(desk: LabelsDesk) -> ft.Control:
    radios = [
        tagged(
            f"stock-{name}",
            ft.Container(ft.Radio(value=name, label=f"{name}: {text}"), height=48),  # thumb-sized
            label=name,
        )
        for name, text in label_sheet.stock_choices()
    ]
    return ft.RadioGroup(
        content=ft.Column(radios, spacing=0),
        value=desk.stock,
        on_change=lambda e: desk.set_stock(str(e.control.value or "")),
    )


def _clashes(runs: tuple[str, ...]) -> ft.Control:
    """Numbers printed here offline that another device was given too: labels to reprint."""
    text = (
        "Printed here offline and also given to another device: "
        + "; ".join(runs)
        + ". Reprint these tags (scan them, or print new ones) before you stick them on."
    )
    return tagged(
        "labels-clashes",
        ft.Container(
            ft.Text(text, size=14, color=ft.Colors.ON_ERROR_CONTAINER),
            bgcolor=ft.Colors.ERROR_CONTAINER,
            padding=12,
            border_radius=8,
        ),
    )


@ft.component
def LabelsView(desk: LabelsDesk) -> ft.Control:
    missing = desk.missing_input()
    body = _scanned(desk) if desk.mode == SCANNED else _new(desk)
    parts: list[ft.Control] = [
        ft.Text("Labels", size=20, weight=ft.FontWeight.BOLD),
        *([_clashes(desk.clashes)] if desk.clashes else []),
        ft.SegmentedButton(
            segments=_segments([(SCANNED, "Tags scanned"), (NEW, "New tags")]),
            selected=[desk.mode],
            on_change=lambda e: desk.set_mode((e.control.selected or [SCANNED])[0]),
            style=TALL,
        ),
        section("WHAT TO PRINT", *body),
        section("STOCK", _stocks(desk)),
        tagged(
            "labels-base-url",
            ft.Text(f"QR links start with {desk.base_url}", size=13),
        ),
        *([tagged("labels-hint", ft.Text(missing, size=14))] if missing else []),
        big_button(
            "Download PDF",
            lambda _e: desk.download(),
            icon=ft.Icons.DOWNLOAD,
            identifier="labels-download",
            disabled=missing is not None,
        ),
    ]
    if desk.made:
        parts.append(tagged("labels-made", ft.Text(f"Last sheet: {desk.made}", size=13)))
    return ft.ListView(parts, spacing=12, expand=True)
