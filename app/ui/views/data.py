"""The Data tool: import a CSV (checked first: what it would add and update, or each bad row),
download the exports, and download certificates for a scanned asset, a pallet, a batch of
scanned assets or recycling over a period. One column on a phone, two on a desktop."""

# ruff: noqa: N802  (flet components are named like the controls they return)

from __future__ import annotations

from typing import Any

import flet as ft

from app.ui import theme
from app.ui.components import Field, big_button, section, tagged
from app.ui.desks.data import FORMATS, Checked, DataDesk, summary
from app.ui.views.reports import choice_button

PROBLEM_ROWS = 50  # bad rows listed on screen (the store lists up to its own cap)


def _checked_view(checked: Checked, on_import: Any) -> list[ft.Control]:
    outcome = checked.outcome
    colour = theme.BAD if checked.bad else theme.OK
    lines: list[ft.Control] = [
        tagged(
            "import-said", ft.Text(checked.said, size=15, color=colour, weight=ft.FontWeight.W_600)
        ),
        ft.Text(
            f"{checked.name}: {outcome.format}, {outcome.encoding}, "
            f"separated by {outcome.delimiter!r}",
            size=13,
            color=ft.Colors.ON_SURFACE_VARIANT,
        ),
    ]
    if not checked.bad:
        lines.append(tagged("import-plan", ft.Text(summary(outcome), size=15)))
    for i, problem in enumerate(outcome.problems[:PROBLEM_ROWS]):
        words = f"Row {problem.row} · {problem.column}: {problem.message}"
        lines.append(tagged(f"import-problem-{i}", ft.Text(words, size=14, color=theme.BAD)))
    if outcome.mapping:
        lines.append(ft.Text("How values map", size=13, weight=ft.FontWeight.BOLD))
        for m in outcome.mapping[:20]:
            lines.append(ft.Text(f"{m.column}: {m.source} → {m.value} ({m.rows} rows)", size=13))
    if outcome.fields:
        lines.append(ft.Text("Kept as custom fields: " + ", ".join(outcome.fields), size=13))
    if not checked.bad and outcome.dry_run:
        lines.append(
            big_button(
                f"Import {outcome.rows:,} rows",
                lambda _e: on_import(),
                icon=ft.Icons.UPLOAD,
                identifier="import-go",
                disabled=outcome.new + outcome.updated == 0,
            )
        )
    return lines


def _import_section(desk: DataDesk) -> ft.Control:
    formats = ft.Row(
        [
            choice_button(text, value, desk.format, desk.set_format, f"format-{value}")
            for value, text in FORMATS
        ],
        wrap=True,
        spacing=8,
    )
    parts: list[ft.Control] = [
        ft.Text(
            "Snipe-IT's asset export or TagTrail's template. The file is checked first; "
            "nothing is written until you import it.",
            size=13,
        ),
        formats,
        big_button(
            "Choose a CSV file",
            lambda _e: desk.choose_file(),
            icon=ft.Icons.FILE_OPEN,
            identifier="import-choose",
        ),
    ]
    if desk.checked is not None:
        parts.extend(_checked_view(desk.checked, desk.import_file))
    if desk.imported is not None:
        parts.append(tagged("import-done", ft.Text(desk.imported.said, size=15, color=theme.OK)))
    return section("Import", *parts, identifier="data-import")


def _exports_section(desk: DataDesk) -> ft.Control:
    def export(what: str) -> Any:
        return lambda _e: desk.export(what)

    buttons = [
        big_button(
            label,
            export(what),
            icon=ft.Icons.DOWNLOAD,
            identifier=f"export-{what}",
            filled=False,
        )
        for what, label in (
            ("assets", "Assets"),
            ("custody", "Custody"),
            ("sanitization", "Sanitization"),
        )
    ]
    return section(
        "Export CSV",
        ft.Text("Assets re-import to the same assets. Site (below) narrows every export.", size=13),
        ft.Row(buttons, wrap=True, spacing=8, run_spacing=8),
        identifier="data-export",
    )


@ft.component
def CertificateForm(desk: DataDesk) -> ft.Control:
    asset, set_asset = ft.use_state(desk.asset_tag)
    pallet, set_pallet = ft.use_state(desk.pallet_tag)
    since, set_since = ft.use_state(desk.since)
    until, set_until = ft.use_state(desk.until)
    site, set_site = ft.use_state(desk.site)

    def keep(_e: Any = None) -> None:
        desk.set_fields(asset, pallet, since, until, site)

    def then(go: Any) -> Any:
        def run(_e: Any) -> None:
            keep()
            go()

        return run

    batch = ", ".join(desk.batch) if desk.batch else "Scan assets to add them."
    return section(
        "Certificates (PDF)",
        ft.Text("Scan an asset or a pallet tag, or type it.", size=13),
        Field(
            label="Asset tag",
            value=asset,
            on_change=lambda e: set_asset(e.control.value),
            on_blur=keep,
        ),
        big_button(
            "Asset certificate",
            then(desk.asset_certificate),
            icon=ft.Icons.VERIFIED,
            identifier="cert-asset",
            filled=False,
        ),
        Field(
            label="Pallet tag",
            value=pallet,
            on_change=lambda e: set_pallet(e.control.value),
            on_blur=keep,
        ),
        big_button(
            "Pallet certificate",
            then(desk.pallet_certificate),
            icon=ft.Icons.PALLET,
            identifier="cert-pallet",
            filled=False,
        ),
        tagged("cert-batch-list", ft.Text(f"Batch ({len(desk.batch)}): {batch}", size=13)),
        ft.Row(
            [
                big_button(
                    f"Batch certificate ({len(desk.batch)})",
                    then(desk.batch_certificate),
                    identifier="cert-batch",
                    filled=False,
                    disabled=not desk.batch,
                ),
                big_button(
                    "Clear",
                    lambda _e: desk.clear_batch(),
                    identifier="cert-batch-clear",
                    filled=False,
                    disabled=not desk.batch,
                ),
            ],
            wrap=True,
            spacing=8,
        ),
        ft.Row(
            [
                Field(
                    label="From",
                    value=since,
                    hint_text="2026-05-01",
                    on_change=lambda e: set_since(e.control.value),
                    on_blur=keep,
                    width=140,
                ),
                Field(
                    label="Until",
                    value=until,
                    hint_text="2026-05-31",
                    on_change=lambda e: set_until(e.control.value),
                    on_blur=keep,
                    width=140,
                ),
                Field(
                    label="Site",
                    value=site,
                    on_change=lambda e: set_site(e.control.value),
                    on_blur=keep,
                    width=100,
                ),
            ],
            wrap=True,
            spacing=8,
        ),
        big_button(
            "Recycling certificate",
            then(desk.recycling_certificate),
            icon=ft.Icons.RECYCLING,
            identifier="cert-recycling",
            filled=False,
        ),
        identifier="data-certificates",
    )


@ft.component
def DataView(desk: DataDesk) -> ft.Control:
    # a new form (showing the scanned tags) after each scan, but not when typing is kept:
    # a form made anew under a finger would lose the tap that made it keep the text
    key = f"certs|{desk.scans}"
    return ft.Column(
        [
            ft.Text("Data", size=20, weight=ft.FontWeight.BOLD),
            tagged(  # always there (shown or not): nothing below it moves under a finger
                "data-working",
                ft.Column(
                    [ft.ProgressBar(), ft.Text(desk.working or "")],
                    opacity=1.0 if desk.working else 0.0,  # hidden, never absent: see above
                ),
            ),
            ft.ResponsiveRow(
                [
                    ft.Container(_import_section(desk), col={"xs": 12, "md": 6}),
                    ft.Container(
                        ft.Column(
                            [
                                CertificateForm(desk, key=key),  # type: ignore[call-arg]
                                _exports_section(desk),
                            ],
                            spacing=12,
                            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                        ),
                        col={"xs": 12, "md": 6},
                    ),
                ],
                spacing=12,
                run_spacing=12,
            ),
        ],
        spacing=12,
        scroll=ft.ScrollMode.AUTO,
        expand=True,
    )
