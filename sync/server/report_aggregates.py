"""The supervisors' stock reports' aggregates, kept in the push transaction (like
sync.server.disposals), so the reports read a few rows whatever the size of the log:

- `asset_counts`: assets per site and status. Each changed asset's count moves from the
  (site, status) it was counted under when loaded to the one it has now.
- `idle_assets`: one row per asset in storage or surplus (assets.statuses.IDLE_STATUSES), with
  when it arrived at its place. A rescan at the same place keeps that time; a move, or becoming
  idle, sets it to the observation's clock time (the state's `seen_at`; for an asset never
  observed, the clock of its latest change). A rebuild has only the folded state, so it takes
  `seen_at` for every row: a rescan since the arrival then counts as the arrival.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update

from assets.hlc import parse_stamp
from assets.merge import AssetState
from assets.statuses import IDLE_STATUSES
from sync.server import tables as t

Counted = tuple[str, str]  # (site, '' for none; status)
CHUNK = 500


def counted(site: str | None, status: str) -> Counted:
    return (site or "", status)


def maintain_counts(conn: Connection, moves: Iterable[tuple[Counted | None, Counted]]) -> None:
    """Apply (was counted under, is counted under) for each changed asset; None: new asset."""
    deltas: dict[Counted, int] = {}
    for before, after in moves:
        if before == after:
            continue
        if before is not None:
            deltas[before] = deltas.get(before, 0) - 1
        deltas[after] = deltas.get(after, 0) + 1
    changed = sorted(k for k, d in deltas.items() if d)
    if not changed:
        return
    col = t.asset_counts.c
    stored = {
        (r.site, r.status)
        for r in conn.execute(
            select(col.site, col.status).where(col.site.in_({s for s, _ in changed}))
        )
    }
    new = [{"site": s, "status": st, "assets": deltas[(s, st)]} for s, st in changed]
    fresh = [row for row in new if (row["site"], row["status"]) not in stored]
    if fresh:
        conn.execute(insert(t.asset_counts), fresh)
    known = [
        {"b_site": r["site"], "b_status": r["status"], "delta": r["assets"]}
        for r in new
        if (r["site"], r["status"]) in stored
    ]
    if known:
        conn.execute(
            update(t.asset_counts)
            .where(col.site == bindparam("b_site"), col.status == bindparam("b_status"))
            .values(assets=col.assets + bindparam("delta")),
            known,
        )
    conn.execute(
        delete(t.asset_counts).where(col.assets == 0, col.site.in_({s for s, _ in changed}))
    )


def _arrived_ms(state: AssetState) -> int:
    stamp = state.seen_at or state.last_hlc
    return parse_stamp(stamp).wall_ms if stamp else 0


def _idle_row(state: AssetState, site: str | None, before: Any) -> dict[str, Any]:
    same_place = before is not None and before.location == state.location
    return {
        "key": state.key,
        "site": site,
        "status": state.status,
        "location": state.location,
        "since_ms": before.since_ms if same_place else _arrived_ms(state),
    }


def maintain_idle(conn: Connection, changed: Sequence[tuple[AssetState, str | None]]) -> None:
    """Bring the idle rows of these assets (their new state and site) up to date."""
    if not changed:
        return
    keys = sorted(state.key for state, _ in changed)
    stored: dict[str, Any] = {}
    for start in range(0, len(keys), CHUNK):
        rows = conn.execute(
            select(t.idle_assets).where(t.idle_assets.c.key.in_(keys[start : start + CHUNK]))
        )
        stored.update({row.key: row for row in rows})
    gone: list[str] = []
    rows_in: list[dict[str, Any]] = []
    for state, site in changed:
        before = stored.get(state.key)
        if state.status not in IDLE_STATUSES:
            if before is not None:
                gone.append(state.key)
            continue
        row = _idle_row(state, site, before)
        if before is not None and dict(before._mapping) == row:
            continue
        if before is not None:
            gone.append(state.key)
        rows_in.append(row)
    for start in range(0, len(gone), CHUNK):
        conn.execute(
            delete(t.idle_assets).where(t.idle_assets.c.key.in_(gone[start : start + CHUNK]))
        )
    if rows_in:
        conn.execute(insert(t.idle_assets), rows_in)


def rebuild(conn: Connection, page: int = CHUNK) -> None:
    """Recompute both aggregates from the projection (migrations, audits)."""
    conn.execute(delete(t.asset_counts))
    conn.execute(delete(t.idle_assets))
    site = func.coalesce(t.assets.c.site, "")
    grouped = conn.execute(
        select(site, t.assets.c.status, func.count()).group_by(site, t.assets.c.status)
    )
    counts = [{"site": s, "status": st, "assets": n} for s, st, n in grouped]
    if counts:
        conn.execute(insert(t.asset_counts), counts)
    for status in IDLE_STATUSES:
        after = ""
        while True:
            rows = list(
                conn.execute(
                    select(t.assets.c.key, t.assets.c.site, t.assets.c.state)
                    .where(t.assets.c.status == status, t.assets.c.key > after)
                    .order_by(t.assets.c.key)
                    .limit(page)
                )
            )
            states = [(AssetState.from_dict(json.loads(r.state)), r.site) for r in rows]
            if states:
                conn.execute(
                    insert(t.idle_assets), [_idle_row(s, site, None) for s, site in states]
                )
            if len(rows) < page:
                break
            after = rows[-1].key


def maintain(
    conn: Connection, changed: Sequence[tuple[AssetState, str | None, Counted | None]]
) -> None:
    """Inside the push: each changed asset's new state, its site now and where it was counted
    when loaded (None for a new asset)."""
    maintain_counts(conn, [(was, counted(site, s.status)) for s, site, was in changed])
    maintain_idle(conn, [(s, site) for s, site, _was in changed])
