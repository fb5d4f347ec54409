"""A field whose value the app controls never sends the app's value over what the person typed
since, and still sends the values the app sets itself (a clear after a submit, a prefill).

The browser is played at Flet's seam: a session over a connection that keeps what it would send,
the browser's property patches applied as the receive loop does (`apply_patch`) and its change
events dispatched as tasks. Relies on flet 1.0.5's session (pinned); the browser tests
(tests/app/browser/test_typing.py) check the same with Chromium."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import flet as ft
from flet.controls.context import _context_page
from flet.messaging.connection import Connection
from flet.messaging.protocol import Message
from flet.messaging.session import Session
from flet.pubsub.pubsub_hub import PubSubHub

from app.ui.components import Field


class Wire(Connection):
    """The connection to a browser: keeps the messages the session sends it."""

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.sent: list[Message] = []
        self.pubsubhub = PubSubHub()

    def send_message(self, message: Message) -> None:
        self.sent.append(message)

    def values(self) -> list[str]:
        """Every `value` the session sent to a control since the last call."""
        found = [
            op[3]
            for message in self.sent
            for op in (getattr(message.body, "patch", None) or [])[1:]
            if len(op) > 3 and op[2] == "value"
        ]
        self.sent.clear()
        return found


class Form:
    """One controlled field on a page: the app's state and its setter, and the browser's side."""

    def __init__(self, prefill: str) -> None:
        self.wire = Wire()
        self.wire.loop = asyncio.get_running_loop()
        self.session = Session(self.wire)
        _context_page.set(self.session.page)
        self.state = prefill
        self.set: Callable[[str], None] = lambda _v: None
        self.poke: Callable[[int], None] = lambda _n: None  # a re-render for another reason

        @ft.component
        def Screen() -> ft.Control:
            value, set_value = ft.use_state(prefill)
            pokes, self.poke = ft.use_state(0)
            self.state, self.set = value, set_value
            return ft.Column(
                [
                    ft.Container(width=100 + pokes),  # what the poke changes
                    Field("Hand to", value=value, on_change=lambda e: set_value(e.control.value)),
                ]
            )

        self.session.page.render(Screen)
        self.session.get_page_patch()  # type: ignore[no-untyped-call]  # what the browser draws first; mounts the tree

    def browser_value(self) -> str:
        return str(self.field().value)

    def field(self) -> ft.TextField:
        return next(c for c in self.session.index.values() if isinstance(c, ft.TextField))

    def patch(self, text: str) -> None:
        """The browser reports the field's new text (applied at once, in the receive loop)."""
        self.session.apply_patch(self.field()._i, {"value": text})

    def change(self, text: str) -> Awaitable[None]:
        """The browser's change event for `text`: handled later, as a task."""
        return asyncio.create_task(self.session.dispatch_event(self.field()._i, "change", text))


async def settle() -> None:
    for _ in range(5):  # the updates scheduler renders on its next turns
        await asyncio.sleep(0)


async def typed(form: Form, *texts: str) -> None:
    """The person types: each text reported and handled in turn."""
    for text in texts:
        form.patch(text)
        await form.change(text)
        await settle()


def test_a_render_between_a_keys_report_and_its_handler_sends_nothing() -> None:
    async def run() -> None:
        form = Form("")
        form.wire.values()
        form.patch("c")
        handled = form.change("c")
        await asyncio.sleep(0)  # "c" handled: the app's state is "c", a render is due
        form.patch("ca")  # the next key's report arrives before that render
        await handled
        await settle()
        assert form.wire.values() == []  # "c" was not sent over "ca"
        assert form.browser_value() == "ca"
        await form.change("ca")
        await settle()
        assert form.state == "ca"
        assert form.wire.values() == []

    asyncio.run(run())


def test_a_render_with_an_older_state_sends_nothing() -> None:
    async def run() -> None:
        form = Form("")
        await typed(form, "c", "ca")
        form.wire.values()
        form.patch("car")
        form.patch("carr")  # typed on; their change events still on the way
        form.poke(1)  # a notice, a poll: the screen renders with the app's older "ca"
        await settle()
        assert form.state == "ca"
        assert form.wire.values() == []
        assert form.browser_value() == "carr"
        await form.change("car")  # reads the field's text: the app catches up at once
        await settle()
        assert form.state == "carr"
        assert form.wire.values() == []

    asyncio.run(run())


def test_a_clear_after_typing_reaches_the_browser() -> None:
    async def run() -> None:
        form = Form("")
        await typed(form, "x", "", "y")  # typed, deleted, typed again: "" was typed once
        form.wire.values()
        form.set("")  # the app clears the field after a submit
        await settle()
        assert form.wire.values() == [""]
        await typed(form, "z")  # the next entry starts from the clear
        assert form.state == "z"
        assert form.wire.values() == []

    asyncio.run(run())


def test_values_the_app_sets_reach_the_browser() -> None:
    async def run() -> None:
        form = Form("site:DAL1")
        assert form.browser_value() == "site:DAL1"  # the prefill is drawn
        await typed(form, "site:DAL12")
        form.wire.values()
        form.set("site:DAL1")  # another asset: its own prefill, typed over before
        await settle()
        assert form.wire.values() == ["site:DAL1"]
        form.set("carrier:ups")
        await settle()
        assert form.wire.values() == ["carrier:ups"]
        assert form.browser_value() == "carrier:ups"

    asyncio.run(run())


def test_a_field_the_app_does_not_control_keeps_what_is_typed() -> None:
    async def run() -> None:
        wire = Wire()
        wire.loop = asyncio.get_running_loop()
        session = Session(wire)
        _context_page.set(session.page)
        seen: list[Any] = []
        session.page.render(lambda: Field("Notes", on_change=lambda e: seen.append(e.data)))
        session.get_page_patch()  # type: ignore[no-untyped-call]
        field = next(c for c in session.index.values() if isinstance(c, ft.TextField))
        session.apply_patch(field._i, {"value": "dent"})
        await session.dispatch_event(field._i, "change", "dent")
        await settle()
        assert seen == ["dent"]
        assert wire.values() == []

    asyncio.run(run())
