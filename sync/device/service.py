"""The service API the UI calls, in business verbs.

Each verb checks its input through the domain core, then in ONE write transaction issues the
next gapless `device_seq` and clock stamp, folds the operation onto the optimistic view and
appends it to the outbox. Bad input raises `InvalidInput` with a sentence for the technician
and writes nothing. The UI never sees SQL: it gets `Recorded` and `TargetView` objects back.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection

from assets import itad
from assets.conflicts import Conflict
from assets.errors import AssetsError, InvalidOperation
from assets.merge import DEFAULT_RULES, AssetState, LocationState, MergeRules, PalletState
from assets.operations import Operation, build_operation, parse_key
from assets.roles import may, refusal
from assets.scanned import name_scanned
from assets.tags import Resolution, TagConfig
from sync.device import (
    cache,
    clock,
    entered,
    history,
    location_audit,
    outbox,
    people,
    store_settings,
    view,
)
from sync.device.database import DeviceDatabase
from sync.device.outbox import OutboxRow
from sync.device.state import load_state, save_state
from sync.errors import InvalidInput, NotSignedIn

# Field names of the domain core, in the words on the screen.
_FIELD_LABELS = {
    "target": "Tag",
    "args.location": "Location",
    "args.path": "Place",
    "args.name": "Name",
    "args.grade": "Grade",
    "args.to": "New status",
    "args.pallet": "Pallet",
    "args.seal_number": "Seal number",
    "args.gross": "Gross weight",
    "args.tare": "Tare weight",
    "args.from": "Handed over by",
    "args.to_holder": "Handed to",
    "args.signed_by": "Signed by",
    "args.parent": "Parent asset",
    "args.outcome": "Outcome",
    "args.weight": "Weight",
    "args.value": "Value",
    "args.method": "Sanitization method",
    "args.technique": "Technique",
    "args.media_type": "Media type",
    "args.media_asset": "Drive's tag",
    "args.storage_serial": "Drive serial",
    "args.performed_by": "Operator",
    "args.performed_at": "When",
    "args.validated_by": "Validator",
    "args.verification_method": "Verification method",
    "args.destination": "Where the media went",
    "args.nominal_weight": "Nominal weight",
    "args.storage_serials": "Drives",
    "args.category": "Kind of device",
    "args.vendor": "Vendor",
    "args.certificate": "Certificate number",
    "args.commodity": "Commodity",
    "expects.status": "Current status",
}


def _system_ms() -> int:
    return int(time.time() * 1000)


def readable(exc: AssetsError) -> str:
    """A domain error as one sentence a technician can act on."""
    if isinstance(exc, InvalidOperation):
        label = _FIELD_LABELS.get(exc.field, exc.field.removeprefix("args.").replace("_", " "))
        return f"{label[:1].upper()}{label[1:]}: {exc.message}"
    return str(exc)


def _check_role(person: people.Person | None, kind: str) -> None:
    """Refuse, before anything is written, a kind the person's role may not record."""
    refused = refusal(person.role if person is not None else "", kind)
    if refused is not None:
        raise InvalidInput(f"{refused}.")


def _key(kind: str, tag: str) -> str:
    """`TA-0001234-K` or `asset:TA-0001234-K` -> the checked target key."""
    text = tag.strip() if isinstance(tag, str) else tag
    if isinstance(text, str) and not text.startswith(f"{kind}:"):
        text = f"{kind}:{text}"
    try:
        return parse_key(text, "target", kind)
    except InvalidOperation as exc:
        raise InvalidInput(f"That {kind} tag cannot be used: {exc.message}", exc) from exc


@dataclass(frozen=True, slots=True)
class Recorded:
    """What a verb returns: the operation written, its outbox row and the new optimistic state."""

    op: Operation
    row: OutboxRow
    effect: str  # what the local fold made of it: applied / merged / flagged / no_effect
    note: str | None  # why it had no effect, if so
    state: AssetState | PalletState | LocationState | None
    conflicts: tuple[Conflict, ...]  # conflicts this operation raised locally

    @property
    def device_seq(self) -> int:
        return self.op.device_seq


ExpectsFn = Callable[[Connection, Any], Mapping[str, str | None]]


def _rules(conn: Connection) -> MergeRules:
    """The fold's rules with the store's weight tolerance as this device last pulled it, so a
    receipt is flagged here as the store will flag it."""
    tolerance = store_settings.cached(conn).weight_tolerance_pct
    if tolerance == DEFAULT_RULES.weight_tolerance_pct:
        return DEFAULT_RULES
    return replace(DEFAULT_RULES, weight_tolerance_pct=tolerance)


class DeviceService:
    """Business verbs over one device database. Safe to call from any thread."""

    def __init__(
        self,
        db: DeviceDatabase,
        *,
        now_ms: Callable[[], int] = _system_ms,
        on_recorded: Callable[[Recorded], None] | None = None,
    ) -> None:
        self.db = db
        self.now_ms = now_ms
        # The sync engine listens here to push soon after a change (debounced on its side).
        self.on_recorded = on_recorded

    # ---- people -----------------------------------------------------------------------

    def remember_person(
        self,
        name: str,
        display_name: str,
        role: str,
        token: str | None = None,
        token_expires: str | None = None,
    ) -> people.Person:
        """Record a person who signed in (checked by the store) and make them current."""
        with self.db.write() as conn:
            return people.remember(
                conn,
                name,
                display_name=display_name,
                role=role,
                token=token,
                token_expires=token_expires,
                now_ms=self.now_ms(),
            )

    def switch_person(self, name: str) -> people.Person:
        """Sign in again, offline, as someone who signed in on this device before."""
        with self.db.write() as conn:
            person = people.find(conn, name)
            if person is None:
                raise NotSignedIn(
                    f"{name} has not signed in on this device yet: sign in once while online"
                )
            save_state(conn, actor=name)
            return person

    def sign_out(self) -> None:
        with self.db.write() as conn:
            save_state(conn, actor=None)

    def current_person(self) -> people.Person | None:
        with self.db.read() as conn:
            try:
                return people.current(conn)
            except NotSignedIn:
                return None

    def may(self, kind: str) -> bool:
        """Whether the person signed in now may record `kind` (the role table, assets.roles)."""
        person = self.current_person()
        return person is not None and may(person.role, kind)

    def people(self) -> list[people.Person]:
        with self.db.read() as conn:
            return people.everyone(conn)

    # ---- reading ----------------------------------------------------------------------

    def asset(self, tag: str) -> view.TargetView[AssetState]:
        """The optimistic view of an asset: the store's state with this device's changes on top."""
        with self.db.read() as conn:
            return view.asset_view(conn, _key("asset", tag), _rules(conn))

    def pallet(self, tag: str) -> view.TargetView[PalletState]:
        with self.db.read() as conn:
            return view.pallet_view(conn, _key("pallet", tag), _rules(conn))

    def custodian(self, key: str) -> str | None:
        with self.db.read() as conn:
            return view.custodian_of(conn, key, _rules(conn))

    def open_conflicts(self) -> list[dict[str, Any]]:
        """Conflicts pulled from the store that are still open (ConflictView dicts)."""
        with self.db.read() as conn:
            return cache.open_conflicts(conn)

    def history(self, tag: str) -> list[history.HistoryEntry]:
        """What this device knows of an asset's operations, newest first: its own (pending ones
        flagged) and, for other devices' work, what the cached state names. The full log of
        every device is the store's `GET /v1/assets/{tag}` (see `sync.device.history.fetch`)."""
        key = _key("asset", tag)
        with self.db.read() as conn:
            own = history.device_entries(conn, key)
            cached = history.cached_entries(cache.cached_asset(conn, key), (e.op_id for e in own))
        return history.newest_first([*own, *cached])

    def recent_work(self, person: str, limit: int = 60) -> list[outbox.ActorOperation]:
        """What `person` recorded on this device lately, newest first (their scan list after
        a restart is rebuilt from it: no second store to keep in step)."""
        with self.db.read() as conn:
            return outbox.recent_by(conn, person, limit)

    def signed_handoffs(self, tag: str) -> frozenset[str]:
        """The op ids of an asset's handoffs this device recorded with a drawn signature."""
        with self.db.read() as conn:
            return entered.signed_handoffs(conn, _key("asset", tag))

    def seal_weights(self, tag: str) -> tuple[dict[str, str], dict[str, str]] | None:
        """A pallet's seal weights (gross, tare) as this device's crew entered them, or None."""
        with self.db.read() as conn:
            return entered.seal_weights(conn, _key("pallet", tag))

    def locations(self, site: str | None = None) -> list[str]:
        """Locations the store knows (to pick from when a location tag will not scan)."""
        with self.db.read() as conn:
            return cache.known_locations(conn, site)

    def location_tag(self, tag: str) -> view.TargetView[LocationState]:
        """The optimistic view of a location tag (this device's unsynced claim included)."""
        with self.db.read() as conn:
            return view.location_tag_view(conn, _key("location", tag), _rules(conn))

    def location_of(self, tag: str) -> str | None:
        """The place a location tag marks, or None when nobody has said yet.

        Optimistic: a claim recorded here and not yet synced answers at once."""
        return self.location_tag(tag).state.path

    def tag_config(self) -> TagConfig:
        """How this store's tags read: its label base URL first (a QR printed with the store's
        `label_base_url` resolves as a tag), as the last sync brought it."""
        return store_settings.read(self.db).tag_config

    def read_scan(self, text: str, symbology: str | None = None) -> Resolution:
        """What a scanned text names here (assets.scanned): read with this store's tag
        config, and looked up among the assets this device knows when it is no TagTrail tag
        (an imported asset keeps the tag it came with). Every screen asks this."""
        return name_scanned(text, self._registered, symbology, self.tag_config())

    def _registered(self, tag: str) -> bool:
        """Whether an asset is registered under `tag`, as this device knows it now."""
        try:
            key = _key("asset", tag)
        except InvalidInput:
            return False
        with self.db.read() as conn:
            return view.asset_view(conn, key, _rules(conn)).state.registered

    def location_tags(self) -> list[LocationState]:
        """Every location tag known here (pulled, or claimed on this device), by key."""
        with self.db.read() as conn:
            keys = {s.key for s in cache.known_location_tags(conn)}
            keys.update(outbox.in_flight_targets(conn, "location:"))
            views = [view.location_tag_view(conn, key, _rules(conn)) for key in sorted(keys)]
        return [v.state for v in views if v.state.path is not None]

    def rejected(self) -> list[OutboxRow]:
        """Operations the store refused, each with its reason (newest first)."""
        with self.db.read() as conn:
            return outbox.rejected(conn)

    def outbox_counts(self) -> dict[str, int]:
        with self.db.read() as conn:
            return outbox.counts(conn)

    # ---- the verbs --------------------------------------------------------------------

    def observe(self, tag: str, location: str) -> Recorded:
        """A scan of an asset at a location (an audit, or a move when the location is new)."""
        return self._record("observe", _key("asset", tag), {"location": location})

    def move(self, tag: str, to_location: str) -> Recorded:
        return self.observe(tag, to_location)

    def grade(
        self, tag: str, grade: str, *, letter: str | None = None, notes: str | None = None
    ) -> Recorded:
        args: dict[str, object] = {"grade": grade}
        if letter:
            args["letter"] = letter
        if notes:
            args["notes"] = notes
        return self._record(
            "assess",
            _key("asset", tag),
            args,
            lambda _conn, state: {"grade_op": state.grade_op},
        )

    def transition(self, tag: str, to: str, *, reason: str | None = None) -> Recorded:
        args: dict[str, object] = {"to": to}
        if reason:
            args["reason"] = reason
        return self._record(
            "transition", _key("asset", tag), args, lambda _c, state: {"status": state.status}
        )

    def load(self, tag: str, pallet: str) -> Recorded:
        return self._record(
            "load",
            _key("asset", tag),
            {"pallet": _key("pallet", pallet)},
            lambda _c, state: {"pallet": state.pallet},
        )

    def unload(self, tag: str, pallet: str) -> Recorded:
        return self._record(
            "unload",
            _key("asset", tag),
            {"pallet": _key("pallet", pallet)},
            lambda _c, state: {"pallet": state.pallet},
        )

    def seal(
        self,
        pallet: str,
        seal_number: str,
        gross: Mapping[str, str],
        tare: Mapping[str, str],
        manifest: Sequence[str] | None = None,
    ) -> Recorded:
        """Close a pallet. The manifest defaults to what this device believes is on it."""
        key = _key("pallet", pallet)
        if manifest is None:
            manifest = sorted(self.pallet(key).state.manifest)
        args = {
            "seal_number": seal_number,
            "gross": dict(gross),
            "tare": dict(tare),
            "manifest": [_key("asset", tag) for tag in manifest],
        }
        return self._record("seal", key, args)

    def confirm_pallet(self, pallet: str, scanned: Sequence[str]) -> Recorded:
        """The crew's scan of a pallet's contents, checked against its manifest by the fold."""
        scanned_keys = [_key("asset", tag) for tag in scanned]
        return self._record("confirm", _key("pallet", pallet), {"scanned": scanned_keys})

    def receive(
        self,
        pallet: str,
        seal_number: str,
        gross: Mapping[str, str],
        facility: str,
        scanned: Sequence[str] | None = None,
    ) -> Recorded:
        args: dict[str, object] = {
            "seal_number": seal_number,
            "gross": dict(gross),
            "facility": facility,
        }
        if scanned is not None:
            args["scanned"] = [_key("asset", tag) for tag in scanned]
        return self._record("receive", _key("pallet", pallet), args)

    def hand_off(
        self,
        target: str,
        to_holder: str,
        signed_by: str,
        *,
        from_holder: str | None = None,
        signature: str | None = None,
    ) -> Recorded:
        """Pass custody of an asset or pallet (`asset:...`/`pallet:...`; a bare tag is an asset).
        `from_holder` defaults to whoever holds it now on this device's view."""
        key = target if target.startswith("pallet:") else _key("asset", target)
        if key.startswith("pallet:"):
            key = _key("pallet", key)
        with self.db.read() as conn:
            current = view.custodian_of(conn, key, _rules(conn))
        giver = from_holder or current
        if giver is None:
            raise InvalidInput(
                "Nobody holds this yet: say who hands it over (e.g. site:DAL1 or person:alice)"
            )
        args: dict[str, object] = {"from": giver, "to": to_holder, "signed_by": signed_by}
        if signature:
            args["signature"] = signature
        return self._record("handoff", key, args, lambda _c, _s: {"custodian": current})

    def claim_tag(
        self,
        tag: str,
        *,
        serial: str | None = None,
        make: str | None = None,
        model: str | None = None,
        category: str = "other",
        data_bearing: bool = False,
        storage_serials: Sequence[str] = (),
        parent: str | None = None,
    ) -> Recorded:
        """Register a new asset, or claim a pre-printed tag for a device not yet tagged."""
        args: dict[str, object] = {"category": category, "data_bearing": data_bearing}
        for name, value in (("serial", serial), ("make", make), ("model", model)):
            if value:
                args[name] = value
        if storage_serials:
            args["storage_serials"] = list(storage_serials)
        if parent:
            args["parent"] = _key("asset", parent)
        return self._record("register", _key("asset", tag), args)

    def take_in(self, tag: str, details: Mapping[str, object]) -> tuple[Recorded, Recorded | None]:
        """Intake: register the asset with its catalogue details (`details` are register
        arguments: assets.intake.register_args), or record them as new details when the tag
        is registered already (its custom fields kept). A drive that names its parent is then
        added to the parent's drive list, if the parent does not list it, so the ITAD control
        asks for its record."""
        key = _key("asset", tag)
        current = self.asset(key).state
        args = dict(details)
        if current.registered and current.fields:
            args.setdefault("fields", dict(current.fields))
        recorded = self._record("describe" if current.registered else "register", key, args)
        serial, parent = recorded.op.args.serial, recorded.op.args.parent
        if parent is None or serial is None or recorded.op.args.category != "storage_device":
            return recorded, None
        return recorded, self._list_drive(parent, serial)

    def _list_drive(self, parent: str, serial: str) -> Recorded | None:
        holder = self.asset(parent).state
        if not holder.registered or serial in holder.storage_serials:
            return None
        args: dict[str, object] = {
            "category": holder.category,
            "data_bearing": True,  # it holds a drive now
            "storage_serials": [*holder.storage_serials, serial],
        }
        for name in ("serial", "make", "model", "parent", "nominal_weight"):
            if (value := getattr(holder, name)) is not None:
                args[name] = value
        if holder.fields:
            args["fields"] = dict(holder.fields)
        return self._record("describe", parent, args)

    def name_location(self, tag: str, path: str, name: str | None = None) -> Recorded:
        """Say which place (SITE/BUILDING/ROOM/SHELF) a printed location tag marks.

        Recorded as a `register` of `location:<tag>`, so every device learns it through sync;
        a different place claimed elsewhere becomes a conflict for a supervisor."""
        args: dict[str, object] = {"path": path}
        if name:
            args["name"] = name
        return self._record("register", _key("location", tag), args)

    # ---- location audits ----------------------------------------------------------------

    def _audited_place(self, location_tag: str) -> tuple[str, str]:
        key = _key("location", location_tag)
        place = self.location_of(key)
        if place is None:
            raise InvalidInput("Say which place this location tag marks before auditing it")
        return key, place

    def audit_lists(self, location_tag: str, found: Sequence[str]) -> location_audit.AuditLists:
        """Expected, found, missing and unexpected at the place a location tag marks, as this
        device's replica sees it now (works offline)."""
        place = self._audited_place(location_tag)[1]
        keys = [_key("asset", tag) for tag in found]
        with self.db.read() as conn:
            return location_audit.audit_lists(conn, place, keys, _rules(conn))

    def finish_audit(
        self, location_tag: str, found: Sequence[str]
    ) -> tuple[Recorded, tuple[Recorded, ...]]:
        """Finish an audit: move the unexpected assets here, then record the audit itself
        (its missing assets become a supervisor item on the location tag, not a status)."""
        key, place = self._audited_place(location_tag)
        lists = self.audit_lists(key, found)
        _check_role(self.current_person(), "audit")  # before any move is written
        moves = tuple(self.observe(asset, place) for asset in lists.unexpected)
        args: dict[str, object] = {
            "location": place,
            "expected": list(lists.expected),
            "found": list(lists.found),
            "missing": list(lists.missing),
            "unexpected": list(lists.unexpected),
        }
        if lists.elsewhere:
            args["elsewhere"] = list(lists.elsewhere)
        return self._record("audit", key, args), moves

    def sanitize(
        self,
        tag: str,
        storage_serial: str,
        method: str,
        tool: str,
        *,
        verified: bool,
        performed_by: str,
        performed_at: str,
        details: Mapping[str, object] | None = None,
    ) -> Recorded:
        """A drive's sanitization record; `details` holds the other certificate fields
        (media_type, technique, validated_by, destination...: assets.operations.SanitizeArgs)."""
        args: dict[str, object] = {
            **(details or {}),
            "storage_serial": storage_serial,
            "method": method,
            "tool": tool,
            "verified": verified,
            "performed_by": performed_by,
            "performed_at": performed_at,
        }
        return self._record("sanitize", _key("asset", tag), args)

    def disposal_refusal(self, tag: str, outcome: str) -> str | None:
        """The ITAD control before a disposal is written: why `outcome` would be flagged on
        this device's view (a drive without a verified record), or None."""
        return itad.disposal_refusal(self.asset(tag).state, outcome)

    def dispose(
        self,
        tag: str,
        outcome: str,
        *,
        weight: Mapping[str, str] | None = None,
        value: Mapping[str, str] | None = None,
        commodity: str | None = None,
        certificate: str | None = None,
        vendor: str | None = None,
    ) -> Recorded:
        args: dict[str, object] = {"outcome": outcome}
        if vendor:
            args["vendor"] = vendor
        if weight is not None:
            args["weight"] = dict(weight)
        if value is not None:
            args["value"] = dict(value)
        if commodity:
            args["commodity"] = commodity
        if certificate:
            args["certificate"] = certificate
        return self._record("dispose", _key("asset", tag), args)

    def decide_conflict(
        self,
        conflict_id: str,
        choice: str,
        *,
        value: Mapping[str, str] | None = None,
        note: str | None = None,
    ) -> Recorded:
        """A supervisor's decision on a conflict this device has pulled."""
        with self.db.read() as conn:
            person = people.current(conn)
            known = cache.cached_conflict(conn, conflict_id)
        _check_role(person, "resolve")
        if known is None:
            raise InvalidInput(f"Conflict {conflict_id[:40]} is not on this device: sync first")
        args: dict[str, object] = {
            "conflict_id": conflict_id,
            "on": known["target"],
            "choice": choice,
        }
        if value:
            args["value"] = dict(value)
        if note:
            args["note"] = note
        return self._record("resolve", f"conflict:{conflict_id}", args)

    # ---- the one write path -------------------------------------------------------------

    def _record(
        self,
        kind: str,
        target: str,
        args: Mapping[str, object],
        expects: ExpectsFn | None = None,
    ) -> Recorded:
        with self.db.write() as conn:
            state = load_state(conn)
            if state.actor is None:  # set only by signing in, so the person is known here
                raise NotSignedIn("nobody is signed in on this device: sign in first")
            actor = state.actor
            _check_role(people.find(conn, actor), kind)
            fold_key = str(args["on"]) if kind == "resolve" else target
            fold, _pending, _known = view.fold_for(conn, fold_key, _rules(conn))
            seq = state.last_seq + 1
            stamp = clock.clock_from(state, self.now_ms).tick()
            try:
                op = build_operation(
                    op_id=str(uuid.uuid4()),
                    device_id=self.db.device_id,
                    device_seq=seq,
                    hlc=stamp,
                    actor=actor,
                    kind=kind,
                    target=target,
                    args=args,
                    expects=expects(conn, fold.state) if expects else None,
                )
            except AssetsError as exc:
                # Leaving the block by an exception rolls back: nothing is written.
                raise InvalidInput(readable(exc), exc) from exc
            before = set(fold.conflicts)
            effect = fold.apply(op)
            row = outbox.append(conn, op, self.now_ms())
            save_state(conn, last_seq=seq, hlc_last=str(stamp))
        raised = tuple(c for cid, c in fold.conflicts.items() if cid not in before)
        recorded = Recorded(op, row, effect, fold.result.notes.get(op.op_id), fold.state, raised)
        if self.on_recorded is not None:
            self.on_recorded(recorded)
        return recorded
