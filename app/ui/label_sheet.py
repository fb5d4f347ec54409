"""What goes on a label sheet made in the app: each tag with its QR link (the store's
`label_base_url`, as this device last pulled it), a heading and a line saying what it marks;
rendered by the scanner's label renderer (the stocks `tagtrail labels` knows).

A tag an asset was imported under (Snipe-IT's `WEB-0001`) is reprinted as it is, in the Code
128 and in the QR: scanning either names the asset again (assets.scanned)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assets.errors import InvalidTag
from assets.tags import Resolution, TagConfig, tag_url
from scanner.labels import STOCKS, LabelContent, get_stock, sheet_pdf_bytes

TITLES = {"asset": "Asset", "location": "Location", "pallet": "Pallet"}
DEFAULT_STOCK = "avery-5160"


@dataclass(frozen=True, slots=True)
class Pick:
    """One label to print: a tag (TagTrail's, or one an asset was imported under) and an extra
    line (a model, a place), maybe empty."""

    tag: str
    kind: str  # asset / location / pallet
    line: str = ""


def pick_of(found: Resolution, line: str = "") -> Pick | None:
    """What a scan names (DeviceService.read_scan) as a label to print; None if no tag."""
    tag, kind = found.fields.get("tag"), found.fields.get("tag_kind")
    if found.problem is not None or not tag or kind not in TITLES:
        return None
    return Pick(tag, kind, line)


def _qr_of(tag: str, config: TagConfig) -> str:
    """A TagTrail tag's link on this store's base URL; any other tag as it is."""
    try:
        return tag_url(tag, config)
    except InvalidTag:
        return tag


def contents(picks: Sequence[Pick], config: TagConfig) -> list[LabelContent]:
    """Each pick as a label: Code 128 of the tag, QR of its link on this store's base URL."""
    return [
        LabelContent(
            code=p.tag,
            qr=_qr_of(p.tag, config),
            title=TITLES.get(p.kind, ""),
            lines=(p.line,) if p.line else (),
        )
        for p in picks
    ]


def sheet(picks: Sequence[Pick], config: TagConfig, stock: str) -> bytes:
    """The PDF of `picks` on `stock` (blocking: run it off the page's loop)."""
    return sheet_pdf_bytes(contents(picks, config), get_stock(stock))


def file_name(stock: str, picks: Sequence[Pick]) -> str:
    first = picks[0].tag if picks else "none"
    return f"tagtrail-labels-{first}-{len(picks)}-{stock}.pdf"


def stock_choices() -> list[tuple[str, str]]:
    """(name, description) of every stock, sheets first."""
    return [
        (s.name, s.description) for s in sorted(STOCKS.values(), key=lambda s: (s.roll, s.name))
    ]
