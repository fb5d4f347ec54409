"""People's words for what goes wrong: an exception becomes one sentence a technician can act
on, never an exception's repr, an HTTP status or a stack trace."""

from __future__ import annotations

import re

from assets.errors import AssetsError
from sync.errors import (
    DeviceError,
    InvalidInput,
    NotEnrolled,
    NotSignedIn,
    ServerRefused,
)

_REFUSED_BY_STATUS = {
    401: "The central store did not accept this sign-in: check the username and PIN.",
    403: "You are not allowed to do that with your role.",
    404: "The central store does not know that.",
    409: "The central store holds a newer state: sync and try again.",
    413: "That was too much to send at once: try again.",
    429: "Too many tries: wait a minute and try again.",
}
# Fragments of raw texts that must never reach a person.
_RAW = re.compile(r"\(\d{3}\)|\w+Error\(|\{|Traceback|asset:|pallet:|location:")


def capitalised(text: str) -> str:
    """A sentence: its first letter upper-cased and a full stop at its end, unless it ends
    with one already or with a link (a stop after it would read as part of the address)."""
    text = text.strip()
    text = text[:1].upper() + text[1:]
    last = text.rsplit(maxsplit=1)[-1] if text else ""
    return text if text.endswith((".", "?", "!")) or "://" in last else text + "."


def sentence(exc: BaseException) -> str:
    """What to tell the person about `exc`."""
    if isinstance(exc, ServerRefused):
        return _REFUSED_BY_STATUS.get(
            exc.status, "The central store refused that: try again, or ask a supervisor."
        )
    if isinstance(exc, NotEnrolled):
        return "This device is not enrolled yet: enrol it first."
    if isinstance(exc, NotSignedIn):
        return "Nobody is signed in: sign in first."
    if isinstance(exc, InvalidInput):
        return capitalised(_clean(exc.message))
    if isinstance(exc, DeviceError | AssetsError):
        text = _clean(str(exc))
        if "cannot reach the central store" in text or "unavailable" in text:
            return "The central store cannot be reached: work goes on offline and syncs later."
        return capitalised(text) if text and not _RAW.search(text) else _unexpected()
    return _unexpected()


def _clean(text: str) -> str:
    """Drop what people do not need: target prefixes and a trailing repr."""
    text = re.sub(r"\b(asset|pallet|location):", "", text)
    return text.split(": ConnectError", 1)[0].strip()


def _unexpected() -> str:
    return "Something went wrong there. Nothing you scanned is lost: try again."


def sync_problem(text: str | None) -> str:
    """The sync engine's last error (stored as text) in people's words."""
    if not text:
        return "—"
    if "cannot reach" in text or "unavailable" in text or "ConnectError" in text:
        return "The central store cannot be reached"
    status = re.search(r"\((\d{3})\)", text)
    if status and int(status.group(1)) in _REFUSED_BY_STATUS:
        return _REFUSED_BY_STATUS[int(status.group(1))].rstrip(".")
    cleaned = _clean(text)
    return capitalised(cleaned).rstrip(".") if not _RAW.search(cleaned) else "The sync failed"
