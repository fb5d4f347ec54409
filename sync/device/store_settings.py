"""The store's settings as this device last pulled them (`GET /v1/settings`), so the receipt
weight tolerance and the label QR base URL are known offline.

The sync engine fetches them after each pull; until a first sync the defaults stand. A value
this device cannot use (a store of another version, a damaged row) is skipped: the one
held before stays.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import Connection, select
from sqlalchemy.dialects.sqlite import insert

from assets.errors import InvalidTag
from assets.pallets import DEFAULT_WEIGHT_TOLERANCE_PCT
from assets.tags import DEFAULT_TAG_CONFIG, TagConfig
from sync.device.database import DeviceDatabase
from sync.device.schema import store_settings
from sync.protocol import StoreSettingsView

MAX_TOLERANCE_PCT = Decimal(100)  # the store holds 0..50; above 100 % nothing would ever differ


@dataclass(frozen=True, slots=True)
class StoreSettings:
    weight_tolerance_pct: Decimal
    label_base_url: str
    pulled_ms: int | None  # when last pulled; None: never (the defaults)

    @property
    def tag_config(self) -> TagConfig:
        """The tag rules with this store's base URL first (the one printed in QR codes)."""
        bases = (self.label_base_url, *DEFAULT_TAG_CONFIG.url_bases)
        return TagConfig(url_bases=tuple(dict.fromkeys(bases)))


DEFAULT = StoreSettings(DEFAULT_WEIGHT_TOLERANCE_PCT, DEFAULT_TAG_CONFIG.url_bases[0], None)


def _tolerance(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() and Decimal(0) <= value <= MAX_TOLERANCE_PCT else None


def _base_url(text: str) -> str | None:
    if not text or any(c.isspace() for c in text):
        return None
    try:
        TagConfig(url_bases=(text,))
    except InvalidTag:
        return None
    return text


# name -> how a stored text becomes the value (None: unusable, skipped)
_READ: dict[str, Callable[[str], object | None]] = {
    "weight_tolerance_pct": _tolerance,
    "label_base_url": _base_url,
}


def cached(conn: Connection) -> StoreSettings:
    """The settings as last pulled; defaults for any never pulled."""
    values: dict[str, object] = {
        "weight_tolerance_pct": DEFAULT.weight_tolerance_pct,
        "label_base_url": DEFAULT.label_base_url,
    }
    pulled: int | None = None
    for row in conn.execute(select(store_settings)):
        read = _READ.get(row.name)
        value = read(row.value) if read is not None else None
        if value is not None:
            values[row.name] = value
            pulled = max(pulled or 0, int(row.pulled_ms))
    return StoreSettings(
        weight_tolerance_pct=Decimal(str(values["weight_tolerance_pct"])),
        label_base_url=str(values["label_base_url"]),
        pulled_ms=pulled,
    )


def _held(conn: Connection) -> dict[str, str]:
    return {row.name: row.value for row in conn.execute(select(store_settings))}


def keep(conn: Connection, found: StoreSettingsView, now_ms: int) -> StoreSettings:
    """Store what the store said (inside the caller's transaction): the values that changed,
    each with when it was pulled. Return the settings now held."""
    held = _held(conn)
    rows = [
        {"name": name, "value": text, "pulled_ms": now_ms}
        for name, text in found.model_dump().items()
        if name in _READ
        and isinstance(text, str)
        and held.get(name) != text
        and _READ[name](text) is not None
    ]
    if rows:
        stmt = insert(store_settings)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["name"],
                set_={"value": stmt.excluded.value, "pulled_ms": stmt.excluded.pulled_ms},
            ),
            rows,
        )
    return cached(conn)


def read(db: DeviceDatabase) -> StoreSettings:
    with db.read() as conn:
        return cached(conn)


def pulled(db: DeviceDatabase, found: StoreSettingsView, now_ms: int) -> StoreSettings:
    """Keep what a sync fetched; a write transaction only when something changed."""
    with db.read() as conn:
        same = _held(conn) == {k: v for k, v in found.model_dump().items() if k in _READ}
        if same:
            return cached(conn)
    with db.write() as conn:
        return keep(conn, found, now_ms)
