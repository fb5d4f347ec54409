"""CSV exports, streamed a page at a time from one read snapshot:

- `assets`: TagTrail's import template (assets.imports.TEMPLATE_COLUMNS, then every custom
  field), so an export imports back to the same assets;
- `custody`: the log entries of each asset's and pallet's chain of custody, with the position
  and hash `tagtrail server verify` checks;
- `sanitization`: every data sanitization record (NIST SP 800-88 method, tool, verification,
  who, when) with the asset it came from.

Files are UTF-8 with a byte-order mark (so spreadsheets read accents right) and CRLF line ends.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, select

from assets.imports import TEMPLATE_COLUMNS, template_row
from assets.merge import AssetState
from sync.errors import NotFound
from sync.server import csvfile
from sync.server import tables as t
from sync.server.asset_fields import names
from sync.server.db import reading
from sync.server.projections import stamp_iso

PAGE = 1000
CUSTODY_KINDS = ("register", "observe", "load", "unload", "seal", "handoff", "receive", "dispose")
CUSTODY_COLUMNS = (
    "position",
    "recorded_at",
    "kind",
    "target",
    "site",
    "actor",
    "device",
    "location",
    "pallet",
    "from",
    "to",
    "signed_by",
    "seal_number",
    "outcome",
    "hash",
)
SANITIZATION_COLUMNS = (
    "position",
    "asset",
    "asset_serial",
    "make",
    "model",
    "storage_serial",
    "method",
    "tool",
    "verified",
    "performed_by",
    "performed_at",
    "recorded_by",
    "recorded_at",
    "device",
    "hash",
)


def _assets(conn: Connection, site: str | None) -> Iterator[list[str]]:
    field_names = [name for name, _ in names(conn)]
    yield [*TEMPLATE_COLUMNS, *field_names]
    after = ""
    while True:
        query = select(t.assets.c.key, t.assets.c.state).where(t.assets.c.key > after)
        if site:
            query = query.where(t.assets.c.site == site.upper())
        page = list(conn.execute(query.order_by(t.assets.c.key).limit(PAGE)))
        for row in page:
            yield template_row(AssetState.from_dict(orjson.loads(row.state)), field_names)
        if len(page) < PAGE:
            return
        after = page[-1].key


def _log(conn: Connection, kinds: Iterable[str], site: str | None) -> Iterator[Any]:
    """Log entries of `kinds`: all in log order; with a site, the chain of each asset and
    pallet that is at the site now, target by target (an import's register has no site of
    its own yet, so the entry's own site would leave it out)."""
    kinds = tuple(kinds)
    if site:
        yield from _chains(conn, kinds, site.upper())
        return
    after = 0
    while True:
        query = select(t.oplog).where(t.oplog.c.position > after, t.oplog.c.kind.in_(kinds))
        page = list(conn.execute(query.order_by(t.oplog.c.position).limit(PAGE)))
        yield from page
        if len(page) < PAGE:
            return
        after = page[-1].position


def _chains(conn: Connection, kinds: tuple[str, ...], site: str) -> Iterator[Any]:
    for table in (t.assets, t.pallets):
        after = ""
        while True:
            keys = list(
                conn.execute(
                    select(table.c.key)
                    .where(table.c.key > after, table.c.site == site)
                    .order_by(table.c.key)
                    .limit(PAGE)
                ).scalars()
            )
            if keys:
                yield from conn.execute(
                    select(t.oplog)
                    .where(t.oplog.c.fold_a.in_(keys), t.oplog.c.kind.in_(kinds))
                    .order_by(t.oplog.c.fold_a, t.oplog.c.position)
                )
            if len(keys) < PAGE:
                break
            after = keys[-1]


def _custody(conn: Connection, site: str | None) -> Iterator[list[str]]:
    yield list(CUSTODY_COLUMNS)
    for row in _log(conn, CUSTODY_KINDS, site):
        args = json.loads(row.body).get("args") or {}
        yield [
            str(row.position),
            stamp_iso(row.hlc) or "",
            row.kind,
            row.target,
            row.site,
            row.actor,
            row.device_id,
            str(args.get("location") or args.get("facility") or ""),
            str(args.get("pallet") or ""),
            str(args.get("from") or ""),
            str(args.get("to") or ""),
            str(args.get("signed_by") or ""),
            str(args.get("seal_number") or ""),
            str(args.get("outcome") or ""),
            row.hash,
        ]


def _sanitization(conn: Connection, site: str | None) -> Iterator[list[str]]:
    yield list(SANITIZATION_COLUMNS)
    page: list[Any] = []
    for row in _log(conn, ("sanitize",), site):
        page.append(row)
        if len(page) == PAGE:
            yield from _sanitization_page(conn, page)
            page = []
    yield from _sanitization_page(conn, page)


def _sanitization_page(conn: Connection, page: list[Any]) -> Iterator[list[str]]:
    keys = sorted({row.target for row in page})
    assets: dict[str, AssetState] = {}
    if keys:
        found = conn.execute(
            select(t.assets.c.key, t.assets.c.state).where(t.assets.c.key.in_(keys))
        )
        assets = {r.key: AssetState.from_dict(orjson.loads(r.state)) for r in found}
    for row in page:
        args = json.loads(row.body).get("args") or {}
        asset = assets.get(row.target)
        yield [
            str(row.position),
            row.target.removeprefix("asset:"),
            (asset.serial if asset else None) or "",
            (asset.make if asset else None) or "",
            (asset.model if asset else None) or "",
            str(args.get("storage_serial", "")),
            str(args.get("method", "")),
            str(args.get("tool", "")),
            "yes" if args.get("verified") is True else "no",
            str(args.get("performed_by", "")),
            str(args.get("performed_at", "")),
            row.actor,
            stamp_iso(row.hlc) or "",
            row.device_id,
            row.hash,
        ]


EXPORTS: dict[str, Callable[[Connection, str | None], Iterator[list[str]]]] = {
    "assets": _assets,
    "custody": _custody,
    "sanitization": _sanitization,
}


def export_csv(engine: Engine, what: str, site: str | None = None) -> Iterator[str]:
    """The export as CSV text, a page at a time; NotFound for an export that does not exist.
    Every cell is written so a spreadsheet shows it as text, never runs it as a formula."""
    source = EXPORTS.get(what)
    if source is None:
        raise NotFound(f"there is no {what} export: choose one of {', '.join(EXPORTS)}")
    return _stream(engine, source, site)


def _stream(
    engine: Engine,
    source: Callable[[Connection, str | None], Iterator[list[str]]],
    site: str | None,
) -> Iterator[str]:
    with reading(engine) as conn:
        yield from csvfile.write(source(conn, site), PAGE)
