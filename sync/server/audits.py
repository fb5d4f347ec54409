"""Audit history per location tag: the finished audits the log holds, newest first.

An audit is folded on its location tag, so its log row's `fold_a` is that tag's key: the read
walks the fold_a index for one tag (its naming and its audits) and returns one page.
"""

from __future__ import annotations

import json

from sqlalchemy import Connection, select

from sync.errors import NotFound
from sync.protocol import AuditPage, AuditView
from sync.server import tables as t
from sync.server.auth import iso


def location_tag_key(tag: str) -> str:
    return tag if tag.startswith("location:") else f"location:{tag}"


def audit_history(conn: Connection, tag: str, before: int | None, limit: int) -> AuditPage:
    key = location_tag_key(tag)
    log = t.oplog.c
    known = conn.execute(select(t.location_tags.c.key).where(t.location_tags.c.key == key)).first()
    query = select(log.position, log.body).where(log.fold_a == key, log.kind == "audit")
    if before is not None:
        query = query.where(log.position < before)
    rows = list(conn.execute(query.order_by(log.position.desc()).limit(limit + 1)))
    if known is None and not rows:
        raise NotFound(f"no location tag {key}")
    items = [_view(int(r.position), r.body) for r in rows[:limit]]
    more = len(rows) > limit
    return AuditPage(items=items, next_before=items[-1].position if more else None)


def _view(position: int, body: str) -> AuditView:
    op = json.loads(body)
    args = op["args"]
    wall_ms = int(str(op["hlc"]).split("-", 1)[0])
    return AuditView(
        op_id=op["op_id"],
        position=position,
        location_tag=op["target"],
        location=args["location"],
        actor=op["actor"],
        device_id=op["device_id"],
        audited_at=iso(wall_ms) or "",
        expected=list(args["expected"]),
        found=list(args["found"]),
        missing=list(args["missing"]),
        unexpected=list(args["unexpected"]),
        elsewhere=list(args.get("elsewhere") or []),
    )
