"""Certificates laid out as A4 PDFs (reportlab): of sanitization and disposition for one asset,
a batch of assets or a pallet's assets (sync.server.certificates gathers the facts), and a
certificate of recycling with the weight of each commodity (from the disposition report).

Every sanitization record is printed with each NIST SP 800-88 Rev. 1 Appendix G field it holds,
its operator and validator; each custody handoff with its drawn signature; each cited log entry
with its partition, position and hash, which `tagtrail server verify` checks.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from assets.disposition import COMMODITIES, OUTCOMES, SANITIZATION_METHODS
from assets.merge import AssetState
from assets.operations import DisposeArgs, HandoffArgs, Operation, SanitizeArgs
from assets.sanitization import DESTINATIONS, MEDIA_TYPES, TECHNIQUES, VERIFICATION_METHODS
from sync.protocol import DispositionReport
from sync.server.auth import iso
from sync.server.certificate_signature import flowable as signature_flowable
from sync.server.certificates import CertificateFacts, Entry, PalletFacts
from sync.server.reports import GRAM

TITLE = "Certificate of sanitization and disposition"
RECYCLING_TITLE = "Certificate of recycling"
CODE = ParagraphStyle("code", fontName="Courier", fontSize=7, leading=9)
SMALL = ParagraphStyle("small", fontName="Helvetica", fontSize=8, leading=10)
NOT_NAMED = "not named yet (an admin sets organisation_name in the store's settings)"


@dataclass(frozen=True, slots=True)
class Issue:
    """Who issues a certificate, when, and for which organisation."""

    issued_at: str
    issuer: str
    organisation: str = ""


def _when(op: Operation) -> str:
    return iso(op.hlc.wall_ms) or ""


def _tag(state: AssetState) -> str:
    return state.key.removeprefix("asset:")


class _Story:
    """The PDF's flowables, built section by section; every value is escaped for the markup."""

    def __init__(self) -> None:
        self.styles = getSampleStyleSheet()
        self.flowables: list[Any] = []

    def title(self, text: str) -> None:
        self.flowables.append(Paragraph(escape(text), self.styles["Title"]))

    def heading(self, text: str, level: int = 2) -> None:
        style = self.styles[f"Heading{level}"]
        self.flowables += [Spacer(1, 4 * mm), Paragraph(escape(text), style)]

    def text(self, line: str) -> None:
        self.flowables.append(Paragraph(escape(line), self.styles["BodyText"]))

    def cell(self, value: Any, style: ParagraphStyle) -> Any:
        return Paragraph(escape(value), style) if isinstance(value, str) else value

    def table(
        self,
        rows: Sequence[Sequence[Any]],
        header: bool = True,
        widths: Any = None,
        small: bool = False,
    ) -> None:
        style = SMALL if small else self.styles["BodyText"]
        grid = Table(
            [[self.cell(c, style) for c in row] for row in rows],
            repeatRows=1 if header else 0,
            colWidths=widths,
        )
        shaded = (-1, 0) if header else (0, -1)  # the header row, or the label column
        grid.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), shaded, colors.whitesmoke),
                ]
            )
        )
        self.flowables.append(grid)

    def issued(self, issue: Issue) -> None:
        self.text(f"Organisation: {issue.organisation or NOT_NAMED}")
        self.text(f"Issued {issue.issued_at} by {issue.issuer} from the TagTrail central store.")


def _asset_section(story: _Story, s: AssetState) -> None:
    story.heading("Asset")
    make = f"{s.make or '-'} {s.model or ''}".strip()
    story.table(
        [
            ["Tag", "Serial", "Make / model", "Category"],
            [_tag(s), s.serial or "-", make, s.category],
        ]
    )
    story.text(f"Data-bearing: {'yes' if s.data_bearing else 'no'}. Status: {s.status}.")


def _label(vocabulary: Any, value: str | None) -> str:
    return "-" if value is None else f"{vocabulary.label(value)} ({value})"


def _record_rows(state: AssetState, entry: Entry) -> list[list[Any]]:
    """One sanitization record's Appendix G fields, in the order the form lists them."""
    a = entry.op.args
    assert isinstance(a, SanitizeArgs)
    verified = "verified" if a.verified else "NOT verified"
    tool = f"{a.tool} {a.tool_version}" if a.tool_version else a.tool
    source = f"asset {_tag(state)}, serial {state.serial or '-'}"
    return [
        ["Media type", _label(MEDIA_TYPES, a.media_type)],
        ["Media manufacturer", a.media_make or "-"],
        ["Media model", a.media_model or "-"],
        ["Media serial number", a.storage_serial],
        ["Media property number", a.media_asset or "-"],
        ["Media source", source],
        ["Sanitization method", _label(SANITIZATION_METHODS, a.method)],
        ["Method used (technique)", _label(TECHNIQUES, a.technique)],
        ["Tool used (version)", tool],
        [
            "Verification",
            f"{verified}; method {_label(VERIFICATION_METHODS, a.verification_method)}",
        ],
        ["Post-sanitization destination", _label(DESTINATIONS, a.destination)],
        ["Notes", a.notes or "-"],
        ["Operator (performed by)", f"{a.performed_by}, at {a.performed_at}"],
        ["Validator", a.validated_by or "not named in the record"],
        ["Recorded", f"by {entry.op.actor} at {_when(entry.op)}"],
        ["Log entry", f"{entry.partition} #{entry.position}"],
        ["Hash (SHA-256)", Paragraph(entry.hash, CODE)],  # one line: never broken up
    ]


def _sanitization_section(story: _Story, facts: CertificateFacts) -> None:
    story.heading("Data sanitization (NIST SP 800-88 Rev. 1, Appendix G)")
    if not facts.sanitized:
        story.text("No sanitization record.")
    for serial, entry in facts.sanitized.items():
        story.heading(f"Storage device {serial}", level=4)
        story.table(_record_rows(facts.state, entry), header=False, widths=[55 * mm, 125 * mm])
    for serial in facts.unsanitized:
        story.text(f"Storage device {serial}: NO sanitization record.")
    records = [e.op.args for e in facts.sanitized.values()]
    operators = sorted({a.performed_by for a in records if isinstance(a, SanitizeArgs)})
    validators = sorted(
        {a.validated_by for a in records if isinstance(a, SanitizeArgs) and a.validated_by}
    )
    if records:
        story.text(f"Operators: {', '.join(operators)}.")
        story.text(f"Validators: {', '.join(validators) if validators else 'none named'}.")


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
    commodity = "-" if d.commodity is None else COMMODITIES.label(d.commodity)
    story.table(
        [
            ["Outcome", "Weight", "Certificate number", "Value", "Commodity"],
            [OUTCOMES.label(outcome), weight, d.certificate or "-", value, commodity],
        ]
    )
    story.text(f"Recorded by {facts.dispose.op.actor} at {_when(facts.dispose.op)}.")


def _custody_section(story: _Story, facts: CertificateFacts) -> None:
    story.heading("Chain of custody")
    if not facts.handoffs:
        story.text("No custody handoff recorded.")
        return
    rows: list[list[Any]] = [["#", "From", "To", "Signed by", "When", "Via"]]
    signed: list[list[Any]] = [["#", "Signed by", "Drawn signature"]]
    for number, h in enumerate(facts.handoffs, 1):
        a = h.entry.op.args
        assert isinstance(a, HandoffArgs)
        row = [str(number), a.from_holder, a.to_holder, a.signed_by, _when(h.entry.op)]
        rows.append([*row, h.via or "-"])
        signed.append([str(number), a.signed_by, signature_flowable(a.signature)])
    story.table(rows, widths=[8 * mm, 38 * mm, 42 * mm, 24 * mm, 42 * mm, 26 * mm], small=True)
    story.heading("Handoff signatures", level=4)
    story.table(signed, widths=[8 * mm, 40 * mm, 80 * mm], small=True)


def _cited_section(story: _Story, facts: CertificateFacts) -> None:
    story.heading("Log entries cited")
    story.text("Check these against the signed chain heads with `tagtrail server verify`.")
    rows = [["Partition", "Position", "Kind", "Hash (SHA-256)"]]
    rows += [[e.partition, str(e.position), e.op.kind, e.hash] for e in facts.cited]
    cells = [[Paragraph(escape(c), CODE) for c in row] for row in rows]
    grid = Table(cells, colWidths=[22 * mm, 18 * mm, 20 * mm, 120 * mm])
    grid.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey)]))
    story.flowables.append(grid)


def _asset_story(story: _Story, facts: CertificateFacts) -> None:
    _asset_section(story, facts.state)
    _sanitization_section(story, facts)
    _disposition_section(story, facts)
    _custody_section(story, facts)
    _cited_section(story, facts)


def _build(story: _Story, title: str) -> bytes:
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, title=title, author="TagTrail", leftMargin=15 * mm, rightMargin=15 * mm
    )
    doc.build(story.flowables)
    return out.getvalue()


def asset_certificate(facts: CertificateFacts, issue: Issue) -> bytes:
    story = _Story()
    story.title(TITLE)
    story.issued(issue)
    _asset_story(story, facts)
    return _build(story, f"{TITLE}: {_tag(facts.state)}")


def render_pdf(
    facts: CertificateFacts, issued_at: str, issuer: str, organisation: str = ""
) -> bytes:
    """One asset's certificate (the name the first certificates were made by)."""
    return asset_certificate(facts, Issue(issued_at, issuer, organisation))


def _summary(story: _Story, certified: Sequence[CertificateFacts]) -> None:
    rows = [["Tag", "Serial", "Outcome", "Storage devices", "Sanitized"]]
    for f in certified:
        s = f.state
        done = len(f.sanitized)
        rows.append(
            [
                _tag(s),
                s.serial or "-",
                OUTCOMES.label(s.disposition or ""),
                str(done + len(f.unsanitized)),
                f"{done}, {len(f.unsanitized)} without record" if f.unsanitized else str(done),
            ]
        )
    story.table(rows)


def _each_asset(story: _Story, certified: Sequence[CertificateFacts]) -> None:
    for f in certified:
        story.flowables.append(PageBreak())
        story.heading(f"Asset {_tag(f.state)}", level=1)
        _asset_story(story, f)


def batch_certificate(certified: Sequence[CertificateFacts], issue: Issue) -> bytes:
    story = _Story()
    story.title(TITLE)
    story.issued(issue)
    story.heading(f"{len(certified)} assets")
    _summary(story, certified)
    _each_asset(story, certified)
    return _build(story, f"{TITLE}: {len(certified)} assets")


def pallet_certificate(pallet: PalletFacts, issue: Issue) -> bytes:
    p = pallet.state
    story = _Story()
    story.title(TITLE)
    story.issued(issue)
    story.heading(f"Pallet {p.key.removeprefix('pallet:')}")
    story.table(
        [
            ["State", "Seal number", "Gross (kg)", "Tare (kg)", "Custodian"],
            [
                p.state,
                p.seal_number or "-",
                p.gross_kg or "-",
                p.tare_kg or "-",
                p.custodian or "-",
            ],
        ]
    )
    story.text(f"{len(pallet.certified)} disposed assets it carried:")
    _summary(story, pallet.certified)
    if pallet.pending:
        names = ", ".join(k.removeprefix("asset:") for k in pallet.pending)
        story.text(f"Not certified here, no disposition recorded yet: {names}.")
    _each_asset(story, pallet.certified)
    return _build(story, f"{TITLE}: {p.key}")


def recycling_certificate(report: DispositionReport, issue: Issue) -> bytes:
    """Weights per commodity of the assets recycled in the report's window and site."""
    story = _Story()
    story.title(RECYCLING_TITLE)
    story.issued(issue)
    window = f"from {report.since or 'the first record'} to {report.until or 'now'}"
    story.text(f"Site: {report.site or 'all sites'}; assets disposed of {window}.")
    story.heading("Recycled by commodity")
    rows = [["Commodity", "Assets", "Weight (kg)"]]
    for line in report.recycling:
        name = "-" if line.commodity is None else COMMODITIES.label(line.commodity)
        rows.append([name, str(line.assets), str(line.weight_kg)])
    recycled = sum((line.weight_kg for line in report.recycling), GRAM * 0)
    rows.append(["Total recycled", str(sum(c.assets for c in report.recycling)), str(recycled)])
    story.table(rows)
    story.heading("Landfill diversion")
    share = report.landfill_diversion
    story.table(
        [
            ["Weight retired (kg)", "Weight diverted (kg)", "Landfill diversion"],
            [
                str(report.weight_retired_kg),
                str(report.weight_diverted_kg),
                "-" if share is None else f"{share * 100:.1f}%",
            ],
        ]
    )
    story.text(
        f"{report.assets_disposed} assets disposed of; {report.assets_without_weight} without a "
        "weight (not in the weights above). Weights are as recorded at disposal, lb converted."
    )
    return _build(story, RECYCLING_TITLE)
