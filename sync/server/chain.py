"""The hash chain of the operation log.

Each entry's hash is SHA-256 over the previous entry's hash (raw bytes) followed by the entry's
canonical bytes: its position, partition, site, receipt time and the operation's canonical JSON.
Changing, removing or reordering any entry changes every hash after it; the signed heads (see
signing) pin the chain so recomputing the hashes inside the database is detected too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

import orjson

GENESIS_HASH = "0" * 64


# json.dumps with these options builds a new encoder at every call; one made once writes the
# very same text.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_json(data: Mapping[str, object]) -> str:
    """One text per value: sorted keys, no spaces, UTF-8 kept as is.

    orjson writes exactly the standard encoder's text for strings, whole numbers up to 64 bits,
    booleans, null, lists and objects, several times faster; floats (whose exponent it writes
    differently), bigger numbers and lone surrogates (which it refuses) take the standard path,
    so the text never depends on which encoder ran."""
    if not _has_float(data):
        try:
            return orjson.dumps(data, option=orjson.OPT_SORT_KEYS).decode()
        except TypeError:
            pass  # integers beyond 64 bits, lone surrogates, keys that are not text
    return _CANONICAL.encode(data)


def _has_float(value: object) -> bool:
    # A flat walk, text and whole numbers passed first: this runs for every operation pushed.
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str or kind is int:
            continue
        if isinstance(item, float):
            return True
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return False


def entry_hash(
    prev_hash: str, *, position: int, partition: str, site: str, received_ms: int, body: str
) -> str:
    digest = hashlib.sha256(bytes.fromhex(prev_hash))
    digest.update(f"{position}\n{partition}\n{site}\n{received_ms}\n{body}".encode())
    return digest.hexdigest()
