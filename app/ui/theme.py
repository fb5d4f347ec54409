"""Dark (the default: a dim closet) and light themes with high contrast, and shared sizes."""

from __future__ import annotations

import flet as ft

SEED = "#26a69a"
TOUCH = 56  # minimum height of a touch target, in logical pixels (one-handed, gloves)
GAP = 12
RADIUS = 14

OK = "#66bb6a"
WARN = "#ffa726"
BAD = "#ef5350"
INFO = "#42a5f5"


def _targets(theme: ft.Theme) -> ft.Theme:
    """Touch targets of at least 48 px everywhere: web and desktop default to a compact
    density (36-40 px buttons), and an icon button is 40 px with Material's own padding."""
    theme.visual_density = ft.VisualDensity.STANDARD
    theme.icon_button_theme = ft.IconButtonTheme(style=ft.ButtonStyle(padding=12))
    theme.segmented_button_theme = ft.SegmentedButtonTheme(
        style=ft.ButtonStyle(padding=ft.Padding.symmetric(horizontal=12, vertical=14))
    )
    return theme


def dark() -> ft.Theme:
    return _targets(
        ft.Theme(
            color_scheme_seed=SEED,
            color_scheme=ft.ColorScheme(
                primary="#4dd0c4",
                on_primary="#00201d",
                surface="#0f1416",
                on_surface="#f1f5f4",
                on_surface_variant="#c9d3d1",
                surface_container="#1a2225",
                surface_container_high="#222c30",
                outline="#8a9a97",
            ),
        )
    )


def light() -> ft.Theme:
    return _targets(
        ft.Theme(
            color_scheme_seed=SEED,
            color_scheme=ft.ColorScheme(
                primary="#00695c",
                on_primary="#ffffff",
                surface="#fbfdfc",
                on_surface="#0b1514",
                on_surface_variant="#2f3d3b",
                surface_container="#eef3f2",
                surface_container_high="#e2ebe9",
                outline="#4f5f5c",
            ),
        )
    )


def apply(page: ft.Page) -> None:
    page.theme = light()
    page.dark_theme = dark()
    page.theme_mode = ft.ThemeMode.DARK
    page.padding = 0
    page.title = "TagTrail"
