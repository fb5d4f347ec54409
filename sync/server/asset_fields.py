"""The search index of assets' custom fields (table `asset_fields`), kept in step with the fold.

Only a register or describe sets an asset's fields, so only the assets a batch registers or
describes are rewritten. Search is a prefix of the case-folded value, optionally in one named
field, read through an index: its cost is the index walk plus the rows it returns.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Select, delete, func, select

from assets.custom_fields import search_text
from assets.merge import AssetState
from assets.operations import Operation
from sync.server import tables as t
from sync.server.bulk import insert_rows

_SETS_FIELDS = frozenset({"register", "describe"})
COPY_FROM = 1000  # rows from which PostgreSQL gets them by COPY
_TOP = "\U0010ffff"  # sorts after every character: the end of a prefix's range


def save_fields(
    conn: Connection,
    states: Mapping[str, object],
    ops: Sequence[Operation],
    existing: Collection[str],
) -> None:
    """Rewrite the index rows of each asset the batch registered or described (`existing`:
    the keys that had a projection row before the batch; only they can have index rows)."""
    keys = sorted({op.target for op in ops if op.kind in _SETS_FIELDS})
    if not keys:
        return
    stale = [key for key in keys if key in existing]
    for start in range(0, len(stale), 500):
        chunk = stale[start : start + 500]
        conn.execute(delete(t.asset_fields).where(t.asset_fields.c.asset_key.in_(chunk)))
    rows: list[dict[str, Any]] = []
    for key in keys:
        state = states.get(key)
        if isinstance(state, AssetState):
            rows.extend(
                {"asset_key": key, "name": name, "folded": search_text(value)}
                for name, value in sorted(state.fields.items())
            )
    if conn.dialect.name == "postgresql" and len(rows) > COPY_FROM:
        _copy(conn, rows)
    else:
        insert_rows(conn, t.asset_fields, rows)


def _copy(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL's COPY, on the transaction's own connection: an import's ten fields per
    asset are a million rows, which multi-row INSERTs take several times longer to write."""
    raw: Any = conn.connection.dbapi_connection
    with (
        raw.cursor() as cursor,
        cursor.copy("COPY asset_fields (asset_key, name, folded) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row((row["asset_key"], row["name"], row["folded"]))


def find(
    conn: Connection, value: str, name: str | None = None, limit: int = 100
) -> tuple[list[str], bool]:
    """Asset keys whose field (any, or `name`) starts with `value`, case-insensitive, in index
    order; and whether there are more."""
    query = search_query(conn.dialect.name, value, name, limit + 1)
    found = [str(key) for key in conn.execute(query).scalars()]
    unique = list(dict.fromkeys(found))  # an asset matching in two fields appears once
    return unique[:limit], len(found) > limit


def search_query(dialect: str, value: str, name: str | None, limit: int) -> Select[Any]:
    """The search as one statement. SQLite compares a range (its LIKE ignores case and so
    cannot use a plain index); PostgreSQL's LIKE prefix uses the text_pattern_ops index."""
    folded = search_text(value.strip())
    c = t.asset_fields.c
    if dialect == "postgresql":
        match = c.folded.startswith(folded, autoescape=True)
    else:
        match = (c.folded >= folded) & (c.folded < folded + _TOP)
    query = select(c.asset_key).where(match)
    if name:
        query = query.where(c.name == name.strip()).order_by(c.name, c.folded, c.asset_key)
    else:
        query = query.order_by(c.folded, c.asset_key)
    return query.limit(limit)


def names(conn: Connection) -> list[tuple[str, int]]:
    """Every custom field name in use, with how many assets have it."""
    c = t.asset_fields.c
    rows = conn.execute(select(c.name, func.count()).group_by(c.name).order_by(c.name))
    return [(str(r[0]), int(r[1])) for r in rows]
