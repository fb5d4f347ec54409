"""The supervisors' reports from a known dataset, as JSON and as CSV, on both databases: assets
by status and by place, storage age, value recovered and landfill diversion by period and site,
and per device its latest contact and reported backlog; who may read them."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from assets.operations import Operation
from tests.assets.factory import BASE_MS, Device
from tests.sync.server.harness import World

DAY = 86_400_000
HOUR = 3_600_000
D0 = BASE_MS - BASE_MS % DAY  # 2026-05-28 00:00 UTC, a Thursday (its week starts 05-25)
NOW = D0 + 40 * DAY + 3 * HOUR


def _register(key: str, serial: str) -> tuple[str, str, dict[str, Any]]:
    args = {"serial": serial, "make": "Dell", "model": "OptiPlex 7010", "category": "desktop"}
    return ("register", key, args)


def _plan() -> list[tuple[int, str, str, dict[str, Any]]]:
    """(clock time, kind, target, args) of the whole dataset."""
    steps: list[tuple[int, str, str, dict[str, Any]]] = []

    def at(ms: int, kind: str, key: str, args: dict[str, Any]) -> None:
        steps.append((ms, kind, key, args))

    def asset(n: str, ms: int, place: str | None, status: str | None = None) -> str:
        key = f"asset:RS-{n}"
        at(ms - HOUR // 2, *_register(key, f"SN-{n}"))
        if place:
            at(ms, "observe", key, {"location": place})
        if status:
            at(ms + HOUR, "transition", key, {"to": status, "from": "in_stock"})
        return key

    asset("K1", D0 + HOUR, "DAL1/B1/CLOSET-1", "storage")
    asset("K2", D0 + 5 * DAY, "DAL1/B1/CLOSET-1", "surplus")
    asset("K3", D0 + 3 * DAY, "AUS2/B1/SHELF-1", "storage")
    asset("K4", D0 + DAY, "AUS2/B1/SHELF-1", "deployed")
    k5 = asset("K5", D0 + 2 * DAY, "DAL1/B1/CLOSET-1", "storage")
    at(D0 + 4 * DAY, "transition", k5, {"to": "deployed", "from": "storage"})
    asset("K6", D0 + HOUR, None)

    def disposed(n: str, site: str, ms: int, args: dict[str, Any]) -> None:
        key = asset(n, ms - 2 * HOUR, f"{site}/B1/DOCK")
        at(ms, "dispose", key, args)

    def kg(value: str) -> dict[str, str]:
        return {"value": value, "unit": "kg"}

    usd100 = {"amount": "100.00", "currency": "USD"}
    disposed("R1", "DAL1", D0 + 3 * HOUR, {"outcome": "resale", "weight": kg("2"), "value": usd100})
    recycle = {"outcome": "recycle", "weight": kg("10"), "commodity": "aluminium"}
    disposed("R2", "DAL1", D0 + DAY + HOUR, recycle)
    eur50 = {"amount": "50", "currency": "EUR"}
    disposed(
        "R4", "AUS2", D0 + DAY + 2 * HOUR, {"outcome": "resale", "weight": kg("1"), "value": eur50}
    )
    disposed("R3", "DAL1", D0 + 8 * DAY, {"outcome": "destruction", "weight": kg("4")})
    usd = {"amount": "30.50", "currency": "USD"}
    disposed(
        "R5", "AUS2", D0 + 8 * DAY + HOUR, {"outcome": "resale", "weight": kg("3"), "value": usd}
    )
    plastics = {"outcome": "recycle", "weight": kg("6"), "commodity": "plastics"}
    disposed("R6", "DAL1", D0 + 8 * DAY + 2 * HOUR, plastics)
    # Pushed later: K1 rescanned where it sits (still idle since D0+1h), K2 moved (idle anew).
    at(D0 + 10 * DAY, "observe", "asset:RS-K1", {"location": "DAL1/B1/CLOSET-1"})
    at(D0 + 20 * DAY, "observe", "asset:RS-K2", {"location": "DAL1/B2/CLOSET-2"})
    return sorted(steps, key=lambda s: s[0])


def _seed(world: World) -> None:
    dev = Device("rs-dev", start_ms=D0)
    client = world.device("rs-dev")
    first: list[Operation] = []
    later: list[Operation] = []
    for ms, kind, key, args in _plan():
        wire = dict(args)
        seen = wire.pop("from", None)  # a status change says the status it saw
        expects = {"status": seen} if seen else None
        op = dev.op(kind, key, wire, expects, at_ms=ms)
        (first if ms < D0 + 9 * DAY else later).append(op)
    for batch in (first, later):
        results = client.push(batch)["results"]
        assert {r["status"] for r in results} == {"applied"}, results
    world.store.now_ms = lambda: NOW


@pytest.fixture
def seeded(world: World) -> World:
    _seed(world)
    return world


def _csv_rows(r: Any) -> list[list[str]]:
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    text = r.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def test_assets_by_status_and_site(seeded: World) -> None:
    sup = seeded.device("sup-dev", "sup")
    body = sup.get("/v1/reports/assets-by-status").json()
    assert body["total"] == 12
    counts = {s["status"]: s["assets"] for s in body["by_status"]}
    assert {s: n for s, n in counts.items() if n} == {
        "in_stock": 1,
        "deployed": 2,
        "storage": 2,
        "surplus": 1,
        "resold": 3,
        "recycled": 2,
        "destroyed": 1,
    }
    assert body["by_status"][0] == {
        "status": "in_stock",
        "label": "In stock",
        "colour": "#2e7d32",
        "assets": 1,
    }
    lines = [(x["site"], x["status"], x["assets"]) for x in body["by_site"]]
    assert lines == [
        (None, "in_stock", 1),
        ("AUS2", "deployed", 1),
        ("AUS2", "storage", 1),
        ("AUS2", "resold", 2),
        ("DAL1", "deployed", 1),
        ("DAL1", "storage", 1),
        ("DAL1", "surplus", 1),
        ("DAL1", "resold", 1),
        ("DAL1", "recycled", 2),
        ("DAL1", "destroyed", 1),
    ]
    aus = sup.get("/v1/reports/assets-by-status", site="aus2").json()
    assert aus["site"] == "AUS2" and aus["total"] == 4
    rows = _csv_rows(sup.get("/v1/reports/assets-by-status.csv", site="AUS2"))
    assert rows == [
        ["site", "status", "status_label", "assets"],
        ["AUS2", "deployed", "Deployed", "1"],
        ["AUS2", "storage", "Storage", "1"],
        ["AUS2", "resold", "Resold", "2"],
    ]


def test_assets_by_location_pages_through_the_places(seeded: World) -> None:
    sup = seeded.device("sup-dev", "sup")
    dal = sup.get("/v1/reports/assets-by-location", site="DAL1").json()
    assert [(x["location"], x["assets"]) for x in dal["items"]] == [
        ("DAL1/B1/CLOSET-1", 2),  # K1, K5 (K2 moved on)
        ("DAL1/B1/DOCK", 4),
        ("DAL1/B2/CLOSET-2", 1),
    ]
    first = sup.get("/v1/reports/assets-by-location", limit=2).json()
    assert [x["location"] for x in first["items"]] == ["AUS2/B1/DOCK", "AUS2/B1/SHELF-1"]
    rest = sup.get("/v1/reports/assets-by-location", limit=2, cursor=first["next_cursor"]).json()
    assert [x["location"] for x in rest["items"]] == ["DAL1/B1/CLOSET-1", "DAL1/B1/DOCK"]
    rows = _csv_rows(sup.get("/v1/reports/assets-by-location", format="csv", limit=1))
    assert rows[0] == ["site", "location", "assets"]
    assert len(rows) == 1 + 5  # every place, whatever the page size asked for
    assert ["AUS2", "AUS2/B1/DOCK", "2"] in rows


def test_storage_age_lists_the_longest_idle_first(seeded: World) -> None:
    sup = seeded.device("sup-dev", "sup")
    body = sup.get("/v1/reports/storage-age").json()
    assert body["statuses"] == ["storage", "surplus"]
    got = [(a["tag"], a["status"], a["location"], a["days"]) for a in body["items"]]
    assert got == [
        ("RS-K1", "storage", "DAL1/B1/CLOSET-1", 40),  # the rescan on day 10 is not a move
        ("RS-K3", "storage", "AUS2/B1/SHELF-1", 37),
        ("RS-K2", "surplus", "DAL1/B2/CLOSET-2", 20),  # moved on day 20
    ]
    assert body["items"][0]["since"] == "2026-05-28T01:00:00+00:00"
    assert body["items"][0]["serial"] == "SN-K1" and body["items"][0]["model"] == "OptiPlex 7010"
    dal = sup.get("/v1/reports/storage-age", site="DAL1").json()
    assert [a["tag"] for a in dal["items"]] == ["RS-K1", "RS-K2"]
    surplus = sup.get("/v1/reports/storage-age", status="surplus").json()
    assert [a["tag"] for a in surplus["items"]] == ["RS-K2"]
    tags, cursor = [], None
    while True:
        params: dict[str, Any] = {"limit": 1} | ({"cursor": cursor} if cursor else {})
        page = sup.get("/v1/reports/storage-age", **params).json()
        tags += [a["tag"] for a in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert tags == ["RS-K1", "RS-K3", "RS-K2"]
    rows = _csv_rows(sup.get("/v1/reports/storage-age.csv"))
    assert rows[0][:2] == ["tag", "status"] and rows[0][-2:] == ["since", "days"]
    assert [r[0] for r in rows[1:]] == ["RS-K1", "RS-K3", "RS-K2"]
    assert rows[1][-1] == "40"
    assert sup.get("/v1/reports/storage-age", status="deployed").status_code in (400, 422)
    assert sup.get("/v1/reports/storage-age", cursor="nonsense").status_code in (400, 422)


def test_value_recovered_by_period_site_and_currency(seeded: World) -> None:
    sup = seeded.device("sup-dev", "sup")
    month = sup.get("/v1/reports/recovery", period="month").json()
    lines = [
        (x["period"], x["site"], x["currency"], x["assets"], x["amount"]) for x in month["lines"]
    ]
    assert lines == [
        ("2026-05-01", "AUS2", "EUR", 1, "50"),
        ("2026-05-01", "DAL1", "USD", 1, "100.00"),
        ("2026-06-01", "AUS2", "USD", 1, "30.50"),
    ]
    assert month["totals"] == [
        {"currency": "EUR", "amount": "50"},
        {"currency": "USD", "amount": "130.50"},
    ]
    week = sup.get("/v1/reports/recovery", period="week", site="AUS2").json()
    assert [(x["period"], x["amount"]) for x in week["lines"]] == [
        ("2026-05-25", "50"),
        ("2026-06-01", "30.50"),
    ]
    # A window starting inside a day: R4 (01:00 + 1h later) in, R2's day partly out.
    since = "2026-05-29T01:30:00Z"
    edge = sup.get("/v1/reports/recovery", period="day", since=since, until="2026-05-29").json()
    assert [(x["period"], x["site"], x["amount"]) for x in edge["lines"]] == [
        ("2026-05-29", "AUS2", "50")
    ]
    rows = _csv_rows(sup.get("/v1/reports/recovery", period="month", format="csv"))
    assert rows == [
        ["period", "site", "currency", "assets", "amount"],
        ["2026-05-01", "AUS2", "EUR", "1", "50"],
        ["2026-05-01", "DAL1", "USD", "1", "100.00"],
        ["2026-06-01", "AUS2", "USD", "1", "30.50"],
    ]
    assert sup.get("/v1/reports/recovery", period="year").status_code == 422


def test_landfill_diversion_by_period_and_site(seeded: World) -> None:
    sup = seeded.device("sup-dev", "sup")
    body = sup.get("/v1/reports/diversion", period="week").json()
    got = [
        (
            x["period"],
            x["site"],
            x["assets"],
            Decimal(x["weight_retired_kg"]),
            Decimal(x["weight_diverted_kg"]),
            x["landfill_diversion"],
        )
        for x in body["lines"]
    ]
    assert got == [
        ("2026-05-25", "AUS2", 1, Decimal(1), Decimal(1), "1.0000"),
        ("2026-05-25", "DAL1", 2, Decimal(12), Decimal(12), "1.0000"),
        ("2026-06-01", "AUS2", 1, Decimal(3), Decimal(3), "1.0000"),
        ("2026-06-01", "DAL1", 2, Decimal(10), Decimal(6), "0.6000"),  # 4 kg destroyed
    ]
    assert Decimal(body["weight_retired_kg"]) == 26 and Decimal(body["weight_diverted_kg"]) == 22
    assert body["landfill_diversion"] == str((Decimal(22) / 26).quantize(Decimal("0.0001")))
    dal_june = sup.get("/v1/reports/diversion", site="DAL1", since="2026-06-01").json()
    assert [x["landfill_diversion"] for x in dal_june["lines"]] == ["0.6000"]
    rows = _csv_rows(
        sup.http.get(
            "/v1/reports/diversion",
            params={"period": "month"},
            headers=sup.headers | {"Accept": "text/csv"},
        )
    )
    assert rows[0] == [
        "period",
        "site",
        "assets",
        "weighed",
        "weight_retired_kg",
        "weight_diverted_kg",
        "landfill_diversion",
    ]
    assert rows[1:] == [
        ["2026-05-01", "AUS2", "1", "1", "1.000", "1.000", "1.0000"],
        ["2026-05-01", "DAL1", "2", "2", "12.000", "12.000", "1.0000"],
        ["2026-06-01", "AUS2", "1", "1", "3.000", "3.000", "1.0000"],
        ["2026-06-01", "DAL1", "2", "2", "10.000", "6.000", "0.6000"],
    ]


def test_disposition_report_as_csv(seeded: World) -> None:
    sup = seeded.device("sup-dev", "sup")
    for r in (
        sup.get("/v1/reports/disposition.csv"),
        sup.get("/v1/reports/disposition", format="csv"),
    ):
        rows = _csv_rows(r)
        assert rows[0] == [
            "section",
            "item",
            "assets",
            "weighed",
            "weight_kg",
            "currency",
            "amount",
        ]
        assert ["outcome", "resale", "3", "3", "6.000", "EUR", "50"] in rows
        assert ["outcome", "resale", "3", "3", "6.000", "USD", "130.50"] in rows
        assert ["recycling", "aluminium", "1", "", "10.000", "", ""] in rows
        assert ["total", "landfill diversion", "", "", "0.8462", "", ""] in rows
    assert sup.get("/v1/reports/disposition").headers["content-type"] == "application/json"


def test_devices_report_their_last_contact_and_backlog(seeded: World) -> None:
    world = seeded
    scanner = world.device("rs-scan", "tech")
    r = scanner.http.post(
        "/v1/sync/push",
        json={"device_id": "rs-scan", "ops": []},
        headers=scanner.headers | {"X-TagTrail-Pending": "7"},
    )
    assert r.status_code == 200, r.text
    world.store.now_ms = lambda: NOW + HOUR
    r = scanner.http.get(
        "/v1/sync/pull", params={"limit": 1}, headers=scanner.headers | {"X-TagTrail-Pending": "3"}
    )
    assert r.status_code == 200, r.text
    bad = scanner.http.get(
        "/v1/sync/pull", params={"limit": 1}, headers=scanner.headers | {"X-TagTrail-Pending": "-1"}
    )
    assert bad.status_code in (400, 422) and "X-TagTrail-Pending" in bad.json()["message"]
    sup = world.device("sup-dev", "sup")
    body = sup.get("/v1/reports/devices").json()
    by_id = {d["device_id"]: d for d in body["items"]}
    scan = by_id["rs-scan"]
    assert scan["pending"] == 3 and scan["pending_reported"] == "2026-07-07T04:00:00+00:00"
    assert scan["last_push"] == "2026-07-07T03:00:00+00:00"
    assert scan["last_pull"] == scan["last_contact"] == "2026-07-07T04:00:00+00:00"
    seeded_dev = by_id["rs-dev"]
    assert seeded_dev["acked_through"] == len(_plan()) and seeded_dev["pending"] is None
    assert by_id["admin-dev"]["last_contact"] is None  # never pushed or pulled
    ids = [d["device_id"] for d in body["items"]]
    assert ids == sorted(ids)
    page = sup.get("/v1/reports/devices", limit=2).json()
    assert len(page["items"]) == 2 and page["next_cursor"] == ids[1]
    rows = _csv_rows(sup.get("/v1/reports/devices.csv", limit=1))
    assert rows[0][0] == "device_id" and len(rows) == 1 + len(ids)
    assert [*rows[1 + ids.index("rs-scan")][:3]] == ["rs-scan", "rs-scan", "no"]


REPORTS = [
    "/v1/reports/disposition",
    "/v1/reports/disposition.csv",
    "/v1/reports/assets-by-status",
    "/v1/reports/assets-by-status.csv",
    "/v1/reports/assets-by-location",
    "/v1/reports/assets-by-location.csv",
    "/v1/reports/storage-age",
    "/v1/reports/storage-age.csv",
    "/v1/reports/recovery",
    "/v1/reports/recovery.csv",
    "/v1/reports/diversion",
    "/v1/reports/diversion.csv",
    "/v1/reports/devices",
    "/v1/reports/devices.csv",
    "/v1/reports/recycling-certificate.pdf",
    "/v1/assets/RS-R1/certificate.pdf",
    "/v1/pallets/RS-P1/certificate.pdf",
]


def test_reports_are_for_supervisors_and_admins_only(world: World) -> None:
    tech = world.device("tech-dev", "tech")
    crew = world.device("crew-dev", "crew")
    wrong = {"Authorization": "Bearer not-a-token", "X-TagTrail-Person": "nor-this"}
    stolen = {"Authorization": tech.headers["Authorization"], "X-TagTrail-Person": "forged"}
    for path in REPORTS:
        assert world.http.get(path).status_code == 401, path
        assert world.http.get(path, headers=wrong).status_code == 401, path
        assert world.http.get(path, headers=stolen).status_code == 401, path
        for person in (tech, crew):
            r = person.get(path)
            assert r.status_code == 403 and "supervisor" in r.json()["message"], path
    body = {"tags": ["RS-R1"]}
    assert world.http.post("/v1/certificates.pdf", json=body).status_code == 401
    assert tech.post("/v1/certificates.pdf", body).status_code == 403
    ok = ["/v1/reports/assets-by-status", "/v1/reports/devices.csv", "/v1/reports/storage-age"]
    for path in ok:
        assert world.admin.get(path).status_code == 200, path
    doc = world.http.get("/openapi.json").json()
    for path in REPORTS:
        assert path.replace("RS-R1", "{tag}").replace("RS-P1", "{tag}") in doc["paths"], path
    assert "/v1/certificates.pdf" in doc["paths"]


def test_every_report_from_the_command_line(seeded: World, tmp_path: Path) -> None:
    from app.commands.server import server

    settings = seeded.store.settings
    base = ["--db", settings.db_url, "--key-file", str(settings.key_file), "report"]
    runner = CliRunner()

    def run(*args: str) -> str:
        r = runner.invoke(server, [*base, *args])
        assert r.exit_code == 0, r.output
        return str(r.output)

    table = run("recovery", "--period", "month")
    assert table.splitlines()[0].split() == ["period", "site", "currency", "assets", "amount"]
    assert "2026-06-01  AUS2  USD" in table and table.rstrip().endswith("30.50")
    rows = list(csv.reader(io.StringIO(run("diversion", "--format", "csv", "--site", "DAL1"))))
    assert rows[1:] == [
        ["2026-05-01", "DAL1", "2", "2", "12.000", "12.000", "1.0000"],
        ["2026-06-01", "DAL1", "2", "2", "10.000", "6.000", "0.6000"],
    ]
    out = tmp_path / "idle.csv"
    run("storage-age", "--format", "csv", "--status", "storage", "-o", str(out))
    idle = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline="")))
    assert [r[0] for r in idle[1:]] == ["RS-K1", "RS-K3"]
    counts = json.loads(run("assets-by-status", "--json"))
    assert counts["total"] == 12
    assert "rs-dev" in run("devices")
    assert "Landfill diversion: 84.6%" in run()  # the disposition report, as before
    bad = runner.invoke(server, [*base, "storage-age", "--status", "deployed"])
    assert bad.exit_code != 0 and "storage or surplus" in bad.output.replace(", ", " or ")
