"""The ITAD control: a data-bearing asset leaves for reuse or recycling only with a verified
sanitization (or destruction) record for each of its storage devices.

One rule, two callers: the fold raises `unsanitized_disposal` when a disposal breaks it, and
the app asks `blocking_drives` before it writes a disposal, so the person sees it first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assets.disposition import OUTCOMES, REUSE_OUTCOMES

if TYPE_CHECKING:
    from assets.merge import AssetState


def required_sanitizations(state: AssetState) -> tuple[str, ...]:
    """Storage serials that need a verified record before reuse or recycling (a data-bearing
    asset with no drives listed answers for its own serial)."""
    if not state.data_bearing:
        return ()
    return state.storage_serials or ((state.serial or state.key),)


def blocking_drives(state: AssetState, outcome: str) -> tuple[str, ...]:
    """The storage serials without a verified record that stop `outcome` (none for
    destruction, which destroys the data with the device)."""
    if outcome not in REUSE_OUTCOMES:
        return ()
    records = state.sanitized
    return tuple(s for s in required_sanitizations(state) if not (s in records and records[s][1]))


def disposal_refusal(state: AssetState, outcome: str) -> str | None:
    """A sentence for the person about to record `outcome`, or None when the control passes."""
    blocking = blocking_drives(state, outcome)
    if not blocking:
        return None
    drives = ", ".join(blocking[:5]) + (
        f" and {len(blocking) - 5} more" if len(blocking) > 5 else ""
    )
    return (
        f"This asset holds data: record a verified wipe or destruction of {drives} "
        f"before {OUTCOMES.label(outcome).lower()}"
    )


# What each drive lacks, in the words the Dispose screen shows beside it.
NO_RECORD = "no sanitization record"
NOT_VERIFIED = "sanitized, but the verification did not pass"


def drive_gaps(state: AssetState) -> tuple[tuple[str, str], ...]:
    """(storage serial, what it lacks) for every drive of a data-bearing asset that stops its
    reuse or recycling; empty when every drive has a verified record."""
    records = state.sanitized
    return tuple(
        (serial, NO_RECORD if serial not in records else NOT_VERIFIED)
        for serial in required_sanitizations(state)
        if not (serial in records and records[serial][1])
    )
