"""The store's settings every device follows, kept in the database (so every server process
over one database agrees) and served at `GET /v1/settings`; admins change them.

- `weight_tolerance_pct`: how far a received pallet's gross weight may be from its sealed
  weight before the receipt raises `weight_mismatch` (default 2 %). Ingest folds with the value
  in force when a batch is taken; a change applies to receipts folded after it.
- `label_base_url`: the URL a label's QR code starts with, before the tag.
- `organisation_name`: the organisation certificates are issued for ("" until an admin names it).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from sqlalchemy import Connection, delete, insert, select

from assets.merge import MergeRules
from assets.pallets import DEFAULT_WEIGHT_TOLERANCE_PCT
from sync.errors import BadRequest
from sync.protocol import StoreSettingsChange, StoreSettingsView
from sync.server import tables as t

MAX_TOLERANCE_PCT = Decimal(50)
DEFAULTS: dict[str, str] = {
    "weight_tolerance_pct": str(DEFAULT_WEIGHT_TOLERANCE_PCT),
    "label_base_url": "https://tagtrail.local/t/",
    "organisation_name": "",
}
MAX_ORGANISATION_CHARS = 120


def _tolerance(text: str) -> str:
    try:
        value = Decimal(text.strip())
    except InvalidOperation as exc:
        raise BadRequest("weight_tolerance_pct must be a number of percent, e.g. 2.5") from exc
    if not value.is_finite() or not Decimal(0) <= value <= MAX_TOLERANCE_PCT:
        raise BadRequest(f"weight_tolerance_pct must be from 0 to {MAX_TOLERANCE_PCT}")
    return str(value.normalize()) if value == value.to_integral() else str(value)


def _base_url(text: str) -> str:
    url = text.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc or any(c.isspace() for c in url):
        raise BadRequest("label_base_url must be an http(s) URL, e.g. https://assets.example/t/")
    return url if url.endswith("/") else f"{url}/"


def _organisation(text: str) -> str:
    name = " ".join(text.split())  # one line on a certificate: no tabs or line breaks
    if not name or len(name) > MAX_ORGANISATION_CHARS:
        raise BadRequest(
            f"organisation_name must be 1 to {MAX_ORGANISATION_CHARS} characters, e.g. Acme Corp"
        )
    return name


CHECKS = {
    "weight_tolerance_pct": _tolerance,
    "label_base_url": _base_url,
    "organisation_name": _organisation,
}
assert set(CHECKS) == set(DEFAULTS)


def current(conn: Connection) -> StoreSettingsView:
    values = dict(DEFAULTS)
    for row in conn.execute(select(t.store_settings.c.name, t.store_settings.c.value)):
        if row.name in values:
            values[row.name] = row.value
    return StoreSettingsView(**values)


def change(
    conn: Connection, request: StoreSettingsChange, by: str, now_ms: int
) -> StoreSettingsView:
    """Check every given value first, then write them all (all or nothing)."""
    given = request.model_dump(exclude_none=True)
    checked = {name: CHECKS[name](str(value)) for name, value in given.items()}
    for name, value in checked.items():
        conn.execute(delete(t.store_settings).where(t.store_settings.c.name == name))
        conn.execute(
            insert(t.store_settings).values(
                name=name, value=value, changed_by=by, changed_ms=now_ms
            )
        )
    return current(conn)


def merge_rules(conn: Connection, base: MergeRules) -> MergeRules:
    """The merge rules a batch is folded with: `base` with the store's tolerance."""
    row = conn.execute(
        select(t.store_settings.c.value).where(t.store_settings.c.name == "weight_tolerance_pct")
    ).first()
    if row is None:
        return base
    return replace(base, weight_tolerance_pct=Decimal(row.value))
