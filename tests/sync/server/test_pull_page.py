"""The pull route writes stored states into its answer as they are stored (sync.server.pull
page_json): the answer must be exactly the PullResponse the models make, for every kind of
entity (assets, pallets, locations, location tags, conflicts), page by page, with the head."""

from __future__ import annotations

import json
from typing import Any

from sync.protocol import PullResponse
from sync.server.db import reading
from sync.server.heads import latest_head
from sync.server.pull import pull_page
from tests.sync.server.harness import World
from tests.sync.server.scenarios import scenarios, two_devices


def test_pull_answer_is_the_models_json(world: World) -> None:
    a, b = two_devices()
    client_a, client_b = world.device("dev-a", "sup"), world.device("dev-b", "admin")
    cases = scenarios(a, b)
    client_a.push([op for case in cases for op in case.first])
    client_b.push([op for case in cases for op in case.second])
    entities: set[str] = set()
    cursor, pages = "0", 0
    while True:
        r = client_a.get("/v1/sync/pull", cursor=cursor, limit=7)
        assert r.status_code == 200, r.text
        answer: dict[str, Any] = r.json()
        PullResponse.model_validate_json(r.content)  # what a device checks it against
        with reading(world.store.engine) as conn:
            page = pull_page(conn, cursor, 7, None)
            page.head = latest_head(conn, world.store.settings.partition)
        assert answer == json.loads(page.model_dump_json())
        entities |= {change["entity"] for change in answer["changes"]}
        pages += 1
        cursor = answer["next_cursor"]
        if not answer["has_more"]:
            break
    assert pages > 3
    assert answer["head"] is not None
    assert entities == {"asset", "pallet", "location", "location_tag", "conflict"}
