"""Small building blocks shared by the views. Each takes data and callbacks, nothing else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar, cast

import flet as ft

from app.ui import present, theme
from app.ui.scanflow import BIND, CLAIM, OK_KINDS, PROBLEM, REFUSED, REPEAT, ScanOutcome
from sync.device.progress import SyncProgress

P = ParamSpec("P")
R = TypeVar("R")
Handler = Callable[..., Any]
# Who to tell that a person is typing in a text field (the controller's `typing`): while one
# has focus, page-level keys are that person's, not a wedge scanner's. On focus it is also
# given the field's `focus`, to give focus back if a late request took it.
Typing = Callable[..., Any]
TYPING: Any = ft.create_context(None)


def memo(fn: Callable[P, R]) -> Callable[P, R]:
    """`ft.memo`, typed: the component skips its render (and the diff of what it drew) when
    its arguments are equal to last time's, so pass it data and bound methods, not lambdas."""
    wrapped: Callable[P, R] = ft.memo(fn)  # type: ignore[no-untyped-call]
    return wrapped


class _Echo:
    """What a field whose value the app controls knows between renders.

    Flet 1.0.5 diffs a component's new render against its previous one, and that previous
    TextField is the control the session indexes, whose `value` the browser's property patches
    overwrite as the person types (`Session.apply_patch`, in the receive loop; the `change`
    event runs later, as a task). So a render that passes the app's value sends it whenever it
    differs from what the browser last reported: a render between a key's patch and its
    handler, or with an older state, overwrites the keys typed since. Here a render sends the
    app's value only when the app set it itself (a clear after a submit, a prefill, another
    asset's values); an echo of what was typed draws the browser's own value: nothing to send.
    A value the app sets is diffed against the browser's last report, so a clear to "" still
    goes out after typing, and keys reported after it are the person's and stay."""

    def __init__(self) -> None:
        self.app: str | None = None  # the app's value at the last render
        self.typed: list[str] = []  # what the browser reported since, oldest first
        self.shown: ft.TextField | None = None  # the control last drawn (the indexed one)

    def draw(self, value: str) -> str:
        """The value to render for the app's `value`."""
        shown, echo = self.shown, value == self.app or value in self.typed
        self.app = value
        if shown is not None and echo:
            if value in self.typed:
                del self.typed[: self.typed.index(value)]  # later echoes come from here on
            return shown.value or ""
        self.typed.clear()
        return value

    def heard(self, value: str | None) -> None:
        self.typed.append(value or "")


# ruff: noqa: N802  (flet components are named like the controls they return)
@ft.component
def Field(label: str, **props: Any) -> ft.Control:
    """A text field a person types in: reports its focus so wedge capture stays out of it. A
    `value` the app controls never overwrites what the person typed since (see `_Echo`)."""
    report: Typing | None = ft.use_context(TYPING)
    echo = cast(_Echo, ft.use_ref(cast(Any, _Echo)).current)  # made on the first render
    own_focus, own_blur = props.pop("on_focus", None), props.pop("on_blur", None)
    own_submit, own_change = props.pop("on_submit", None), props.pop("on_change", None)
    controlled = props.get("value") is not None
    if controlled:
        props["value"] = echo.draw(str(props["value"]))

    def focus(e: Any) -> None:
        if report is not None:
            report(label, True, e.control.focus)
        if own_focus is not None:
            own_focus(e)

    def blur(e: Any) -> None:
        if report is not None:
            report(label, False)
        if own_blur is not None:
            own_blur(e)

    async def submit(e: Any) -> None:
        if report is not None:
            report(label, False)  # Flutter drops focus on submit
        await _call(own_submit, e)

    async def change(e: Any) -> None:
        echo.heard(e.control.value)  # before the app's handler sets its state to it
        await _call(own_change, e)

    field = ft.TextField(
        label=label,
        on_focus=focus,
        on_blur=blur,
        on_submit=submit,
        on_change=change if controlled or own_change is not None else None,
        **props,
    )
    echo.shown = field
    return field


async def _call(handler: Handler | None, e: Any) -> None:
    if handler is not None:
        result = handler(e)
        if hasattr(result, "__await__"):
            await result


def question_box(text: str, yes: str, on_answer: Callable[[bool], Any]) -> ft.Control:
    """A question before a step that is hard to take back: go ahead, or leave it."""
    return tagged(
        "question",
        ft.Container(
            content=ft.Column(
                [
                    ft.Text(text, size=15, weight=ft.FontWeight.W_600),
                    ft.Row(
                        [
                            big_button(
                                yes,
                                lambda _e: on_answer(True),
                                identifier="question-yes",
                                colour=theme.WARN,
                                expand=True,
                            ),
                            big_button(
                                "Cancel",
                                lambda _e: on_answer(False),
                                identifier="question-no",
                                filled=False,
                                expand=True,
                            ),
                        ]
                    ),
                ],
                spacing=8,
            ),
            border=ft.Border.all(2, theme.WARN),
            border_radius=12,
            padding=12,
        ),
        text,
    )


def tagged(
    identifier: str, control: ft.Control, label: str | None = None, key: str | None = None
) -> ft.Control:
    """A stable selector for tests and screen readers (`flt-semantics-identifier` on web).
    The wrapper takes the control's `expand`, or an expanding control would lose it."""
    expand = getattr(control, "expand", None)
    if label is None and isinstance(control, ft.Text) and isinstance(control.value, str):
        label = control.value  # a text's words are its label (tests read it, so do readers)
    return ft.Semantics(identifier=identifier, label=label, content=control, expand=expand, key=key)


def chip(text: str, colour: str, identifier: str | None = None) -> ft.Control:
    box = ft.Container(
        content=ft.Text(text, color="#ffffff", weight=ft.FontWeight.W_600, size=14),
        bgcolor=colour,
        border_radius=20,
        padding=ft.Padding.symmetric(horizontal=12, vertical=6),
    )
    return tagged(identifier, box, text) if identifier else box


def status_chip(status: str) -> ft.Control:
    choice = present.status_choice(status)
    return chip(choice.label, choice.colour, "asset-status")


def big_button(
    text: str,
    on_click: Handler | None,
    *,
    icon: ft.IconData | None = None,
    identifier: str | None = None,
    filled: bool = True,
    colour: str | None = None,
    disabled: bool = False,
    expand: bool | int | None = None,
) -> ft.Control:
    kind = ft.FilledButton if filled else ft.OutlinedButton
    button = kind(
        content=ft.Text(text, size=16, weight=ft.FontWeight.W_600),
        icon=icon,
        on_click=on_click,
        height=theme.TOUCH,
        disabled=disabled,
        expand=expand,
        style=ft.ButtonStyle(
            bgcolor=colour if filled else None, shape=ft.RoundedRectangleBorder(radius=14)
        ),
    )
    return tagged(identifier, button) if identifier else button


def info_row(label: str, value: str, identifier: str | None = None) -> ft.Control:
    text = ft.Text(value, size=16, weight=ft.FontWeight.W_600)
    return ft.Row(
        [
            ft.Text(label, size=14, color=ft.Colors.ON_SURFACE_VARIANT, width=96),
            ft.Container(content=tagged(identifier, text) if identifier else text, expand=True),
        ],
        vertical_alignment=ft.CrossAxisAlignment.START,
    )


def section(title: str, *controls: ft.Control, identifier: str | None = None) -> ft.Control:
    box = ft.Container(
        content=ft.Column(
            [
                ft.Text(title, size=13, weight=ft.FontWeight.BOLD, color=ft.Colors.PRIMARY),
                *controls,
            ],
            spacing=10,
        ),
        bgcolor=ft.Colors.SURFACE_CONTAINER,
        border_radius=theme.RADIUS,
        padding=14,
    )
    return tagged(identifier, box) if identifier else box


def sync_indicator(progress: SyncProgress, on_click: Handler) -> ft.Control:
    badge = present.sync_badge(progress)
    icon: ft.Control = (
        ft.ProgressRing(width=14, height=14, stroke_width=2, color=badge.colour)
        if badge.busy
        else ft.Icon(getattr(ft.Icons, badge.icon), color=badge.colour, size=18)
    )
    pill = ft.Container(
        content=ft.Row(
            [icon, ft.Text(badge.text, size=13, color=badge.colour, weight=ft.FontWeight.W_600)],
            spacing=6,
            tight=True,
        ),
        border=ft.Border.all(1, badge.colour),
        border_radius=24,
        padding=ft.Padding.symmetric(horizontal=10),
        height=48,  # a touch target: it opens the Sync screen
        alignment=ft.Alignment.CENTER,
        on_click=on_click,
        ink=True,
    )
    return tagged("sync-indicator", pill, badge.text, key=f"sync|{badge.text}")


_ROW_ICONS = {
    PROBLEM: (ft.Icons.ERROR_OUTLINE, theme.BAD),
    REFUSED: (ft.Icons.BLOCK, theme.BAD),
    CLAIM: (ft.Icons.ADD_CIRCLE_OUTLINE, theme.WARN),
    BIND: (ft.Icons.PLACE_OUTLINED, theme.WARN),
    REPEAT: (ft.Icons.REPLAY, ft.Colors.ON_SURFACE_VARIANT),
}


def scan_row(
    index: int,
    outcome: ScanOutcome,
    *,
    on_open: Handler | None,
    action: ft.Control | None = None,
) -> ft.Control:
    icon, colour = _ROW_ICONS.get(
        outcome.kind,
        (ft.Icons.CHECK_CIRCLE, theme.OK)
        if outcome.kind in OK_KINDS
        else (ft.Icons.HELP_OUTLINE, theme.WARN),
    )
    if outcome.kind == "location":
        icon, colour = ft.Icons.PLACE, theme.INFO
    elif outcome.kind == "pallet":
        icon, colour = ft.Icons.PALLET, theme.INFO
    body = ft.Column(
        [
            ft.Text(outcome.title, size=17, weight=ft.FontWeight.BOLD, no_wrap=True),
            ft.Text(outcome.detail, size=13, color=ft.Colors.ON_SURFACE_VARIANT),
        ],
        spacing=2,
        expand=True,
    )
    row = ft.Container(
        content=ft.Row(
            [ft.Icon(icon, color=colour, size=28), body, *([action] if action else [])],
            spacing=12,
        ),
        padding=ft.Padding.symmetric(horizontal=12, vertical=10),
        border=ft.Border.only(left=ft.BorderSide(4, colour)),
        bgcolor=ft.Colors.SURFACE_CONTAINER,
        border_radius=10,
        on_click=on_open,
        ink=on_open is not None,
    )
    return tagged(f"scan-row-{index}", row, f"{outcome.title}: {outcome.detail}", row_key(outcome))


def row_key(outcome: ScanOutcome) -> str:
    """A key per outcome: a row that now shows another outcome is a new node, so the
    semantics tree (what screen readers and tests read) never keeps the old words."""
    return f"{outcome.kind}|{outcome.title}|{outcome.at}|{outcome.seq}"


def busy_bar(text: str | None) -> ft.Control:
    """Every long job shows progress: an indeterminate bar with words under the top bar."""
    if not text:
        return ft.Container(height=0)
    return tagged(
        "busy",
        ft.Column(
            [ft.ProgressBar(), ft.Text(text, size=13, color=ft.Colors.ON_SURFACE_VARIANT)],
            spacing=4,
        ),
    )


def notice(text: str | None, ok: bool, on_close: Handler) -> ft.Control:
    if not text:
        return ft.Container(height=0)
    colour = theme.OK if ok else theme.BAD
    return tagged(
        "notice",
        ft.Container(
            content=ft.Row(
                [
                    ft.Icon(ft.Icons.INFO_OUTLINE if ok else ft.Icons.WARNING_AMBER, color=colour),
                    ft.Text(text, size=14, expand=True),
                    ft.IconButton(ft.Icons.CLOSE, on_click=on_close, tooltip="Dismiss"),
                ],
            ),
            border=ft.Border.all(1, colour),
            border_radius=10,
            padding=ft.Padding.only(left=10),
        ),
        text,
    )
