"""What goes on a label sheet made in the app: each tag with its QR link (the store's
`label_base_url`, as this device last pulled it), a heading and a line saying what it marks;
rendered by the scanner's label renderer (the stocks `tagtrail labels` knows)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assets.tags import TagConfig, resolve, tag_url
from scanner.labels import STOCKS, LabelContent, get_stock, sheet_pdf_bytes

TITLES = {"asset": "Asset", "location": "Location", "pallet": "Pallet"}
DEFAULT_STOCK = "avery-5160"


@dataclass(frozen=True, slots=True)
class Pick:
    """One label to print: a TagTrail tag and an extra line (a model, a place), maybe empty."""

    tag: str
    kind: str  # asset / location / pallet
    line: str = ""


def pick_of(text: str, config: TagConfig, line: str = "") -> Pick | None:
    """A scanned or typed TagTrail tag (or its link) as a label to print; None otherwise."""
    found = resolve(text, config=config)
    if not found.is_tagtrail_tag:
        return None
    return Pick(found.fields["tag"], found.fields["tag_kind"], line)


def contents(picks: Sequence[Pick], config: TagConfig) -> list[LabelContent]:
    """Each pick as a label: Code 128 of the tag, QR of its link on this store's base URL."""
    return [
        LabelContent(
            code=p.tag,
            qr=tag_url(p.tag, config),
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
