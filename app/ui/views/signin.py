"""Enrolment (a device without a token) and sign-in (nobody signed in) on a shared device."""

# ruff: noqa: N802  (flet components are named like the controls they return)

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import flet as ft

from app.ui.components import Field, big_button, section, tagged
from sync.device.people import Person


@ft.component
def EnrolView(device_id: str, server_url: str, on_enrol: Callable[[str, str], Any]) -> ft.Control:
    code, set_code = ft.use_state("")
    name, set_name = ft.use_state("")
    return ft.Column(
        [
            ft.Text("Enrol this device", size=26, weight=ft.FontWeight.BOLD),
            ft.Text(
                f"Ask an admin for a one-time code. Central store: {server_url}",
                size=14,
                color=ft.Colors.ON_SURFACE_VARIANT,
            ),
            section(
                "DEVICE",
                Field(
                    label="Enrolment code",
                    value=code,
                    on_change=lambda e: set_code(e.control.value),
                    autofocus=True,
                    text_size=18,
                ),
                Field(
                    label="Device name",
                    value=name,
                    hint_text="e.g. Dock A scanner",
                    on_change=lambda e: set_name(e.control.value),
                    on_submit=lambda _e: on_enrol(code, name),
                    text_size=18,
                ),
                ft.Text(f"Device id {device_id}", size=12, color=ft.Colors.ON_SURFACE_VARIANT),
            ),
            big_button(
                "Enrol",
                lambda _e: on_enrol(code, name),
                icon=ft.Icons.LINK,
                identifier="enrol-button",
                disabled=not code.strip(),
            ),
        ],
        spacing=16,
    )


@ft.component
def SignInView(
    people: Sequence[Person],
    on_sign_in: Callable[[str, str], Any],
    on_switch: Callable[[str], Any],
) -> ft.Control:
    # Uncontrolled fields: what is typed is kept in refs, so no keystroke makes a round trip
    # that a fast typist (or a re-render) could overtake; an empty one gets a sentence.
    username = ft.use_ref("")
    pin = ft.use_ref("")

    def go(_e: object = None) -> None:
        on_sign_in(username.current or "", pin.current or "")

    known = [
        tagged(
            f"person-{p.name}",
            ft.OutlinedButton(
                content=ft.Text(f"{p.display_name} · {p.role}", size=16),
                icon=ft.Icons.PERSON,
                height=52,
                on_click=lambda _e, name=p.name: on_switch(name),
            ),
        )
        for p in people
    ]
    return ft.Column(
        [
            ft.Text("Sign in", size=26, weight=ft.FontWeight.BOLD),
            ft.Text(
                "Each change you record carries your name.",
                size=14,
                color=ft.Colors.ON_SURFACE_VARIANT,
            ),
            section(
                "WITH YOUR PIN (ONLINE)",
                Field(
                    label="Username",
                    on_change=lambda e: setattr(username, "current", e.control.value or ""),
                    autofocus=True,
                    text_size=18,
                ),
                Field(
                    label="PIN",
                    password=True,
                    keyboard_type=ft.KeyboardType.NUMBER,
                    on_change=lambda e: setattr(pin, "current", e.control.value or ""),
                    on_submit=go,
                    text_size=18,
                ),
            ),
            big_button("Sign in", go, icon=ft.Icons.LOGIN, identifier="signin-button"),
            *([section("SIGNED IN HERE BEFORE (WORKS OFFLINE)", *known)] if known else []),
        ],
        spacing=16,
    )
