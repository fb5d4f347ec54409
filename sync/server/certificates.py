"""A certificate of sanitization and disposition for one asset, as a PDF.

The facts come from the asset's folded state and the log entries it cites (register, each
storage device's sanitize record, the dispose record, the custody handoffs of the asset and of
the pallets that carried it). Each cited entry is printed with its log partition, position and
hash, so anyone can hold the certificate against `tagtrail server verify` / GET /v1/verify.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy import Connection, or_, select

from assets.disposition import OUTCOMES, SANITIZATION_METHODS
from assets.merge import AssetFold, AssetState
from assets.operations import (
    DisposeArgs,
    HandoffArgs,
    Operation,
    PalletArgs,
    SanitizeArgs,
    parse_operation,
)
from sync.errors import NotFound, StoreError
from sync.server import tables as t
from sync.server.auth import iso
from sync.server.queries import asset_key
from sync.server.reports import GRAM, cited_dispose_op_id


class NotDisposed(StoreError):
    """A certificate was asked for an asset whose disposition is not recorded yet."""

    status, code = 409, "not_disposed"


@dataclass(frozen=True, slots=True)
class Entry:
    """A log entry the certificate cites."""

    partition: str
    position: int
    hash: str
    op: Operation


@dataclass(frozen=True, slots=True)
class Handoff:
    entry: Entry
    via: str | None  # the pallet whose handoff moved the asset, None for the asset's own


@dataclass
class CertificateFacts:
    state: AssetState
    register: Entry | None
    sanitized: dict[str, Entry]  # storage serial -> the record the fold kept
    unsanitized: list[str]  # storage serials that need a record and have none
    dispose: Entry | None
    handoffs: list[Handoff] = field(default_factory=list)

    @property
    def cited(self) -> list[Entry]:
        entries = [self.register, *self.sanitized.values(), self.dispose]
        entries += [h.entry for h in self.handoffs]
        unique = {e.position: e for e in entries if e is not None}
        return [unique[p] for p in sorted(unique)]


def _entry(row: Any) -> Entry:
    return Entry(row.partition, int(row.position), row.hash, parse_operation(json.loads(row.body)))


_COLUMNS = (t.oplog.c.partition, t.oplog.c.position, t.oplog.c.hash, t.oplog.c.body)
_FOLD_ORDER = (t.oplog.c.hlc, t.oplog.c.device_id, t.oplog.c.device_seq)


def _pallet_handoffs(conn: Connection, pallet: str, start: str, end: str | None) -> list[Entry]:
    query = select(*_COLUMNS).where(
        t.oplog.c.kind == "handoff", t.oplog.c.target == pallet, t.oplog.c.hlc >= start
    )
    if end is not None:
        query = query.where(t.oplog.c.hlc < end)
    return [_entry(r) for r in conn.execute(query.order_by(*_FOLD_ORDER))]


def gather(conn: Connection, tag: str) -> CertificateFacts:
    """The facts a certificate states; NotFound / NotDisposed when there is nothing to certify."""
    key = asset_key(tag)
    row = conn.execute(select(t.assets.c.state).where(t.assets.c.key == key)).first()
    if row is None:
        raise NotFound(f"no asset {key}")
    state = AssetState.from_dict(json.loads(row.state))
    if state.disposition is None:
        raise NotDisposed(
            f"{key} has no disposition recorded yet (status {state.status}): a certificate "
            "can be issued once it has been disposed of"
        )
    wanted = {op for op in (state.register_op, cited_dispose_op_id(conn, state)) if op}
    wanted |= {record[2] for record in state.sanitized.values()}
    by_id: dict[str, Entry] = {}
    handoffs: list[Handoff] = []
    on_pallet: dict[str, str] = {}  # pallet -> hlc it was loaded at
    carried: list[tuple[str, str, str | None]] = []  # pallet, from hlc, to hlc
    rows = conn.execute(
        select(*_COLUMNS)
        .where(or_(t.oplog.c.fold_a == key, t.oplog.c.fold_b == key))
        .order_by(*_FOLD_ORDER)
    )
    for r in rows:  # one asset's history: streamed, only the cited entries kept
        entry = _entry(r)
        op = entry.op
        if op.op_id in wanted:
            by_id[op.op_id] = entry
        if op.kind == "handoff" and op.target == key:
            handoffs.append(Handoff(entry, None))
        elif op.kind == "load" and isinstance(op.args, PalletArgs):
            on_pallet[op.args.pallet] = str(op.hlc)
        elif op.kind == "unload" and isinstance(op.args, PalletArgs):
            start = on_pallet.pop(op.args.pallet, None)
            if start is not None:
                carried.append((op.args.pallet, start, str(op.hlc)))
    carried += [(pallet, start, None) for pallet, start in on_pallet.items()]
    for pallet, start, end in carried:
        handoffs += [Handoff(e, pallet) for e in _pallet_handoffs(conn, pallet, start, end)]
    handoffs.sort(key=lambda h: h.entry.op.sort_key)
    required = AssetFold(key, state=state).required_sanitizations()
    dispose_id = cited_dispose_op_id(conn, state)
    return CertificateFacts(
        state=state,
        register=by_id.get(state.register_op or ""),
        sanitized={s: by_id[rec[2]] for s, rec in sorted(state.sanitized.items())},
        unsanitized=[s for s in required if s not in state.sanitized],
        dispose=by_id.get(dispose_id or ""),
        handoffs=handoffs,
    )


def _when(op: Operation) -> str:
    return iso(op.hlc.wall_ms) or ""


class _Story:
    """The PDF's flowables, built section by section; every value is escaped for the markup."""

    def __init__(self) -> None:
        self.styles = getSampleStyleSheet()
        self.flowables: list[Any] = []

    def heading(self, text: str) -> None:
        self.flowables += [Spacer(1, 4 * mm), Paragraph(escape(text), self.styles["Heading2"])]

    def text(self, line: str) -> None:
        self.flowables.append(Paragraph(escape(line), self.styles["BodyText"]))

    def table(self, rows: list[list[str]]) -> None:
        body = self.styles["BodyText"]
        grid = Table([[Paragraph(escape(c), body) for c in row] for row in rows], repeatRows=1)
        grid.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        self.flowables.append(grid)


def _asset_section(story: _Story, s: AssetState) -> None:
    story.heading("Asset")
    make = f"{s.make or '-'} {s.model or ''}".strip()
    tag = s.key.removeprefix("asset:")
    story.table(
        [["Tag", "Serial", "Make / model", "Category"], [tag, s.serial or "-", make, s.category]]
    )
    story.text(f"Data-bearing: {'yes' if s.data_bearing else 'no'}. Status: {s.status}.")


def _sanitization_section(story: _Story, facts: CertificateFacts) -> None:
    story.heading("Data sanitization (NIST SP 800-88)")
    if facts.sanitized:
        rows = [["Storage serial", "Method", "Tool", "Verified", "By", "When"]]
        for serial, entry in facts.sanitized.items():
            a = entry.op.args
            assert isinstance(a, SanitizeArgs)
            method = f"{SANITIZATION_METHODS.label(a.method)} ({a.method})"
            verified = "verified" if a.verified else "NOT verified"
            rows.append([serial, method, a.tool, verified, a.performed_by, a.performed_at])
        story.table(rows)
    else:
        story.text("No sanitization record.")
    for serial in facts.unsanitized:
        story.text(f"Storage device {serial}: NO sanitization record.")


def _disposition_section(story: _Story, facts: CertificateFacts) -> None:
    story.heading("Disposition")
    outcome = facts.state.disposition or ""
    if facts.dispose is None:
        story.text(
            f"Outcome {outcome}, decided by a supervisor; no dispose record with its details."
        )
        return
    d = facts.dispose.op.args
    assert isinstance(d, DisposeArgs)
    weight = "-" if d.weight is None else f"{d.weight} ({d.weight.kg.quantize(GRAM)} kg)"
    value = "-" if d.value is None else f"{d.value[0]} {d.value[1]}"
    story.table(
        [
            ["Outcome", "Weight", "Certificate number", "Value", "Commodity"],
            [OUTCOMES.label(outcome), weight, d.certificate or "-", value, d.commodity or "-"],
        ]
    )
    story.text(f"Recorded by {facts.dispose.op.actor} at {_when(facts.dispose.op)}.")


def _custody_section(story: _Story, facts: CertificateFacts) -> None:
    story.heading("Chain of custody")
    if not facts.handoffs:
        story.text("No custody handoff recorded.")
        return
    rows = [["From", "To", "Signed by", "When", "Via"]]
    for h in facts.handoffs:
        a = h.entry.op.args
        assert isinstance(a, HandoffArgs)
        rows.append([a.from_holder, a.to_holder, a.signed_by, _when(h.entry.op), h.via or "-"])
    story.table(rows)


def _cited_section(story: _Story, facts: CertificateFacts) -> None:
    story.heading("Log entries cited")
    story.text("Check these against the signed chain heads with `tagtrail server verify`.")
    small = ParagraphStyle("cited", fontName="Courier", fontSize=7, leading=9)
    rows = [["Partition", "Position", "Kind", "Hash (SHA-256)"]]
    rows += [[e.partition, str(e.position), e.op.kind, e.hash] for e in facts.cited]
    cells = [[Paragraph(escape(c), small) for c in row] for row in rows]
    grid = Table(cells, colWidths=[22 * mm, 18 * mm, 20 * mm, 120 * mm])
    grid.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey)]))
    story.flowables.append(grid)


def render_pdf(facts: CertificateFacts, issued_at: str, issuer: str) -> bytes:
    """Lay the facts out on A4 pages."""
    story = _Story()
    title = "Certificate of sanitization and disposition"
    story.flowables.append(Paragraph(title, story.styles["Title"]))
    story.text(f"Issued {issued_at} by {issuer} from the TagTrail central store.")
    _asset_section(story, facts.state)
    _sanitization_section(story, facts)
    _disposition_section(story, facts)
    _custody_section(story, facts)
    _cited_section(story, facts)
    out = io.BytesIO()
    tag = facts.state.key.removeprefix("asset:")
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        title=f"{title}: {tag}",
        author="TagTrail",
        leftMargin=15 * mm,
        rightMargin=15 * mm,
    )
    doc.build(story.flowables)
    return out.getvalue()
