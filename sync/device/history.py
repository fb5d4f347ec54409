"""An asset's history as the device can tell it: the store's full log when online, this
device's own operations always, and what the cached state says when nothing better is known.

The device caches projections (the folded state), not the store's log: only its own
operations are kept in full (in the outbox, then in `settled` once synced). The full history, every device's
operations in fold order, is at the store's `GET /v1/assets/{tag}`; `fetch` reads it with the
device's tokens (plain httpx: the sync client belongs to the sync engine) and `combine` puts
this device's not-yet-stored operations on top. Offline, `DeviceService.history` is the answer.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
from sqlalchemy import Connection

from assets.errors import AssetsError
from assets.hlc import parse_stamp
from assets.locations import parse_location
from assets.merge import AssetState
from assets.statuses import STATUSES
from sync.device import outbox
from sync.device.store_reads import FETCH_TIMEOUT_S, get_from_store
from sync.errors import ServerRefused
from sync.protocol import API_PREFIX, AssetDetail

# Where an entry came from.
STORE, DEVICE, CACHED = "store", "device", "cached"


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One thing that happened to an asset, in words for the asset screen."""

    op_id: str
    kind: str
    who: str | None  # the actor's username (None when only the cached state names the op)
    when_ms: int | None  # the operation's clock stamp, wall-clock part
    where: str | None  # a location for a sighting; the holders for a handoff
    summary: str
    pending: bool  # recorded here, not yet held by the store
    source: str = STORE  # STORE, DEVICE or CACHED
    refused: str | None = None  # the store's reason, when it rejected this device's op
    hlc: str = ""  # for ordering: the full sortable stamp text
    from_holder: str | None = None  # handoffs: the chain of custody
    to_holder: str | None = None
    signed_by: str | None = None


def _wall_ms(stamp: str) -> int | None:
    try:
        return parse_stamp(stamp).wall_ms
    except (AssetsError, ValueError, TypeError):
        return None


def _status_label(value: object) -> str:
    choice = STATUSES.get(str(value))
    return choice.label if choice else str(value).replace("_", " ")


def _short(key: object) -> str:
    text = str(key)
    kind, _, rest = text.partition(":")
    return rest if kind in ("asset", "pallet", "location") and rest else text


def _place(value: object) -> str:
    """A location as the fold keeps it (canonical), whatever case it was typed in."""
    try:
        return parse_location(str(value)).key
    except AssetsError:
        return str(value)


def _weight(value: object) -> str:
    if isinstance(value, Mapping):
        return f"{value.get('value', '?')} {value.get('unit', '')}".strip()
    return str(value)


_PALLET_WORDS = {
    "seal": "Pallet sealed",
    "confirm": "Pallet contents confirmed",
    "receive": "Pallet received",
}


def summarise(kind: str, args: Mapping[str, Any]) -> tuple[str, str | None]:
    """(summary, where) of an operation's wire args: a sentence a technician reads at a glance."""
    if kind == "register":
        what = " ".join(str(args[k]) for k in ("make", "model") if args.get(k))
        category = str(args.get("category") or "other")
        if not what and category != "other":
            what = category.replace("_", " ")
        serial = f", serial {args['serial']}" if args.get("serial") else ""
        return f"Registered {what}{serial}" if what else f"Registered{serial}", None
    if kind == "observe":
        place = _place(args.get("location"))
        return f"Seen at {place}", place
    if kind == "assess":
        letter = f" ({args['letter']})" if args.get("letter") else ""
        return f"Graded {args.get('grade')}{letter}", None
    if kind == "transition":
        reason = f": {args['reason']}" if args.get("reason") else ""
        return f"Status set to {_status_label(args.get('to'))}{reason}", None
    if kind == "load":
        return f"Loaded on pallet {_short(args.get('pallet'))}", None
    if kind == "unload":
        return f"Unloaded from pallet {_short(args.get('pallet'))}", None
    if kind == "handoff":
        route = f"{args.get('from')} → {args.get('to')}"
        return f"Handed over {route}, signed by {args.get('signed_by')}", route
    if kind == "sanitize":
        verified = "verified" if args.get("verified") else "NOT verified"
        return (
            f"Drive {args.get('storage_serial')} sanitized ({args.get('method')}, {verified})",
            None,
        )
    if kind == "dispose":
        weight = f", {_weight(args['weight'])}" if args.get("weight") else ""
        return f"Disposed: {str(args.get('outcome', '')).replace('_', ' ')}{weight}", None
    if kind == "resolve":
        return f"Conflict decided: option {args.get('choice')}", None
    if kind in _PALLET_WORDS:
        return _PALLET_WORDS[kind], None
    return kind.replace("_", " ").capitalize(), None


def entry_of(
    op: Mapping[str, Any], *, pending: bool, source: str, refused: str | None = None
) -> HistoryEntry:
    """A history entry from an operation's wire form (as stored in the outbox or sent back)."""
    kind = str(op.get("kind", "?"))
    args = op.get("args") if isinstance(op.get("args"), Mapping) else {}
    assert isinstance(args, Mapping)
    summary, where = summarise(kind, args)
    stamp = str(op.get("hlc", ""))
    handoff = kind == "handoff"
    return HistoryEntry(
        op_id=str(op.get("op_id", "")),
        kind=kind,
        who=str(op["actor"]) if op.get("actor") else None,
        when_ms=_wall_ms(stamp),
        where=where,
        summary=summary,
        pending=pending,
        source=source,
        refused=refused,
        hlc=stamp,
        from_holder=str(args.get("from")) if handoff else None,
        to_holder=str(args.get("to")) if handoff else None,
        signed_by=str(args.get("signed_by")) if handoff else None,
    )


def device_entries(conn: Connection, key: str, limit: int = 500) -> list[HistoryEntry]:
    """This device's own operations that fold with `key` (any status), newest first."""
    return [
        entry_of(
            json.loads(own.body),
            pending=own.status == outbox.PENDING,
            source=DEVICE,
            refused=own.reason if own.status == outbox.REJECTED else None,
        )
        for own in outbox.own_operations(conn, key, limit)
    ]


def cached_entries(state: AssetState | None, known_ops: Iterable[str]) -> list[HistoryEntry]:
    """What the pulled state says about operations of other devices (ids, not the ops)."""
    if state is None:
        return []
    known = set(known_ops)
    entries: list[HistoryEntry] = []

    def add(op_id: str | None, kind: str, summary: str, where: str | None = None) -> None:
        if op_id and op_id not in known:
            known.add(op_id)
            entries.append(HistoryEntry(op_id, kind, None, None, where, summary, False, CACHED))

    add(state.register_op, "register", "Registered")
    if state.location:
        add(state.location_op, "observe", f"Last seen at {state.location}", state.location)
    add(state.status_op, "transition", f"Status is {_status_label(state.status)}")
    if state.grade:
        add(state.grade_op, "assess", f"Graded {state.grade}")
    if state.pallet:
        add(state.pallet_op, "load", f"Loaded on pallet {_short(state.pallet)}")
    if state.custodian:
        add(state.custody_op, "handoff", f"Held by {state.custodian}", state.custodian)
    if state.disposition:
        add(state.disposition_op, "dispose", f"Disposed: {state.disposition}")
    return entries


def newest_first(entries: Iterable[HistoryEntry]) -> list[HistoryEntry]:
    """Entries with a stamp newest first (stamps sort as text); undated cached facts last."""
    dated = sorted((e for e in entries if e.hlc), key=lambda e: e.hlc, reverse=True)
    return dated + [e for e in entries if not e.hlc]


def combine(store: Sequence[HistoryEntry], local: Sequence[HistoryEntry]) -> list[HistoryEntry]:
    """The store's history with this device's operations it does not hold yet (pending, or
    refused), newest first. Cached facts are dropped: the store's log says it all."""
    held = {e.op_id for e in store}
    extra = [e for e in local if e.source == DEVICE and e.op_id not in held]
    return newest_first([*store, *extra])


def fetch(
    server_url: str,
    device_token: str,
    person_token: str | None,
    tag: str,
    *,
    client: httpx.Client | None = None,
    timeout_s: float = FETCH_TIMEOUT_S,
) -> list[HistoryEntry]:
    """The store's history of an asset, newest first (`client`: an httpx client to reuse,
    whose base URL is the store's; tests pass one bound to the store in-process).

    Raises `ServerUnreachable` (no network, store down, slow) or `ServerRefused` (unknown
    asset, not allowed, bad answer): the caller falls back to the device's own history.
    """
    path = f"{API_PREFIX}/assets/{quote(tag, safe='')}"
    response = get_from_store(
        server_url, path, device_token, person_token, client=client, timeout_s=timeout_s
    )
    try:
        detail = AssetDetail.model_validate_json(response.content)
    except ValueError as exc:
        raise ServerRefused(response.status_code, f"not an asset history: {exc}"[:300]) from exc
    entries = [entry_of(h.op, pending=False, source=STORE) for h in detail.history]
    return newest_first(entries)
