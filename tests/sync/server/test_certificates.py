"""Certificates per asset, per pallet, per batch and of recycling: the PDF's text is extracted and
each Appendix G field, the organisation, operator, validator, the drawn handoff signatures and
the cited log positions and hashes are checked (both databases)."""

from __future__ import annotations

import base64
import dataclasses
import io
from typing import Any

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
from PIL import Image
from sqlalchemy import select

from sync.server import tables as t
from sync.server.certificate_pdf import Issue, asset_certificate
from sync.server.certificate_signature import flowable, parse_path
from sync.server.certificates import gather
from sync.server.db import reading
from tests.assets.factory import BASE_MS, Device
from tests.sync.server.harness import World

SIGNATURE = "M 10 10 L 100 60 L 200 20 M 250 100 L 250 100"
ORGANISATION = "Acme Recycling Ltd"


def _png_uri() -> str:
    image = Image.new("RGB", (30, 12), "white")
    image.putpixel((3, 3), (0, 0, 0))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _register(dev: Device, tag: str, disk: str | None) -> list[Any]:
    args: dict[str, Any] = {"serial": f"SN-{tag}", "make": "HP", "model": "EliteBook 840"}
    args |= {"category": "laptop", "data_bearing": disk is not None}
    if disk:
        args["storage_serials"] = [disk]
    key = f"asset:{tag}"
    return [
        dev.op("register", key, args),
        dev.op("observe", key, {"location": "DAL1/B1/DOCK"}),
        dev.op("load", key, {"pallet": "pallet:CT-P1"}),
    ]


WIPE = {
    "storage_serial": "DISK-1",
    "method": "purge",
    "tool": "SecureWipe",
    "tool_version": "9.1",
    "verified": True,
    "performed_by": "tech",
    "performed_at": "2026-05-28T21:00:00Z",
    "media_type": "ssd",
    "media_make": "Samsung",
    "media_model": "PM883",
    "media_asset": "asset:CT-DRIVE-1",
    "technique": "crypto_erase",
    "verification_method": "full",
    "validated_by": "val",
    "destination": "recycling",
    "notes": "Wiped in bay 3",
}


def _seed(world: World) -> dict[str, str]:
    dev = Device("ct-dev", start_ms=BASE_MS)
    ops = _register(dev, "CT-A1", "DISK-1")
    sanitize = dev.op("sanitize", "asset:CT-A1", WIPE)
    ops.append(sanitize)
    handoff = {"from": "person:tech", "to": "person:courier", "signed_by": "courier"}
    ops.append(dev.op("handoff", "asset:CT-A1", handoff | {"signature": SIGNATURE}))
    ops += _register(dev, "CT-A2", None)
    ops.append(dev.op("handoff", "asset:CT-A2", handoff | {"signature": _png_uri()}))
    ops += _register(dev, "CT-A3", None)  # loaded, never disposed of
    ops.append(dev.op("handoff", "asset:CT-A3", handoff | {"signature": "<svg>nope</svg>"}))
    recycle = {"outcome": "recycle", "weight": {"value": "3", "unit": "kg"}}
    ops.append(dev.op("dispose", "asset:CT-A1", recycle | {"commodity": "copper"}))
    resale = {"outcome": "resale", "weight": {"value": "1", "unit": "kg"}, "certificate": "C-9"}
    ops.append(dev.op("dispose", "asset:CT-A2", resale))
    results = world.device("ct-dev").push(ops)["results"]
    assert {r["status"] for r in results} == {"applied"}, results
    r = world.admin.http.put(
        "/v1/settings", json={"organisation_name": ORGANISATION}, headers=world.admin.headers
    )
    assert r.status_code == 200, r.text
    return {"sanitize": sanitize.op_id}


@pytest.fixture
def seeded(world: World) -> tuple[World, dict[str, str]]:
    return world, _seed(world)


def _pdf(r: Any) -> pypdfium2.PdfDocument:
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    return pypdfium2.PdfDocument(r.content)


def _text(pdf: pypdfium2.PdfDocument) -> str:
    pages = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    return " ".join(" ".join(pages).split())


def _objects(pdf: pypdfium2.PdfDocument, kind: int) -> int:
    return sum(
        1 for i in range(len(pdf)) for obj in pdf[i].get_objects(max_depth=5) if obj.type == kind
    )


def test_asset_certificate_holds_every_appendix_g_field(seeded: tuple[World, Any]) -> None:
    world, ids = seeded
    sup = world.device("sup-dev", "sup")
    text = _text(_pdf(sup.get("/v1/assets/CT-A1/certificate.pdf")))
    for fact in (
        f"Organisation: {ORGANISATION}",
        "SSD (SATA/SAS) (ssd)",  # media type
        "Samsung",
        "PM883",
        "DISK-1",
        "asset:CT-DRIVE-1",  # media property number
        "asset CT-A1, serial SN-CT-A1",  # media source
        "Purge (purge)",
        "Cryptographic erase (crypto_erase)",
        "SecureWipe 9.1",
        "verified; method Full (full)",
        "Recycling facility (recycling)",
        "Wiped in bay 3",
        "tech, at 2026-05-28T21:00:00Z",  # operator
        "Operators: tech.",
        "Validators: val.",
        "Recycling 3 kg (3.000 kg) - - Copper",  # outcome, weight, no number, no value
        "3 kg (3.000 kg)",
        "person:courier",
    ):
        assert fact in text, fact
    assert "no drawn signature" not in text
    with world.store.engine.connect() as conn:
        row = conn.execute(
            select(t.oplog.c.partition, t.oplog.c.position, t.oplog.c.hash).where(
                t.oplog.c.op_id == ids["sanitize"]
            )
        ).one()
    assert f"{row.partition} #{row.position} Hash (SHA-256) {row.hash}" in text


def test_the_drawn_signature_is_drawn_in_the_pdf(seeded: tuple[World, Any]) -> None:
    world, _ = seeded
    with reading(world.store.engine) as conn:
        facts = gather(conn, "CT-A1")
    issue = Issue("2026-06-01T00:00:00+00:00", "sup", ORGANISATION)
    signed = pypdfium2.PdfDocument(asset_certificate(facts, issue))
    unsigned_handoffs = [
        dataclasses.replace(
            h,
            entry=dataclasses.replace(
                h.entry,
                op=dataclasses.replace(
                    h.entry.op, args=dataclasses.replace(h.entry.op.args, signature=None)
                ),
            ),
        )
        for h in facts.handoffs
    ]
    bare = dataclasses.replace(facts, handoffs=unsigned_handoffs)
    unsigned = pypdfium2.PdfDocument(asset_certificate(bare, issue))
    assert "no drawn signature" in _text(unsigned)
    # Two strokes and the pad's frame: three more vector paths than the unsigned certificate.
    more = _objects(signed, pdfium_c.FPDF_PAGEOBJ_PATH) - _objects(
        unsigned, pdfium_c.FPDF_PAGEOBJ_PATH
    )
    assert more == 3


def test_signature_paths_parse_as_the_pad_writes_them() -> None:
    assert parse_path(SIGNATURE) == [
        [(10.0, 10.0), (100.0, 60.0), (200.0, 20.0)],
        [(250.0, 100.0), (250.0, 100.0)],
    ]
    assert parse_path("M 1 2 L 3 4 5 6") == [[(1.0, 2.0), (3.0, 4.0), (5.0, 6.0)]]
    assert flowable(None) == "no drawn signature"
    for bad in ("L 1 2", "M 1", "M 1 2 C 3 4", "<svg/>", "data:image/png;base64,AAAA"):
        drawn = flowable(bad)
        assert isinstance(drawn, str) and "not drawable" in drawn, bad


def test_pallet_certificate_covers_every_asset_it_carried(seeded: tuple[World, Any]) -> None:
    world, _ = seeded
    sup = world.device("sup-dev", "sup")
    pdf = _pdf(sup.get("/v1/pallets/CT-P1/certificate.pdf"))
    text = _text(pdf)
    assert "Pallet CT-P1" in text and f"Organisation: {ORGANISATION}" in text
    assert "2 disposed assets it carried" in text
    assert "Asset CT-A1" in text and "Asset CT-A2" in text and "C-9" in text
    assert "no disposition recorded yet: CT-A3" in text
    assert _objects(pdf, pdfium_c.FPDF_PAGEOBJ_IMAGE) == 1  # CT-A2's signature, a PNG
    assert sup.get("/v1/pallets/NO-SUCH/certificate.pdf").status_code == 404


def test_batch_certificate_is_all_or_nothing(seeded: tuple[World, Any]) -> None:
    world, _ = seeded
    sup = world.device("sup-dev", "sup")
    text = _text(_pdf(sup.post("/v1/certificates.pdf", {"tags": ["CT-A2", "CT-A1", "CT-A2"]})))
    assert "2 assets" in text
    assert text.index("Asset CT-A2") < text.index("Asset CT-A1")  # in the order asked
    missing = sup.post("/v1/certificates.pdf", {"tags": ["CT-A1", "NOPE-9"]})
    assert missing.status_code == 404 and "NOPE-9" in missing.json()["message"]
    pending = sup.post("/v1/certificates.pdf", {"tags": ["CT-A1", "CT-A3"]})
    assert pending.status_code == 409 and "CT-A3" in pending.json()["message"]
    refused: list[list[str]] = [[], ["X"] * 201, ["A\x00"], ["a" * 201]]
    for tags in refused:
        body = {"tags": tags}
        assert sup.post("/v1/certificates.pdf", body).status_code == 422


def test_certificate_of_recycling_weighs_each_commodity(seeded: tuple[World, Any]) -> None:
    world, _ = seeded
    sup = world.device("sup-dev", "sup")
    text = _text(_pdf(sup.get("/v1/reports/recycling-certificate.pdf", site="DAL1")))
    assert "Certificate of recycling" in text and f"Organisation: {ORGANISATION}" in text
    assert "Site: DAL1" in text
    assert "Copper 1 3.000" in text and "Total recycled 1 3.000" in text
    assert "4.000 4.000 100.0%" in text  # retired, diverted, share
    empty = _text(_pdf(sup.get("/v1/reports/recycling-certificate.pdf", until="2020-01-01")))
    assert "Total recycled 0 0.000" in empty
    bad = sup.get("/v1/reports/recycling-certificate.pdf", since="someday")
    assert bad.status_code == 422
