"""The Store settings tool (admins): each setting the store holds in a field, the store's
reason under a value it refused, one Save. One column at every width."""

# ruff: noqa: N802  (flet components are named like the controls they return)

from __future__ import annotations

from typing import Any

import flet as ft

from app.ui import theme
from app.ui.components import Field, big_button, tagged
from app.ui.desks.store_settings import SETTINGS, SettingsDesk
from sync.protocol import StoreSettingsView


@ft.component
def SettingsForm(desk: SettingsDesk, held: StoreSettingsView) -> ft.Control:
    values, set_values = ft.use_state({s.name: str(getattr(held, s.name)) for s in SETTINGS})

    def typed(name: str) -> Any:
        return lambda e: set_values({**values, name: e.control.value})

    def save(_e: Any = None) -> None:
        desk.save(values)

    parts: list[ft.Control] = []
    for setting in SETTINGS:
        problem = desk.problems.get(setting.name)
        parts.append(
            Field(
                label=setting.label,
                value=values[setting.name],
                helper=setting.hint,
                on_change=typed(setting.name),
                on_submit=save,
                border_color=theme.BAD if problem else None,
                key=f"field-{setting.name}",  # keyed: a reason shown above it never remakes it
            )
        )
        if problem:  # present only when there is one: Flet refuses an invisible semantics child
            text = ft.Text(problem, color=theme.BAD, size=14)
            parts.append(
                tagged(f"setting-problem-{setting.name}", text, key=f"problem-{setting.name}")
            )
    parts.append(big_button("Save", save, icon=ft.Icons.SAVE, identifier="settings-save"))
    # the fields as wide as the screen: a long web address stays readable
    return ft.Column(parts, spacing=10, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)


def _held(held: StoreSettingsView) -> ft.Control:
    """What the store holds now (after a save: as it kept it, e.g. on one line)."""
    lines = [f"{s.label}: {getattr(held, s.name) or '(not set)'}" for s in SETTINGS]
    return tagged(
        "settings-held",
        ft.Text("\n".join(lines), size=13, color=ft.Colors.ON_SURFACE_VARIANT),
        "The store holds: " + "; ".join(lines),
    )


@ft.component
def SettingsView(desk: SettingsDesk) -> ft.Control:
    parts: list[ft.Control] = [
        ft.Text("Store settings", size=20, weight=ft.FontWeight.BOLD),
        ft.Text(
            "Every device follows these at its next sync. The store checks each value.",
            size=13,
            color=ft.Colors.ON_SURFACE_VARIANT,
        ),
        # hidden by opacity, never absent: the fields below do not move when it shows
        tagged(
            "settings-loading",
            ft.ProgressBar(opacity=1.0 if desk.loading else 0.0),
            "Asking the central store",
        ),
    ]
    if desk.problem:
        parts.append(tagged("settings-problem", ft.Text(desk.problem, color=theme.BAD)))
    if desk.saved:
        parts.append(tagged("settings-saved", ft.Text(desk.saved, color=theme.OK)))
    held = desk.current
    if held is not None:
        # a new key when the store's values change: the fields start again from them
        parts.append(SettingsForm(desk, held, key=f"settings-{desk.version}"))  # type: ignore[call-arg]
        parts.append(_held(held))
    return ft.Column(parts, spacing=12, scroll=ft.ScrollMode.AUTO, expand=True)
