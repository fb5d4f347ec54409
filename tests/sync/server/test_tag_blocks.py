"""Runs of new tags from the store (`POST /v1/tags/reserve`): never the same number twice, not
to two devices asking at once, not over tags already in the store; refused to the wrong role
and to bad input, which writes nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from assets.new_tags import MAX_NEW_TAGS
from assets.tags import make_tag
from sync.server import tables as t
from tests.assets.factory import Device
from tests.sync.server.harness import DeviceClient, World

PATH = "/v1/tags/reserve"


def _reserve(client: DeviceClient, kind: str, count: Any) -> httpx.Response:
    return client.http.post(PATH, json={"kind": kind, "count": count}, headers=client.headers)


def _post_raw(client: DeviceClient, path: str, body: dict[str, Any]) -> httpx.Response:
    """`body` as the JSON text a hostile client writes (lone surrogates and all)."""
    return client.http.post(
        path,
        content=json.dumps(body).encode(),
        headers={**client.headers, "Content-Type": "application/json"},
    )


def _blocks(world: World) -> list[tuple[str, int, int, str, str]]:
    with world.store.engine.connect() as conn:
        rows = conn.execute(
            select(
                t.tag_blocks.c.kind,
                t.tag_blocks.c.first_number,
                t.tag_blocks.c.last_number,
                t.tag_blocks.c.device_id,
                t.tag_blocks.c.actor,
            ).order_by(t.tag_blocks.c.kind, t.tag_blocks.c.first_number)
        )
        return [tuple(row) for row in rows]


def test_runs_follow_each_other_and_each_is_kept_with_who_took_it(world: World) -> None:
    tech = world.device("d-tech", "tech")
    crew = world.device("d-crew", "crew")
    first = _reserve(tech, "asset", 3)
    assert first.status_code == 200, first.text
    assert first.json() == {
        "kind": "asset",
        "first": 1,
        "last": 3,
        "tags": [make_tag("asset", n) for n in (1, 2, 3)],
    }
    second = _reserve(world.device("d-sup", "sup"), "asset", 2).json()
    assert (second["first"], second["last"]) == (4, 5)
    pallets = _reserve(crew, "pallet", 1).json()
    assert pallets["tags"] == [make_tag("pallet", 1)]  # each kind counts on its own
    assert _blocks(world) == [
        ("asset", 1, 3, "d-tech", "tech"),
        ("asset", 4, 5, "d-sup", "sup"),
        ("pallet", 1, 1, "d-crew", "crew"),
    ]


def test_a_run_starts_above_the_tags_already_in_the_store(world: World) -> None:
    sup = world.device("d-sup", "sup")
    d = Device("d-sup")
    sup.push(
        [
            d.op("register", f"asset:{make_tag('asset', 41)}", {"serial": "SN41"}),
            d.op("register", "asset:WEB-0099", {"serial": "SN99"}),  # not in our format
            d.op("register", f"location:{make_tag('location', 7)}", {"path": "DAL1/B1"}),
        ]
    )
    assert _reserve(sup, "asset", 1).json()["tags"] == [make_tag("asset", 42)]
    assert _reserve(sup, "location", 1).json()["first"] == 8
    assert _reserve(sup, "pallet", 1).json()["first"] == 1


def test_devices_asking_at_once_are_never_handed_the_same_number(world: World) -> None:
    clients = [world.device(f"d-{i}", "tech") for i in range(6)]

    def ask(client: DeviceClient) -> list[list[int]]:
        runs = []
        for _ in range(5):
            r = _reserve(client, "asset", 20)
            assert r.status_code == 200, r.text
            runs.append(list(range(r.json()["first"], r.json()["last"] + 1)))
        return runs

    with ThreadPoolExecutor(len(clients)) as pool:
        handed = [n for runs in pool.map(ask, clients) for run in runs for n in run]
    assert sorted(handed) == list(range(1, 6 * 5 * 20 + 1))  # every number once, no gap


def test_only_who_may_claim_a_kind_takes_its_numbers(world: World) -> None:
    tech = world.device("d-tech", "tech")
    crew = world.device("d-crew", "crew")
    refused = _reserve(crew, "asset", 5)
    assert refused.status_code == 403
    assert refused.json()["error"] == "forbidden"
    assert "crew member may not register or claim tags" in refused.json()["message"]
    assert _reserve(tech, "pallet", 5).status_code == 403  # pallet tags: whoever loads
    assert _reserve(crew, "pallet", 5).status_code == 200
    assert _reserve(tech, "location", 5).status_code == 200
    assert [b[0] for b in _blocks(world)] == ["location", "pallet"]


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "asset", "count": 0},
        {"kind": "asset", "count": 3001},
        {"kind": "asset", "count": 10**30},
        {"kind": "asset", "count": -1},
        {"kind": "asset", "count": "3"},
        {"kind": "asset", "count": 2.0},
        {"kind": "asset", "count": True},
        {"kind": "asset", "count": None},
        {"kind": "asset"},
        {"kind": "gadget", "count": 1},
        {"kind": "asset\x00", "count": 1},
        {"kind": "asset\ud800", "count": 1},
        {"kind": "a" * 10_000, "count": 1},
        {"kind": ["asset"], "count": 1},
        {"kind": "asset", "count": 1, "first": 7},
    ],
    ids=lambda body: json.dumps(body)[:40],
)
def test_bad_input_is_422_and_hands_out_nothing(world: World, body: dict[str, Any]) -> None:
    tech = world.device("d-tech", "tech")
    r = _post_raw(tech, PATH, body)
    assert r.status_code == 422, r.text
    assert r.json()["error"] and r.json()["message"]
    assert _blocks(world) == []
    assert _reserve(tech, "asset", 1).json()["first"] == 1  # no number was spent


@pytest.mark.parametrize("path", ["/v1/tags/reserve", "/v1/tags/printed"])
def test_deep_nesting_is_refused_without_a_5xx(world: World, path: str) -> None:
    tech = world.device("d-tech", "tech")
    deep = "[" * 5000 + "]" * 5000
    r = tech.http.post(
        path,
        content=f'{{"kind": "asset", "count": {deep}, "first": {deep}, "last": 1}}'.encode(),
        headers={**tech.headers, "Content-Type": "application/json"},
    )
    assert 400 <= r.status_code < 500, r.text
    assert _blocks(world) == []
    with world.store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.offline_runs)).scalar() == 0


def test_when_the_numbers_run_out_the_store_says_so_and_keeps_the_rest(world: World) -> None:
    tech = world.device("d-tech", "tech")
    assert _reserve(tech, "asset", 1).status_code == 200
    with world.store.engine.begin() as conn:
        conn.execute(update(t.tag_numbers).values(last_number=9_999_990))
    r = _reserve(tech, "asset", 20)
    assert r.status_code == 409
    assert r.json()["error"] == "tags_used_up"
    assert "only 9 new asset tags are left, not 20" in r.json()["message"]
    with world.store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.tag_blocks)).scalar() == 1
    last = _reserve(tech, "asset", 9).json()
    assert (last["first"], last["last"]) == (9_999_991, 9_999_999)


# ---- runs numbered offline, reported at the next sync -------------------------------------

PRINTED = "/v1/tags/printed"


def _report(client: DeviceClient, kind: str, first: Any, last: Any) -> httpx.Response:
    body = {"kind": kind, "first": first, "last": last}
    return client.http.post(PRINTED, json=body, headers=client.headers)


def test_a_run_printed_offline_moves_the_count_past_it_once(world: World) -> None:
    offline = world.device("d-offline", "crew")  # whoever is signed in when it syncs
    r = _report(offline, "asset", 1, 30)
    assert r.status_code == 200, r.text
    assert r.json() == {"kind": "asset", "first": 1, "last": 30, "clashes": []}
    assert _report(offline, "asset", 1, 30).json()["clashes"] == []  # sent again: no change
    online = world.device("d-online", "tech")
    assert _reserve(online, "asset", 2).json()["first"] == 31  # no later run repeats it
    assert _report(offline, "asset", 5, 6).status_code == 200  # below the count: kept, no move
    assert _reserve(online, "asset", 1).json()["first"] == 33
    with world.store.engine.connect() as conn:
        kept = conn.execute(
            select(t.offline_runs.c.first_number, t.offline_runs.c.last_number).order_by(
                t.offline_runs.c.first_number
            )
        ).all()
    assert [tuple(row) for row in kept] == [(1, 30), (5, 6)]


def test_numbers_another_device_holds_are_named_as_clashes(world: World) -> None:
    online = world.device("d-online", "tech")
    assert _reserve(online, "asset", 10).json()["last"] == 10  # 1..10, handed out
    first_offline = world.device("d-first", "tech")
    assert _report(first_offline, "asset", 11, 15).json()["clashes"] == []
    late = world.device("d-late", "tech")
    answer = _report(late, "asset", 8, 12).json()  # numbered offline from what it knew
    assert answer["clashes"] == [
        {"first": 8, "last": 10, "device_id": "d-online"},
        {"first": 11, "last": 12, "device_id": "d-first"},
    ]
    assert _report(late, "pallet", 8, 12).json()["clashes"] == []  # per kind
    assert _reserve(online, "asset", 1).json()["first"] == 16


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "asset", "first": 5, "last": 4},
        {"kind": "asset", "first": 1, "last": 3001},
        {"kind": "asset", "first": 0, "last": 1},
        {"kind": "asset", "first": 1, "last": 10**7},
        {"kind": "asset", "first": 1, "last": 10**30},
        {"kind": "asset", "first": "1", "last": 2},
        {"kind": "asset", "first": True, "last": 2},
        {"kind": "asset", "first": 1},
        {"kind": "gadget", "first": 1, "last": 2},
        {"kind": "asset\x00", "first": 1, "last": 2},
        {"kind": "asset\ud800", "first": 1, "last": 2},
        {"kind": "a" * 10_000, "first": 1, "last": 2},
        {"kind": "asset", "first": 1, "last": 2, "device_id": "someone-else"},
    ],
    ids=lambda body: json.dumps(body)[:40],
)
def test_a_bad_report_is_422_and_keeps_nothing(world: World, body: dict[str, Any]) -> None:
    tech = world.device("d-tech", "tech")
    r = _post_raw(tech, PRINTED, body)
    assert r.status_code == 422, r.text
    with world.store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.offline_runs)).scalar() == 0
    assert _reserve(tech, "asset", 1).json()["first"] == 1


def test_a_run_reported_far_above_what_the_store_knows_spends_no_numbers(world: World) -> None:
    """A hostile device (or a broken one) reporting the last numbers as printed offline would
    use a kind up in one request: a run must start near what the store knows."""
    hostile = world.device("d-hostile", "tech")
    r = _report(hostile, "asset", 9_999_000, 9_999_999)
    assert r.status_code == 409, r.text
    assert r.json()["error"] == "run_out_of_reach"
    assert "cannot start at 9999000: the store's highest asset tag number is 0" in r.text
    with world.store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.offline_runs)).scalar() == 0
    assert _reserve(hostile, "asset", 1).json()["first"] == 1  # nothing was spent
    reach = 1 + MAX_NEW_TAGS + 1  # room for one earlier run the store never kept
    assert _report(hostile, "asset", reach + 1, reach + 1).status_code == 409
    assert _report(hostile, "asset", reach, reach).status_code == 200
    assert _reserve(hostile, "asset", 1).json()["first"] == reach + 1

    # a tag registered high (a pre-printed roll) is what the store knows too
    pushed = world.device("d-roll", "tech")
    roll = Device("d-roll", actor="tech")
    answer = pushed.push([roll.op("register", f"asset:{make_tag('asset', 50_000)}")])
    assert [r["status"] for r in answer["results"]] == ["applied"], answer
    far = 50_000 + MAX_NEW_TAGS + 1
    assert _report(hostile, "asset", far, far + 9).status_code == 200
    assert _report(hostile, "pallet", 2 + MAX_NEW_TAGS, 2 + MAX_NEW_TAGS).status_code == 409
