"""The wire schemas of sync: what a device and the central store say to each other.

Shared by the device side (sync/device/) and the server side (sync/server/), so both are checked
against one definition. Names here are a contract: add fields, never rename them.

Conventions:
- Every call sends `Authorization: Bearer <device token>`; every call except enrolment and
  sign-in also sends `X-TagTrail-Person: <person token>` (the person signed in on the device).
- An operation travels in the domain core's wire form (`assets.operations.Operation.to_dict()`).
  Only the envelope fields the store needs to place an operation in its device's sequence
  (`op_id`, `device_id`, `device_seq`, `schema`) and the JSON types of the others are checked
  here: anything else that is wrong with an operation is answered per operation (`rejected`),
  so one bad operation never fails its batch.
- A pull cursor is an opaque string: store it and send it back; never compute with it.
- Errors come back as `ErrorBody` (`error` is a stable code, `message` is for people).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from assets import roles
from assets.new_tags import MAX_NEW_TAGS, MAX_TAG_NUMBER
from assets.tags import TAG_KINDS

API_PREFIX = "/v1"
DEVICE_TOKEN_HEADER = "Authorization"  # value: "Bearer <device token>"
PERSON_TOKEN_HEADER = "X-TagTrail-Person"
DEFAULT_BATCH_SIZE = 500  # what a device sends per push; it halves on 413
DEFAULT_PULL_LIMIT = 500
MAX_PULL_LIMIT = 5000

Role = Literal["technician", "crew", "supervisor", "admin"]
ROLES: tuple[str, ...] = roles.ROLES  # who may do what: assets/roles.py

# Per-operation verdicts of a push. `flagged` = applied and raised (or joined) a conflict.
OpStatus = Literal["applied", "duplicate", "flagged", "rejected"]
# Why an operation was rejected (OpResult.code):
REJECT_INVALID = "invalid"  # the domain core refused it (field named in the reason)
REJECT_QUARANTINED = "quarantined"  # unknown kind or newer schema: kept, not applied
REJECT_SEQ_REUSED = "seq_reused"  # device_seq already used by another op_id
REJECT_WRONG_DEVICE = "wrong_device"  # op's device_id is not the pushing device
REJECT_ACTOR = "actor"  # actor is not a person signed in on this device
REJECT_ROLE = "role"  # the actor's role may not record this kind (e.g. resolve)
REJECT_DECIDED = "already_decided"  # a decision on a conflict another decision closed
REJECT_NO_CONFLICT = "no_conflict"  # a decision naming a conflict the store does not hold
REJECT_WITHDRAWN = "withdrawn"  # a decision on a conflict later operations withdrew
REJECT_NO_EFFECT = "no_effect"  # a decision the fold cannot apply (e.g. its clock sorts early)
REJECT_OP_ID_REUSED = "op_id_reused"  # op_id already in the log with another device/seq/body

# ---- text the store can keep ---------------------------------------------------------------
# One rule for every text field on both databases: PostgreSQL cannot store NUL, and a lone
# surrogate cannot be encoded as UTF-8 at all. Checked at the edge (request models, query and
# path, each pushed operation), so the same input gets the same 4xx on SQLite and PostgreSQL.
MAX_JSON_DEPTH = 64
MAX_SEQ = 2**63 - 1  # sequence numbers and positions are 64-bit columns


def text_fault(value: str) -> str | None:
    """Why a text cannot be stored (a NUL or a lone surrogate), or None when it can."""
    if "\x00" in value:
        return "contains a NUL character"
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "contains a lone surrogate (not valid Unicode)"
    return None


def first_text_fault(value: object, where: str = "", depth: int = 0) -> tuple[str, str] | None:
    """(where, why) for the first unstorable text or over-deep nesting in a JSON value."""
    if isinstance(value, str):
        why = text_fault(value)
        return (where, why) if why else None
    if depth >= MAX_JSON_DEPTH:
        return (where, f"is nested deeper than {MAX_JSON_DEPTH} levels")
    items: Any = ()
    if isinstance(value, BaseModel):  # a nested model of a request body
        items = value.__dict__.items()
    elif isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    for key, item in items:
        name = f"{where}.{key}" if where else str(key)
        if isinstance(key, str) and (why := text_fault(key)):
            return (name, why)
        found = first_text_fault(item, name, depth + 1)
        if found:
            return found
    return None


def storable(value: str) -> str:
    """`value` as it can be kept and echoed: unstorable characters as JSON escapes."""
    if text_fault(value) is None:
        return value
    return json.dumps(value)[1:-1]


ConflictStatus = Literal["open", "decided", "withdrawn"]
EntityKind = Literal["asset", "pallet", "location", "location_tag", "conflict"]


class Wire(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class WireRequest(Wire):
    """A request body: every text in it must be storable (see `text_fault`)."""

    @field_validator("*", mode="after")
    @classmethod
    def _storable_text(cls, value: object) -> object:
        found = first_text_fault(value)
        if found:
            where, why = found
            raise ValueError(f"{where} {why}".strip() if where else why)
        return value


class ErrorBody(Wire):
    """Every error response: a stable code, a readable message, and optional specifics."""

    model_config = ConfigDict(extra="allow")
    error: str
    message: str


class Problem(Wire):
    where: str  # e.g. "body.ops.3.device_seq"
    message: str


class ValidationErrorBody(ErrorBody):
    problems: list[Problem] = []


class GapErrorBody(ErrorBody):
    """409 on push: the batch does not start where the store expects; resend from expected_seq."""

    expected_seq: int
    acked_through: int


class AlreadyDecidedBody(ErrorBody):
    """409 on decide: the conflict was closed by another decision (the one that won)."""

    conflict_id: str
    decided_by: str  # op_id of the winning decision
    decided_actor: str | None = None


# ---- operations and push ------------------------------------------------------------------


class WireOperation(BaseModel):
    """One operation as a device sends it (see assets.operations for the per-kind rules)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)
    op_id: str = Field(min_length=1, max_length=64)
    device_id: str = Field(min_length=1, max_length=64)
    device_seq: int = Field(ge=1, le=MAX_SEQ)
    hlc: str = Field(max_length=120)
    actor: str = Field(max_length=120)
    kind: str = Field(max_length=40)
    target: str = Field(max_length=200)
    args: dict[str, Any] = {}
    expects: dict[str, str | None] | None = None
    schema_version: int = Field(alias="schema", ge=1, le=MAX_SEQ)

    def to_wire(self) -> dict[str, Any]:
        """The dict the domain core parses (`schema` under its wire name, extras kept)."""
        return self.model_dump(by_alias=True, exclude_none=False)


class PushRequest(Wire):
    device_id: str = Field(min_length=1, max_length=64)
    ops: list[WireOperation]


class OpResult(Wire):
    op_id: str
    device_seq: int
    status: OpStatus
    code: str | None = None  # for rejected: one of the REJECT_* codes
    reason: str | None = None  # for rejected, or a note on an op that had no effect
    position: int | None = None  # its place in the operation log, when it was appended
    conflicts: list[str] = []  # ids of the conflicts this op raised or is a side of


class SignedHead(Wire):
    """A signed chain head: the log up to `position` hashes to `hash` (hex)."""

    partition: str
    position: int
    hash: str
    signature: str  # Ed25519 over head_message(), hex
    key_id: str
    signed_at: str


def head_message(partition: str, position: int, hash_hex: str) -> bytes:
    """The exact bytes a chain head's signature covers."""
    return f"tagtrail-head/v1\n{partition}\n{position}\n{hash_hex}".encode()


class PushResponse(Wire):
    acked_through: int  # the device's highest device_seq the store holds (cursor)
    results: list[OpResult]
    head: SignedHead | None = None


# ---- pull -----------------------------------------------------------------------------------


class Change(Wire):
    """The latest state of one entity. `data` is AssetState/PalletState/LocationState.to_dict()
    for assets, pallets and location tags, LocationView for locations and ConflictView for
    conflicts (decisions included)."""

    position: int
    entity: EntityKind
    key: str
    site: str | None = None
    data: dict[str, Any]


class PullResponse(Wire):
    changes: list[Change]
    next_cursor: str
    has_more: bool
    head: SignedHead | None = None


# ---- conflicts --------------------------------------------------------------------------------


class SideView(Wire):
    """One side of a conflict with its context: who, when, where, on which device."""

    op_id: str
    value: str | None
    kind: str | None = None
    actor: str | None = None
    device_id: str | None = None
    hlc: str | None = None
    at: str | None = None  # ISO 8601 UTC from the side's clock stamp
    where: str | None = None  # the asset's location when the side was recorded, if known


class ConflictView(Wire):
    id: str
    type: str
    label: str
    colour: str
    description: str
    target: str
    site: str | None = None
    status: ConflictStatus
    sides: list[SideView]
    detail: dict[str, str] = {}
    decided_by: str | None = None  # op_id of the decision
    decision: str | None = None  # "a", "b" or "value"
    decision_value: dict[str, str] | None = None
    decision_note: str | None = None
    decided_actor: str | None = None
    raised_position: int
    position: int


class ConflictPage(Wire):
    items: list[ConflictView]
    next_cursor: str | None = None


class DecisionRequest(WireRequest):
    choice: Literal["a", "b", "value"]
    value: dict[str, str] | None = None
    note: str | None = Field(default=None, max_length=1000)


class DecisionResponse(Wire):
    conflict: ConflictView
    op_id: str
    position: int


# ---- assets, pallets, locations ----------------------------------------------------------------


class AssetView(Wire):
    key: str
    site: str | None
    serial: str | None
    status: str
    location: str | None
    grade: str | None
    grade_disputed: bool
    pallet: str | None
    custodian: str | None  # effective: the pallet's custodian while loaded
    version: int
    position: int
    state: dict[str, Any]  # the full AssetState.to_dict()


class HistoryEntry(Wire):
    position: int
    op: dict[str, Any]  # the operation's wire form
    received_at: str


class AssetDetail(Wire):
    asset: AssetView
    history: list[HistoryEntry]
    conflicts: list[ConflictView]


class AssetPage(Wire):
    items: list[AssetView]
    next_cursor: str | None = None


class PalletView(Wire):
    key: str
    site: str | None
    state: str
    custodian: str | None
    version: int
    position: int
    data: dict[str, Any]  # the full PalletState.to_dict()


class LocationView(Wire):
    key: str
    site: str
    level: str
    first_position: int
    asset_count: int | None = None


class LocationTagView(Wire):
    """A printed location tag and the place it marks (path None: claimed by nobody yet)."""

    key: str  # location:<tag>
    tag: str
    path: str | None
    name: str | None
    site: str | None
    version: int
    position: int
    data: dict[str, Any]  # the full LocationState.to_dict()


class AuditView(Wire):
    """One finished location audit, as the log holds it (assets.operations.AuditArgs)."""

    op_id: str
    position: int  # its place in the log (page with `before`)
    location_tag: str  # location:<tag>
    location: str  # the place audited, e.g. DAL1/B1/CLOSET-1
    actor: str
    device_id: str
    audited_at: str  # ISO 8601 from the device's clock stamp
    expected: list[str]
    found: list[str]
    missing: list[str]
    unexpected: list[str]
    elsewhere: list[str]  # unexpected ones the device's replica placed at another site


class AuditPage(Wire):
    items: list[AuditView]  # newest first
    next_before: int | None = None  # pass as `before` for older audits


class StoreSettingsView(Wire):
    """The store's settings every device follows."""

    weight_tolerance_pct: str  # a received pallet's weight may differ this much from its seal's
    label_base_url: str  # the URL printed in label QR codes, before the tag
    organisation_name: str = ""  # printed on certificates; "" until an admin names it


class StoreSettingsChange(WireRequest):
    """An admin's change of some settings (the others stay)."""

    weight_tolerance_pct: str | None = Field(default=None, max_length=12)
    label_base_url: str | None = Field(default=None, max_length=200)
    organisation_name: str | None = Field(default=None, max_length=120)


# ---- new tags ----------------------------------------------------------------------------------

TagKind = Literal["asset", "location", "pallet"]
assert set(get_args(TagKind)) == set(TAG_KINDS)


class TagRunRequest(WireRequest):
    """A device's ask for the next numbers of one kind, to print them as new labels."""

    kind: TagKind
    count: int = Field(ge=1, le=MAX_NEW_TAGS, strict=True)  # not "3", 3.0 or true


class TagRun(Wire):
    """Numbers `first` to `last` of `kind`, now this device's to print, and their tags."""

    kind: TagKind
    first: int
    last: int
    tags: list[str]


class TagRunReport(WireRequest):
    """A run of new tags a device numbered itself, offline, and printed."""

    kind: TagKind
    first: int = Field(ge=1, le=MAX_TAG_NUMBER, strict=True)
    last: int = Field(ge=1, le=MAX_TAG_NUMBER, strict=True)

    @model_validator(mode="after")
    def _one_run(self) -> TagRunReport:
        if not self.first <= self.last < self.first + MAX_NEW_TAGS:
            raise ValueError(f"a run goes from first to last, at most {MAX_NEW_TAGS} tags")
        return self


class TagClash(Wire):
    """Numbers `first` to `last` of a reported run that were also given to `device_id`."""

    first: int
    last: int
    device_id: str


class TagRunReceipt(Wire):
    """A reported run as the store keeps it, and the numbers it shares with other devices'
    runs (each of those labels now names two tags: reprint them)."""

    kind: TagKind
    first: int
    last: int
    clashes: list[TagClash]


# ---- devices, people, auth --------------------------------------------------------------------


class EnrolmentCodeRequest(WireRequest):
    hours: int = Field(default=24, ge=1, le=24 * 30)
    note: str | None = Field(default=None, max_length=200)


class EnrolmentCode(Wire):
    code: str  # shown once; typed or scanned into the new device
    expires_at: str


class EnrolRequest(WireRequest):
    code: str = Field(min_length=8, max_length=200)
    device_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:\-]+$")
    name: str = Field(min_length=1, max_length=120)


class EnrolResponse(Wire):
    device_id: str
    token: str  # the device token, shown once
    expires_at: str


class DeviceView(Wire):
    device_id: str
    name: str
    acked_through: int
    enrolled_at: str
    expires_at: str
    revoked_at: str | None = None


class SignInRequest(WireRequest):
    username: str = Field(min_length=1, max_length=120)
    pin: str = Field(min_length=4, max_length=64)


class SignInResponse(Wire):
    person_token: str
    username: str
    display_name: str
    role: Role
    expires_at: str


class UserCreate(WireRequest):
    username: str = Field(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9_.@\-]+$")
    display_name: str = Field(min_length=1, max_length=120)
    role: Role
    pin: str = Field(min_length=4, max_length=64)


class UserUpdate(WireRequest):
    display_name: str | None = Field(default=None, max_length=120)
    role: Role | None = None
    pin: str | None = Field(default=None, min_length=4, max_length=64)
    active: bool | None = None


class UserView(Wire):
    username: str
    display_name: str
    role: Role
    active: bool


class RoleView(Wire):
    role: Role
    may: list[str]


class Me(Wire):
    device_id: str
    user: UserView


# ---- verify, health -----------------------------------------------------------------------------


class VerifyRequest(WireRequest):
    """Heads a device has seen; the store proves its log still contains each of them."""

    heads: list[SignedHead] = []


class VerifyReport(Wire):
    ok: bool
    entries: int
    head: SignedHead | None
    problems: list[str]
    # Entries up to here were proved by an earlier verify's signed checkpoint; this one
    # recomputed the chain from the next entry on (0: the whole log was walked).
    checked_from: int = 0


class PublicKey(Wire):
    key_id: str
    algorithm: Literal["ed25519"] = "ed25519"
    public_key: str  # raw 32 bytes, hex


class Health(Wire):
    status: Literal["ok"]
    database: str
    schema_revision: str | None
    log_entries: int


# ---- reports --------------------------------------------------------------------------------
# Weights are in kg (lb converted), rounded to grams; amounts keep their currency, never summed
# across currencies. Decimals travel as JSON strings so no digit is lost.


class MoneyTotal(Wire):
    currency: str  # ISO 4217, e.g. USD
    amount: Decimal


class OutcomeTotal(Wire):
    outcome: str  # assets.disposition.OUTCOMES
    assets: int
    weighed: int  # how many of them carry a weight
    weight_kg: Decimal
    value: list[MoneyTotal]  # one line per currency


class CommodityTotal(Wire):
    commodity: str | None  # assets.disposition.COMMODITIES; None when the record names none
    assets: int
    weight_kg: Decimal


class MethodTotal(Wire):
    method: str  # NIST SP 800-88: clear, purge, destroy
    verified: int  # storage devices with a verified record of this method
    unverified: int


class SanitizationSummary(Wire):
    data_bearing_assets: int
    storage_devices: int  # devices that need a record (the asset's storage serials)
    by_method: list[MethodTotal]
    devices_without_record: int
    reuse_without_verified_record: int  # the ITAD control: should be 0
    reuse_without_verified_record_tags: list[str]  # the first of them, to follow up


class DispositionReport(Wire):
    """Assets disposed of in a window (by the dispose operation's clock time)."""

    site: str | None
    since: str | None  # ISO 8601, inclusive
    until: str | None  # ISO 8601, exclusive
    assets_disposed: int
    assets_without_weight: int
    outcomes: list[OutcomeTotal]
    recycling: list[CommodityTotal]
    sanitization: SanitizationSummary
    weight_retired_kg: Decimal
    weight_diverted_kg: Decimal
    landfill_diversion: Decimal | None  # diverted over retired, 0..1; None when nothing weighed


# ---- supervisors' reports (issue 12) ----------------------------------------------------------
# Each report is also CSV: the same path with `.csv`, `?format=csv` or `Accept: text/csv`; its
# rows are the report's finest lines (the `*_COLUMNS` tuples name the columns, in order).
DISPOSITION_COLUMNS = ("section", "item", "assets", "weighed", "weight_kg", "currency", "amount")
PENDING_HEADER = "X-TagTrail-Pending"  # a device's count of operations not yet pushed
ReportPeriod = Literal["day", "week", "month"]  # weeks start on Monday (ISO 8601), UTC


class StatusCount(Wire):
    status: str  # assets.statuses.STATUSES
    label: str
    colour: str  # for a chart's bar
    assets: int


class SiteStatusCount(Wire):
    site: str | None  # None: assets not at any site yet
    status: str
    assets: int


class AssetsByStatusReport(Wire):
    """How many assets are in each status: over all (or one) site, and per site and status."""

    site: str | None
    total: int
    by_status: list[StatusCount]  # every status, in lifecycle order (zeros included)
    by_site: list[SiteStatusCount]  # one line per site and status that has assets


ASSETS_BY_STATUS_COLUMNS = ("site", "status", "status_label", "assets")


class LocationCount(Wire):
    location: str  # the place's path (e.g. DAL1/B2/R3/S4)
    site: str
    assets: int  # assets whose location is exactly this place


class AssetsByLocationReport(Wire):
    site: str | None
    items: list[LocationCount]  # in path order; places that hold no asset are left out
    next_cursor: str | None = None  # pass as `cursor` for the next page


ASSETS_BY_LOCATION_COLUMNS = ("site", "location", "assets")


class IdleAsset(Wire):
    tag: str
    status: str  # storage or surplus
    site: str | None
    location: str | None
    serial: str | None
    make: str | None
    model: str | None
    category: str
    since: str  # ISO 8601 UTC: when it was last moved (arrived at `location`)
    days: int  # whole days from `since` to the report's `as_of`


class StorageAgeReport(Wire):
    """Assets sitting in storage or surplus, the longest idle first."""

    as_of: str
    site: str | None
    statuses: list[str]
    items: list[IdleAsset]
    next_cursor: str | None = None


STORAGE_AGE_COLUMNS = (
    "tag",
    "status",
    "site",
    "location",
    "serial",
    "make",
    "model",
    "category",
    "since",
    "days",
)


class RecoveryLine(Wire):
    period: str  # the period's first day, 2026-05-01
    site: str | None
    currency: str
    assets: int  # disposed assets whose record carries a value in this currency
    amount: Decimal


class RecoveryReport(Wire):
    """Value recovered (the dispose records' values), by period, site and currency: amounts of
    different currencies are never added together."""

    period: ReportPeriod
    site: str | None
    since: str | None
    until: str | None
    lines: list[RecoveryLine]  # by period, then site, then currency
    totals: list[MoneyTotal]  # per currency over the whole window


RECOVERY_COLUMNS = ("period", "site", "currency", "assets", "amount")


class DiversionLine(Wire):
    period: str
    site: str | None
    assets: int  # disposed assets
    weighed: int  # of them, with a weight
    weight_retired_kg: Decimal
    weight_diverted_kg: Decimal  # reused, resold, harvested or recycled
    landfill_diversion: Decimal | None  # diverted over retired, 0..1; None when nothing weighed


class DiversionReport(Wire):
    period: ReportPeriod
    site: str | None
    since: str | None
    until: str | None
    lines: list[DiversionLine]
    weight_retired_kg: Decimal
    weight_diverted_kg: Decimal
    landfill_diversion: Decimal | None


DIVERSION_COLUMNS = (
    "period",
    "site",
    "assets",
    "weighed",
    "weight_retired_kg",
    "weight_diverted_kg",
    "landfill_diversion",
)


class DeviceActivity(Wire):
    device_id: str
    name: str
    revoked: bool
    acked_through: int  # the device's highest device_seq the store holds
    last_contact: str | None  # its latest push or pull (None: never since enrolment)
    last_push: str | None
    last_pull: str | None
    pending: int | None  # operations it had not pushed yet, as it last said (PENDING_HEADER)
    pending_reported: str | None  # when it said so


class DevicesReport(Wire):
    as_of: str
    items: list[DeviceActivity]  # by device id
    next_cursor: str | None = None


DEVICES_COLUMNS = (
    "device_id",
    "name",
    "revoked",
    "acked_through",
    "last_contact",
    "last_push",
    "last_pull",
    "pending",
    "pending_reported",
)

MAX_CERTIFICATE_BATCH = 200  # tags in one batch certificate


class CertificateBatch(WireRequest):
    """The assets one certificate covers (POST /v1/certificates.pdf)."""

    tags: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        min_length=1, max_length=MAX_CERTIFICATE_BATCH
    )


# ---- CSV import (POST /v1/imports): what the store says of a file --------------------------


class MappingRow(BaseModel):
    column: str  # location, status or category
    source: str  # the value as the file has it
    value: str  # what TagTrail stores
    rows: int


class ProblemView(BaseModel):
    row: int
    column: str
    message: str


class ImportReport(BaseModel):
    format: str
    encoding: str
    delimiter: str
    rows: int
    new: int
    updated: int
    unchanged: int
    operations: int
    dry_run: bool
    imported: bool  # operations were written
    first_position: int | None = None
    last_position: int | None = None
    mapping: list[MappingRow] = []
    fields: list[str] = []  # custom field columns kept per asset
    problems: list[ProblemView] = []
    message: str = ""
