"""Custody holders: who is answerable for an asset or a pallet at a given moment.

A holder is written `kind:name`, e.g. `person:alice`, `carrier:Acme Freight`,
`facility:Recycler East`. While an asset is loaded, its custodian is its pallet's.
"""

from __future__ import annotations

from assets.errors import InvalidOperation
from assets.vocabulary import Choice, Vocabulary

HOLDER_KINDS: Vocabulary = Vocabulary(
    "custody holder",
    (
        Choice("person", "Person", "#1565c0", "A named employee or contractor"),
        Choice("site", "Site", "#00838f", "A site of the company, e.g. its IT store"),
        Choice("carrier", "Carrier", "#6a1b9a", "A logistics company moving the goods"),
        Choice("facility", "Facility", "#2e7d32", "An ITAD processing facility"),
    ),
)
MAX_HOLDER_LENGTH = 120


def parse_holder(text: object, field: str = "holder") -> str:
    """Check a holder `kind:name` and return it with its kind lower-cased."""
    if not isinstance(text, str) or ":" not in text:
        raise InvalidOperation(field, "a custody holder is written kind:name, e.g. person:alice")
    kind, _, name = text.partition(":")
    kind = kind.strip().lower()
    name = name.strip()
    if kind not in HOLDER_KINDS:
        raise InvalidOperation(
            field, f"holder kind '{kind}' is not one of {', '.join(HOLDER_KINDS)}"
        )
    if not name or len(text) > MAX_HOLDER_LENGTH or not name.isprintable():
        raise InvalidOperation(
            field, "a custody holder needs a printable name of at most 120 characters"
        )
    return f"{kind}:{name}"
