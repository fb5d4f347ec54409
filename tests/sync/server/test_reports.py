"""The disposition report (API and command line) and the certificate PDF, on both engines."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pypdfium2
from click.testing import CliRunner
from sqlalchemy import select

from assets.operations import Operation
from assets.weights import KG_PER_LB
from sync.server import tables as t
from sync.server.db import reading
from sync.server.reports import Window, disposition_report, parse_window, recompute_report
from tests.assets.factory import BASE_MS, Device
from tests.sync.server.harness import World

DAY = 86_400_000
MIN = 60_000


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="seconds")


def _kg(value: str, unit: str = "kg") -> dict[str, str]:
    return {"value": value, "unit": unit}


def _wipe(serial: str, method: str, verified: bool) -> dict[str, object]:
    return {
        "storage_serial": serial,
        "method": method,
        "tool": "WipeRight 5.2",
        "verified": verified,
        "performed_by": "tech",
        "performed_at": "2026-05-28T21:00:00Z",
    }


def _asset(
    dev: Device, tag: str, site: str, data_bearing: bool = False, disk: str | None = None
) -> list[Operation]:
    key = f"asset:{tag}"
    args: dict[str, object] = {
        "serial": f"SN-{tag}",
        "make": "Dell",
        "model": "Latitude 7440",
        "category": "laptop",
        "data_bearing": data_bearing,
    }
    if disk:
        args["storage_serials"] = [disk]
    return [
        dev.op("register", key, args),
        dev.op("observe", key, {"location": f"{site}/B1/DOCK-A"}),
    ]


def _seed(world: World) -> dict[str, str]:
    """Eight disposals (one after the window), one duplicate record, one asset not disposed."""
    a = Device("rep-a")  # a supervisor: may record every kind here
    b = Device("rep-b", start_ms=BASE_MS + 30 * MIN)
    ops: list[Operation] = []
    ops += _asset(a, "RPT-A1", "DAL1", True, "DISK-A1")
    ops.append(a.op("sanitize", "asset:RPT-A1", _wipe("DISK-A1", "purge", True)))
    ops.append(
        a.op(
            "handoff",
            "asset:RPT-A1",
            {"from": "person:tech", "to": "person:courier", "signed_by": "courier"},
        )
    )
    ops.append(a.op("load", "asset:RPT-A1", {"pallet": "pallet:RPT-P1"}))
    ops.append(
        a.op(
            "handoff",
            "pallet:RPT-P1",
            {"from": "person:courier", "to": "facility:EastRecycling", "signed_by": "dock"},
        )
    )
    dispose_a1 = a.op(
        "dispose",
        "asset:RPT-A1",
        {
            "outcome": "resale",
            "weight": _kg("2"),
            "value": {"amount": "120.00", "currency": "USD"},
            "certificate": "CERT-77",
        },
    )
    ops.append(dispose_a1)
    ops += _asset(a, "RPT-A2", "DAL1")
    ops.append(
        a.op(
            "dispose",
            "asset:RPT-A2",
            {"outcome": "recycle", "weight": _kg("10", "lb"), "commodity": "aluminium"},
        )
    )
    ops += _asset(a, "RPT-A3", "DAL1")
    ops.append(
        a.op(
            "dispose",
            "asset:RPT-A3",
            {"outcome": "recycle", "weight": _kg("3"), "commodity": "aluminium"},
        )
    )
    ops += _asset(a, "RPT-A4", "AUS2")
    ops.append(
        a.op(
            "dispose",
            "asset:RPT-A4",
            {"outcome": "resale", "weight": _kg("1"), "value": {"amount": "50", "currency": "EUR"}},
        )
    )
    ops += _asset(a, "RPT-A5", "DAL1", True)  # no storage serials: its own serial needs a record
    ops.append(a.op("dispose", "asset:RPT-A5", {"outcome": "resale", "weight": _kg("1.5")}))
    ops += _asset(a, "RPT-A6", "DAL1", True, "DISK-A6")
    ops.append(a.op("sanitize", "asset:RPT-A6", _wipe("DISK-A6", "destroy", True)))
    ops.append(a.op("dispose", "asset:RPT-A6", {"outcome": "destruction", "weight": _kg("4")}))
    ops += _asset(a, "RPT-A7", "DAL1", True, "DISK-A7")
    ops.append(a.op("sanitize", "asset:RPT-A7", _wipe("DISK-A7", "clear", False)))
    ops.append(
        a.op("dispose", "asset:RPT-A7", {"outcome": "recycle", "commodity": "circuit_boards"})
    )
    ops += _asset(a, "RPT-A9", "DAL1")  # never disposed of
    ops += _asset(a, "RPT-A8", "DAL1")
    ops.append(
        a.op(
            "dispose",
            "asset:RPT-A8",
            {"outcome": "redeploy", "weight": _kg("5")},
            at_ms=BASE_MS + 10 * DAY,
        )
    )
    dev_a = world.device("rep-a")
    dev_a.push(ops)
    # A second record of the same outcome from another device merges: counted once.
    world.device("rep-b").push(
        [
            b.op(
                "dispose",
                "asset:RPT-A3",
                {"outcome": "recycle", "weight": _kg("3"), "commodity": "aluminium"},
            )
        ]
    )
    return {"dispose_a1": dispose_a1.op_id}


WINDOW = {"since": _iso(BASE_MS - DAY), "until": _iso(BASE_MS + 5 * DAY)}


def test_report_totals_outcomes_weights_values_and_sanitization(world: World) -> None:
    _seed(world)
    sup = world.device("sup-dev", "sup")
    r = sup.get("/v1/reports/disposition", **WINDOW)
    assert r.status_code == 200, r.text
    body = r.json()
    outcomes = {o["outcome"]: o for o in body["outcomes"]}
    assert body["assets_disposed"] == 7  # RPT-A8 is after the window, RPT-A3 counted once
    assert outcomes["resale"]["assets"] == 3
    assert Decimal(outcomes["resale"]["weight_kg"]) == Decimal("4.5")
    values = {v["currency"]: Decimal(v["amount"]) for v in outcomes["resale"]["value"]}
    assert values == {"EUR": Decimal("50"), "USD": Decimal("120.00")}  # never added together
    recycled_kg = Decimal(10) * KG_PER_LB + 3
    assert outcomes["recycle"]["assets"] == 3 and outcomes["recycle"]["weighed"] == 2
    assert Decimal(outcomes["recycle"]["weight_kg"]) == recycled_kg.quantize(Decimal("0.001"))
    assert outcomes["destruction"]["assets"] == 1 and outcomes["redeploy"]["assets"] == 0
    assert body["assets_without_weight"] == 1
    commodities = {c["commodity"]: c for c in body["recycling"]}
    assert commodities["aluminium"]["assets"] == 2
    assert Decimal(commodities["aluminium"]["weight_kg"]) == recycled_kg.quantize(Decimal("0.001"))
    assert commodities["circuit_boards"]["assets"] == 1
    retired = Decimal("4.5") + recycled_kg + 4
    diverted = Decimal("4.5") + recycled_kg
    assert Decimal(body["weight_retired_kg"]) == retired.quantize(Decimal("0.001"))
    assert Decimal(body["weight_diverted_kg"]) == diverted.quantize(Decimal("0.001"))
    assert Decimal(body["landfill_diversion"]) == (diverted / retired).quantize(Decimal("0.0001"))
    s = body["sanitization"]
    assert s["data_bearing_assets"] == 4 and s["storage_devices"] == 4
    methods = {m["method"]: (m["verified"], m["unverified"]) for m in s["by_method"]}
    assert methods == {"clear": (0, 1), "purge": (1, 0), "destroy": (1, 0)}
    assert s["devices_without_record"] == 1
    assert s["reuse_without_verified_record"] == 2
    assert sorted(s["reuse_without_verified_record_tags"]) == ["RPT-A5", "RPT-A7"]

    aus = sup.get("/v1/reports/disposition", site="aus2", **WINDOW).json()
    assert aus["assets_disposed"] == 1 and aus["site"] == "AUS2"
    later = sup.get("/v1/reports/disposition", since=_iso(BASE_MS + 5 * DAY)).json()
    assert later["assets_disposed"] == 1
    assert Decimal(later["landfill_diversion"]) == 1
    empty = sup.get("/v1/reports/disposition", until="2020-01-01").json()
    assert empty["assets_disposed"] == 0 and empty["landfill_diversion"] is None


def test_report_from_aggregates_equals_a_recompute_from_the_log(world: World) -> None:
    _seed(world)
    window = parse_window(WINDOW["since"], WINDOW["until"])
    with reading(world.store.engine) as conn:
        whole = disposition_report(conn, None, window)
        paged = recompute_report(conn, None, window, page_size=2)
        assert paged == whole and whole.assets_disposed == 7
        # Windows with partial days at either edge, one site, open ends.
        for w, site in (
            (Window(BASE_MS + DAY // 3, BASE_MS + 4 * DAY + DAY // 2), None),
            (Window(BASE_MS + 2 * DAY + 1, None), None),
            (Window(None, BASE_MS + 3 * DAY - 1), "DAL1"),
            (Window(BASE_MS + DAY + 5, BASE_MS + DAY + 7), None),
            (Window(), "AUS2"),
        ):
            assert disposition_report(conn, site, w) == recompute_report(conn, site, w)


def test_report_is_for_supervisors_and_admins(world: World) -> None:
    tech = world.device("tech-dev", "tech")
    r = tech.get("/v1/reports/disposition")
    assert r.status_code == 403 and "supervisor" in r.json()["message"]
    assert world.admin.get("/v1/reports/disposition").status_code == 200
    bad = world.admin.get("/v1/reports/disposition", since="last tuesday")
    assert bad.status_code == 422 and "since" in bad.json()["message"]
    backwards = world.admin.get("/v1/reports/disposition", since="2026-02-01", until="2026-01-01")
    assert backwards.status_code == 422
    doc = world.http.get("/openapi.json").json()
    assert "/v1/reports/disposition" in doc["paths"]
    assert "/v1/assets/{tag}/certificate.pdf" in doc["paths"]
    assert "DispositionReport" in doc["components"]["schemas"]


def _pdf_text(data: bytes) -> str:
    pdf = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


def test_certificate_states_the_facts_and_cites_the_log(world: World) -> None:
    ids = _seed(world)
    sup = world.device("sup-dev", "sup")
    r = sup.get("/v1/assets/RPT-A1/certificate.pdf")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    text = " ".join(_pdf_text(r.content).split())
    for fact in (
        "RPT-A1",
        "SN-RPT-A1",
        "Dell Latitude 7440",
        "laptop",
        "DISK-A1",
        "Purge (purge)",
        "WipeRight 5.2",
        "verified",
        "Resale",
        "CERT-77",
        "120.00 USD",
        "person:tech",
        "person:courier",
        "facility:EastRecycling",
        "pallet:RPT-P1",
    ):
        assert fact in text, fact
    with world.store.engine.connect() as conn:
        row = conn.execute(
            select(t.oplog.c.position, t.oplog.c.hash).where(t.oplog.c.op_id == ids["dispose_a1"])
        ).one()
    assert row.hash in text and str(row.position) in text

    assert sup.get("/v1/assets/NOPE-1/certificate.pdf").status_code == 404
    pending = sup.get("/v1/assets/RPT-A9/certificate.pdf")
    assert pending.status_code == 409
    assert "no disposition" in pending.json()["message"]
    tech = world.device("tech-dev", "tech")
    assert tech.get("/v1/assets/RPT-A1/certificate.pdf").status_code == 403


def test_cli_report_reads_the_database(world: World) -> None:
    from app.commands.server import server

    _seed(world)
    settings = world.store.settings
    base = ["--db", settings.db_url, "--key-file", str(settings.key_file), "report"]
    runner = CliRunner()
    r = runner.invoke(server, [*base, "--since", WINDOW["since"], "--until", WINDOW["until"]])
    assert r.exit_code == 0, r.output
    assert "resale" in r.output and "120.00 USD" in r.output and "50 EUR" in r.output
    assert "aluminium" in r.output
    assert "Disposed of for reuse without a verified record: 2" in r.output
    assert "Landfill diversion: 75.1%" in r.output
    r = runner.invoke(server, [*base, "--site", "AUS2", "--json"])
    assert r.exit_code == 0, r.output
    data: dict[str, Any] = json.loads(r.output)
    assert data["assets_disposed"] == 1 and data["site"] == "AUS2"
    r = runner.invoke(server, [*base, "--since", "soon"])
    assert r.exit_code != 0 and "not a date" in r.output


def test_demo_data_has_dispositions_to_report(db_url: str, tmp_path: Path) -> None:
    from assets.tags import make_tag
    from sync.server.certificate_pdf import render_pdf
    from sync.server.certificates import gather
    from sync.server.demo import DISPOSALS, seed
    from tests.sync.server.harness import open_store

    store = open_store(db_url, tmp_path)
    try:
        seed(store, assets=60)
        with reading(store.engine) as conn:
            report = disposition_report(conn)
            facts = gather(conn, make_tag("asset", 42))
        assert report.assets_disposed == len(DISPOSALS)
        assert report.sanitization.reuse_without_verified_record_tags == [make_tag("asset", 51)]
        assert {c.commodity for c in report.recycling} == {
            "aluminium",
            "circuit_boards",
            "plastics",
        }
        assert report.landfill_diversion is not None and 0 < report.landfill_diversion < 1
        text = _pdf_text(render_pdf(facts, "2026-06-01T00:00:00+00:00", "sam"))
        assert "RS-2026-0042" in text and "person:carl" in text
    finally:
        store.close()
