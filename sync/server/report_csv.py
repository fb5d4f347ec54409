"""Each report as CSV rows: a header (the protocol's *_COLUMNS), then the report's finest lines.
Written through sync.server.csvfile.write, the one home of CSV writing."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from assets.statuses import STATUSES
from sync.protocol import (
    ASSETS_BY_LOCATION_COLUMNS,
    ASSETS_BY_STATUS_COLUMNS,
    DEVICES_COLUMNS,
    DISPOSITION_COLUMNS,
    DIVERSION_COLUMNS,
    RECOVERY_COLUMNS,
    STORAGE_AGE_COLUMNS,
    AssetsByLocationReport,
    AssetsByStatusReport,
    DevicesReport,
    DispositionReport,
    DiversionReport,
    RecoveryReport,
    StorageAgeReport,
)

Row = Sequence[object]


def disposition(r: DispositionReport) -> Iterator[Row]:
    """One line per outcome (and currency), commodity and sanitization method, then totals."""
    yield DISPOSITION_COLUMNS
    for o in r.outcomes:
        lines: list[tuple[str | None, object]] = [(m.currency, m.amount) for m in o.value]
        for currency, amount in lines or [(None, None)]:
            yield ("outcome", o.outcome, o.assets, o.weighed, o.weight_kg, currency, amount)
    for c in r.recycling:
        yield ("recycling", c.commodity or "unnamed", c.assets, None, c.weight_kg, None, None)
    s = r.sanitization
    for m in s.by_method:
        yield ("sanitization", f"{m.method} verified", m.verified, None, None, None, None)
        yield ("sanitization", f"{m.method} unverified", m.unverified, None, None, None, None)
    yield ("sanitization", "data-bearing assets", s.data_bearing_assets, *[None] * 4)
    yield ("sanitization", "storage devices", s.storage_devices, *[None] * 4)
    yield ("sanitization", "devices without record", s.devices_without_record, *[None] * 4)
    yield (
        "sanitization",
        "reuse without verified record",
        s.reuse_without_verified_record,
        *[None] * 4,
    )
    yield ("total", "disposed", r.assets_disposed, None, r.weight_retired_kg, None, None)
    yield ("total", "without weight", r.assets_without_weight, *[None] * 4)
    yield ("total", "diverted", None, None, r.weight_diverted_kg, None, None)
    yield ("total", "landfill diversion", None, None, r.landfill_diversion, None, None)


def assets_by_status(r: AssetsByStatusReport) -> Iterator[Row]:
    yield ASSETS_BY_STATUS_COLUMNS
    for line in r.by_site:
        yield (line.site, line.status, STATUSES.label(line.status), line.assets)


def assets_by_location(r: AssetsByLocationReport) -> Iterator[Row]:
    for line in r.items:
        yield (line.site, line.location, line.assets)


def storage_age(r: StorageAgeReport) -> Iterator[Row]:
    for a in r.items:
        yield (
            a.tag,
            a.status,
            a.site,
            a.location,
            a.serial,
            a.make,
            a.model,
            a.category,
            a.since,
            a.days,
        )


def recovery(r: RecoveryReport) -> Iterator[Row]:
    yield RECOVERY_COLUMNS
    for line in r.lines:
        yield (line.period, line.site, line.currency, line.assets, line.amount)


def diversion(r: DiversionReport) -> Iterator[Row]:
    yield DIVERSION_COLUMNS
    for line in r.lines:
        yield (
            line.period,
            line.site,
            line.assets,
            line.weighed,
            line.weight_retired_kg,
            line.weight_diverted_kg,
            line.landfill_diversion,
        )


def devices(r: DevicesReport) -> Iterator[Row]:
    for d in r.items:
        yield (
            d.device_id,
            d.name,
            "yes" if d.revoked else "no",
            d.acked_through,
            d.last_contact,
            d.last_push,
            d.last_pull,
            d.pending,
            d.pending_reported,
        )


Page = TypeVar("Page", AssetsByLocationReport, StorageAgeReport, DevicesReport)


def every_page(
    header: Sequence[str],
    fetch: Callable[[str | None], Page],
    rows: Callable[[Page], Iterator[Row]],
) -> Iterator[Row]:
    """A paged report's CSV: the header, then every page's lines (each page one indexed read)."""
    yield header
    cursor: str | None = None
    while True:
        page = fetch(cursor)
        yield from rows(page)
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


PAGED_COLUMNS = {
    "assets-by-location": ASSETS_BY_LOCATION_COLUMNS,
    "storage-age": STORAGE_AGE_COLUMNS,
    "devices": DEVICES_COLUMNS,
}
