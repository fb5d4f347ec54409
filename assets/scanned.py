"""What a scanned text names: the one rule every screen asks (through the device service).

`assets.tags.resolve` says what a code reads as from its text alone. A store also holds
assets registered under tags of other formats (an import keeps the tags a file came with,
Snipe-IT's `WEB-0001`), so a scan is also looked up among the assets a device knows:

| scanned                                        | names                                  |
|------------------------------------------------|----------------------------------------|
| a TagTrail tag (as text or a link)             | that tag, as `resolve` reads it        |
| `asset:ID` or `pallet:ID` (a key, pasted)      | ID, when it names an asset or pallet   |
| a text an asset is registered under            | that asset                             |
| another tool's link carrying such a tag        | that asset                             |
| anything else                                  | what it reads as (a serial to claim, a |
|                                                | damaged tag, a refused text…)          |

A registered tag is named as kind `asset_tag` with `fields["source"] == "registered"`, so a
screen that opens an asset tag opens it; its text is kept as the store has it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from assets.operations import MAX_KEY, TAG_ID
from assets.tags import DEFAULT_TAG_CONFIG, Resolution, TagConfig, resolve

Registered = Callable[[str], bool]  # whether an asset is registered under this tag
KEY_FORMS = ("asset", "pallet")
REGISTERED_HINT = "tag registered at this store"


def name_scanned(
    text: str,
    registered: Registered,
    symbology: str | None = None,
    config: TagConfig = DEFAULT_TAG_CONFIG,
) -> Resolution:
    """What `text` names. Never raises; `registered` is asked only of texts a tag can be."""
    kind, colon, rest = text.strip().partition(":")
    if colon and kind.lower() in KEY_FORMS and rest.strip():
        found = _named(rest.strip(), registered, symbology, config)
        if found.kind == f"{kind.lower()}_tag":
            return replace(found, payload=text.strip())
    return _named(text, registered, symbology, config)


def _named(
    text: str, registered: Registered, symbology: str | None, config: TagConfig
) -> Resolution:
    found = resolve(text, symbology, config)
    if found.is_tagtrail_tag:
        return found
    for tag in _candidates(found):
        if registered(tag):
            fields = {"tag": tag, "tag_kind": "asset", "source": "registered"}
            return Resolution(
                "asset_tag", found.payload, f"asset:{tag}", fields, (REGISTERED_HINT,)
            )
    return found


def _candidates(found: Resolution) -> list[str]:
    """The tags a scan may be registered under: its text (as scanned, then upper-cased: a
    wedge scanner with caps lock on), or the tag another tool's label link carries."""
    texts = (found.payload, found.payload.upper(), found.fields.get("asset_tag", ""))
    return [
        tag
        for tag in dict.fromkeys(texts)
        if tag and len(tag) <= MAX_KEY and TAG_ID.fullmatch(tag) is not None
    ]
