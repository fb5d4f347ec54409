"""The Store settings tool in Chromium at 390x844, as an admin uses it: a pasted bad web
address is refused with the store's reason under its field (nothing changes), then the
organisation's name is saved and a certificate downloaded afterwards prints it."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest

from tests.app.browser.conftest import Stack
from tests.app.browser.flutter import tab, type_into, wait_id, wait_label
from tests.app.browser.forms import fill, shows, tap, thumb_sized
from tests.app.browser.steps import signed_in
from tests.app.browser.test_supervisor import DISPOSED, _download

pytestmark = pytest.mark.browser
ORGANISATION = "Browser Test Recycling Ltd"


def _setting(stack: Stack, name: str) -> str | None:
    db = stack.home / "store" / "store.db"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        row = conn.execute("select value from store_settings where name = ?", (name,)).fetchone()
    return None if row is None else str(row[0])


def _pdf_text(data: bytes) -> str:
    pdf = pdfium.PdfDocument(data)
    try:
        return "\n".join(p.get_textpage().get_text_range() for p in pdf)
    finally:
        pdf.close()


def test_an_admin_names_the_organisation_and_a_certificate_prints_it(
    page: Any, stack: Stack, tmp_path: Path
) -> None:
    signed_in(page, "admin", "1111")
    tab(page, "Settings")  # More, then the Store settings row (`tool-settings`)
    wait_id(page, "settings-save", 30_000)
    held = wait_label(page, "settings-held", r"Label web address: https?://\S+", 30)
    url = held.split("Label web address: ", 1)[1].split(";", 1)[0].split()[0]
    url_before = _setting(stack, "label_base_url")

    fill(page, "Label web address", "ftp://labels.example/t/")
    thumb_sized(page, "settings-save")
    tap(page, "settings-save")
    shows(page, "setting-problem-label_base_url", r"Label web address must be an http\(s\) URL")
    assert _setting(stack, "label_base_url") == url_before  # refused: nothing changed

    fill(page, "Label web address", url)  # put back as it was
    fill(page, "Organisation name", ORGANISATION)
    tap(page, "settings-save")
    wait_label(page, "settings-saved", "Saved at the central store: Organisation name", 30)
    assert _setting(stack, "organisation_name") == ORGANISATION
    assert _setting(stack, "label_base_url") == url_before
    shows(page, "settings-held", f"Organisation name: {ORGANISATION}")

    tab(page, "Data")
    wait_id(page, "cert-asset")
    type_into(page, "Asset tag", DISPOSED)
    name, data = _download(page, "cert-asset", tmp_path)
    assert DISPOSED in name and ORGANISATION in _pdf_text(data)
