"""The store's settings devices follow: receipt weight tolerance and label QR base URL, kept in
the database, served to every signed-in caller, changed by admins only (both databases)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.assets.factory import BASE_MS, Device
from tests.sync.server.harness import World


def _receipt(world: World, pallet: str, received_kg: int) -> str:
    """Seal a pallet at 100 kg, receive it at `received_kg`: the receipt's verdict."""
    d = Device(f"dev-{pallet}", start_ms=BASE_MS)
    client = world.device(f"dev-{pallet}")
    key = f"pallet:{pallet}"
    seal = d.op("seal", key, {"seal_number": "S1", "gross": _kg(100), "tare": _kg(20)})
    receive = d.op(
        "receive", key, {"seal_number": "S1", "gross": _kg(received_kg), "facility": "facility:E"}
    )
    return str(client.push([seal, receive])["results"][1]["status"])


def _kg(n: int) -> dict[str, str]:
    return {"value": str(n), "unit": "kg"}


def test_defaults_are_served_to_every_signed_in_caller(world: World) -> None:
    assert world.http.get("/v1/settings").status_code == 401
    r = world.device("t1", "tech").get("/v1/settings")
    assert r.status_code == 200
    assert r.json() == {
        "weight_tolerance_pct": "2",
        "label_base_url": "https://tagtrail.local/t/",
        "organisation_name": "",
    }


def test_an_admin_sets_the_tolerance_and_later_receipts_follow_it(world: World) -> None:
    assert _receipt(world, "PL-S1", 104) == "flagged"  # 4 % off: out of the default 2 %
    r = world.admin.http.put(
        "/v1/settings",
        json={"weight_tolerance_pct": "5", "label_base_url": "https://assets.example/t"},
        headers=world.admin.headers,
    )
    assert r.status_code == 200, r.text
    assert r.json() == {
        "weight_tolerance_pct": "5",
        "label_base_url": "https://assets.example/t/",
        "organisation_name": "",
    }
    assert _receipt(world, "PL-S2", 104) == "applied"  # within 5 %
    assert _receipt(world, "PL-S3", 106) == "flagged"
    conflicts = world.admin.get("/v1/conflicts", target="pallet:PL-S3").json()["items"]
    assert conflicts[0]["detail"]["tolerance_pct"] == "5"
    seen = world.device("c9", "crew").get("/v1/settings").json()
    assert seen["weight_tolerance_pct"] == "5"


@pytest.mark.parametrize(
    "body",
    [
        {"weight_tolerance_pct": "-1"},
        {"weight_tolerance_pct": "51"},
        {"weight_tolerance_pct": "two"},
        {"weight_tolerance_pct": "NaN"},
        {"weight_tolerance_pct": "1e999999"},
        {"label_base_url": "ftp://x/"},
        {"label_base_url": "https:///t/"},
        {"label_base_url": "https://a b/"},
        {"weight_tolerance_pct": "3", "label_base_url": "not a url"},
        {"weight_tolerance_pct": "\x00"},
        {"label_base_url": "https://x/" + "\ud800"},
        {"label_base_url": "https://x/" + "a" * 10_000},
        {"organisation_name": "   "},
        {"organisation_name": "A" * 121},
        {"organisation_name": "Acme\x00"},
        {"colour": "red"},
    ],
)
def test_bad_values_are_refused_whole_and_change_nothing(world: World, body: Any) -> None:
    headers = {**world.admin.headers, "Content-Type": "application/json"}
    # json.dumps escapes a lone surrogate as \ud800, as a hostile client would send it
    r = world.admin.http.put("/v1/settings", content=json.dumps(body), headers=headers)
    assert r.status_code in (400, 422), r.text
    assert r.json()["error"] and r.json()["message"]
    assert world.admin.get("/v1/settings").json()["weight_tolerance_pct"] == "2"


def test_only_admins_change_settings(world: World) -> None:
    for person in ("tech", "crew", "sup"):
        client = world.device(f"d-{person}", person)
        r = client.http.put(
            "/v1/settings", json={"weight_tolerance_pct": "9"}, headers=client.headers
        )
        assert r.status_code == 403, (person, r.text)
    assert world.http.put("/v1/settings", json={"weight_tolerance_pct": "9"}).status_code == 401
    assert world.admin.get("/v1/settings").json()["weight_tolerance_pct"] == "2"


def test_an_admin_names_the_organisation_on_one_line(world: World) -> None:
    r = world.admin.http.put(
        "/v1/settings",
        json={"organisation_name": "  Acme\tRecycling\n Corp  "},
        headers=world.admin.headers,
    )
    assert r.status_code == 200, r.text
    assert r.json()["organisation_name"] == "Acme Recycling Corp"
    assert r.json()["weight_tolerance_pct"] == "2"  # the others stay
    assert world.device("t2", "tech").get("/v1/settings").json()["organisation_name"] == (
        "Acme Recycling Corp"
    )
