"""Bad input never gets a 5xx: every text field with NUL and lone surrogates, deep nesting, huge
numbers, odd digits, money out of bounds, tags that read as paths, unknown routes — on SQLite
and PostgreSQL, through a running server. A bad operation is rejected alone; only a body that
cannot be read as a batch fails it.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from sync.server import tables as t
from tests.assets.factory import Device
from tests.sync.server.harness import DeviceClient, World

NUL, SURROGATE = "\x00", "\ud800"  # json.dumps writes the surrogate as the escape \ud800


def _count(world: World, table: Any) -> int:
    with world.store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)


def _post_raw(client: DeviceClient, path: str, raw: bytes) -> httpx.Response:
    headers = client.headers | {"Content-Type": "application/json"}
    return client.http.post(path, content=raw, headers=headers)


def _send(client: DeviceClient, method: str, path: str, body: Any) -> httpx.Response:
    """JSON with every non-ASCII character escaped, so a lone surrogate travels as \\ud800."""
    headers = client.headers | {"Content-Type": "application/json"}
    return client.http.request(method, path, content=json.dumps(body).encode(), headers=headers)


def _is_error_body(r: httpx.Response) -> None:
    body = r.json()
    assert set(body) >= {"error", "message"}, body
    assert "detail" not in body


# ---- nesting --------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [65, 3000])
def test_deep_nesting_is_refused_with_422(world: World, depth: int) -> None:
    client = world.device("d1")
    d = Device("d1")
    op = d.op("register", "asset:N-1").to_dict()
    op["args"] = {"serial": "NESTED"}
    deep = ("[" * depth + '"x"' + "]" * depth).encode()
    raw = json.dumps({"device_id": "d1", "ops": [op]}).encode().replace(b'"NESTED"', deep)
    r = _post_raw(client, "/v1/sync/push", raw)
    assert r.status_code == 422, r.text
    _is_error_body(r)
    assert "deeper than 64" in r.json()["message"]
    r = _post_raw(client, "/v1/auth/signin", b'{"username":' + b"[" * depth + b"]" * depth + b"}")
    assert r.status_code == 422, r.text
    _is_error_body(r)
    assert _count(world, t.oplog) == 0


def test_nesting_within_the_limit_is_one_operations_rejection(world: World) -> None:
    client, d = world.device("d1"), Device("d1")
    op = d.op("register", "asset:N-2").to_dict()
    nested: Any = "x"
    for _ in range(50):
        nested = {"a": nested}
    op["args"] = {"serial": nested}
    after = d.op("register", "asset:N-3")
    body = client.push_raw([op, after.to_dict()]).json()
    assert [r["status"] for r in body["results"]] == ["rejected", "applied"]


# ---- NUL and lone surrogates in pushed operations -----------------------------------------

_OP_FIELDS = ("op_id", "hlc", "actor", "kind", "target", "args.location", "expects.x", "args.k")


@pytest.mark.parametrize("bad", [NUL, SURROGATE], ids=["nul", "surrogate"])
def test_unstorable_text_in_any_field_of_an_operation_rejects_that_operation_alone(
    world: World, bad: str
) -> None:
    client, d = world.device("d1"), Device("d1")
    ops: list[dict[str, Any]] = []
    for name in _OP_FIELDS:
        op = d.op("observe", "asset:U-1", {"location": "DAL1"}).to_dict()
        if name.startswith("args."):
            op["args"] = {name[5:]: f"DAL1{bad}"}
        elif name.startswith("expects."):
            op["expects"] = {name[8:]: f"v{bad}"}
        else:
            op[name] = f"{op[name]}{bad}"
        ops.append(op)
    # A NUL or surrogate the domain core does not read (inside a weight) is refused too.
    seal = d.op("observe", "asset:U-1", {"location": "DAL1"}).to_dict()
    seal.update(
        kind="dispose",
        args={"outcome": "recycle", "weight": {"value": "2", "unit": "kg", "x": f"{bad}"}},
    )
    ops.append(seal)
    good = d.op("register", "asset:U-2")
    ops.append(good.to_dict())
    batch = {"device_id": "d1", "ops": ops}
    r = _send(client, "POST", "/v1/sync/push", batch)
    assert r.status_code == 200, r.text
    body = r.json()
    statuses = [(v["status"], v["code"]) for v in body["results"]]
    expected = [("rejected", "invalid")] * (len(ops) - 1) + [("applied", None)]
    expected[_OP_FIELDS.index("kind")] = ("rejected", "quarantined")  # an unknown kind is kept
    assert statuses == expected
    assert all(bad not in (v["reason"] or "") for v in body["results"])
    assert body["acked_through"] == len(ops)
    assert _count(world, t.rejections) == len(ops) - 2
    assert _count(world, t.quarantine) == 1
    assert _count(world, t.oplog) == 1
    r = _send(client, "POST", "/v1/sync/push", batch)  # again: answered, nothing doubled
    assert r.status_code == 200, r.text
    assert {v["status"] for v in r.json()["results"]} == {"duplicate"}
    assert _count(world, t.oplog) == 1


@pytest.mark.parametrize("bad", [NUL, SURROGATE], ids=["nul", "surrogate"])
def test_unstorable_device_id_of_a_batch_is_422(world: World, bad: str) -> None:
    client = world.device("d1")
    r = _send(client, "POST", "/v1/sync/push", {"device_id": f"d1{bad}", "ops": []})
    assert r.status_code == 422, r.text
    _is_error_body(r)


# ---- NUL and surrogates in every query, path and body field ----------------------------------


def _text_params(world: World) -> list[tuple[str, str, str, str]]:
    """(method, path template, param name, where) of every text parameter in the document."""
    doc = world.http.get("/openapi.json").json()
    found = []
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            for param in op.get("parameters", []):
                schema = param["schema"]
                kinds = [schema.get("type")] + [s.get("type") for s in schema.get("anyOf", [])]
                if (
                    param["in"] in ("query", "path")
                    and "string" in kinds
                    and "enum" not in str(schema)
                ):
                    found.append((method.upper(), path, param["name"], param["in"]))
    return found


def _fill(path: str, value: str = "x") -> str:
    out = path
    while "{" in out:
        start, end = out.index("{"), out.index("}")
        out = out[:start] + value + out[end + 1 :]
    return out


def test_a_nul_in_any_query_or_path_parameter_is_422(world: World) -> None:
    params = _text_params(world)
    assert len(params) >= 20
    for method, path, name, where in params:
        if where == "path":
            url = path.replace("{" + name + "}", "bad%00tag")
            r = world.admin.http.request(method, _fill(url), headers=world.admin.headers)
        else:
            r = world.admin.http.request(
                method, _fill(path), params={name: f"a{NUL}"}, headers=world.admin.headers
            )
        assert r.status_code == 422, (method, path, name, r.status_code, r.text)
        _is_error_body(r)


_BODIES: dict[str, dict[str, Any]] = {
    "/v1/auth/signin": {"username": "tech", "pin": "3333"},
    "/v1/users": {"username": "newbie", "display_name": "New", "role": "crew", "pin": "1234"},
    "/v1/enrolments": {"hours": 1, "note": "spare"},
    "/v1/devices/enrol": {"code": "x" * 20, "device_id": "dev-9", "name": "spare"},
    "/v1/conflicts/c-1/decision": {"choice": "value", "value": {"grade": "F1"}, "note": "n"},
    "/v1/verify": {"heads": [{"h": "main"}]},
}
_HEAD = {
    "partition": "main",
    "position": 1,
    "hash": "0" * 64,
    "signature": "0" * 128,
    "key_id": "k",
    "signed_at": "2026-01-01T00:00:00+00:00",
}


@pytest.mark.parametrize("bad", [NUL, SURROGATE], ids=["nul", "surrogate"])
def test_unstorable_text_in_any_body_field_is_422(world: World, bad: str) -> None:
    cases = [(path, name) for path, body in _BODIES.items() for name in body if name != "hours"]
    cases.append(("/v1/users/tech", "display_name"))
    for path, field in cases:
        body = dict(_BODIES.get(path, {"display_name": "T"}))
        value = body[field]
        if field == "heads":
            body[field] = [_HEAD | {"partition": f"main{bad}"}]  # a nested model's text
        elif isinstance(value, dict):
            body[field] = {"grade": f"F{bad}"}
        else:
            body[field] = f"{value}{bad}"
        method = "PATCH" if path == "/v1/users/tech" else "POST"
        r = _send(world.admin, method, path, body)
        assert r.status_code == 422, (path, field, r.status_code, r.text)
        _is_error_body(r)
        assert field in r.json()["message"], r.text
    assert _count(world, t.users) == 4


def test_ten_kilobytes_in_text_fields_is_a_clear_4xx(world: World) -> None:
    big = "A" * 10_240
    r = world.admin.post("/v1/users", {**_BODIES["/v1/users"], "display_name": big})
    assert r.status_code == 422
    r = world.admin.get("/v1/assets", q=big)
    assert r.status_code == 422
    client, d = world.device("d1"), Device("d1")
    op: dict[str, Any] = d.op("register", "asset:BIG-1", {"serial": "S"}).to_dict()
    op["args"] = {"serial": big}
    assert client.push_raw([op]).json()["results"][0]["status"] == "rejected"


# ---- numbers, cursors, money, tags --------------------------------------------------------


@pytest.mark.parametrize("cursor", ["²", "١٢", "1.5", "-1", "9" * 19, " 1"])
def test_only_ascii_digits_make_a_cursor(world: World, cursor: str) -> None:
    r = world.admin.get("/v1/sync/pull", cursor=cursor)
    assert r.status_code == 422, r.text
    _is_error_body(r)


def test_huge_numbers_are_4xx(world: World) -> None:
    client, d = world.device("d1"), Device("d1")
    op = d.op("register", "asset:H-1").to_dict() | {"device_seq": 10**30}
    assert client.push_raw([op]).status_code == 422
    op = d.op("register", "asset:H-1").to_dict() | {"device_seq": 1, "schema": 10**30}
    assert client.push_raw([op]).status_code == 422
    assert world.admin.get("/v1/conflicts", after=str(10**30)).status_code == 422
    assert world.admin.get("/v1/sync/pull", limit=str(10**30)).status_code == 422
    assert world.admin.post("/v1/enrolments", {"hours": 10**30}).status_code == 422


@pytest.mark.parametrize(
    ("amount", "ok"),
    [
        ("1e999999999", False),
        ("1000000000000.0001", False),
        ("12.34567", False),
        ("-1", False),
        ("NaN", False),
        ("1000000000000", True),
        ("0.0001", True),
    ],
)
def test_money_is_bounded(world: World, amount: str, ok: bool) -> None:
    client, d = world.device("d1"), Device("d1")
    dispose: dict[str, Any] = d.op("dispose", "asset:M-1", {"outcome": "resale"}).to_dict()
    dispose["args"] = {"outcome": "resale", "value": {"amount": amount, "currency": "USD"}}
    verdict = client.push_raw([dispose]).json()["results"][0]
    assert (verdict["status"] != "rejected") is ok, verdict
    if not ok:
        assert "args.value" in verdict["reason"]
    r = world.admin.get("/v1/reports/disposition")
    assert r.status_code == 200, r.text


@pytest.mark.parametrize(
    "target",
    ["asset:../../etc/passwd", "asset:.hidden", "asset:a/b", "asset:TA\\x", "pallet:%00"],
)
def test_targets_follow_the_tag_grammar(world: World, target: str) -> None:
    client, d = world.device("d1"), Device("d1")
    op = d.op("register", "asset:G-1").to_dict() | {"target": target}
    verdict = client.push_raw([op]).json()["results"][0]
    assert (verdict["status"], verdict["code"]) == ("rejected", "invalid")
    assert "target" in verdict["reason"]
    assert _count(world, t.assets) == 0


def test_unknown_routes_and_methods_answer_with_the_projects_error_body(world: World) -> None:
    r = world.http.get("/v1/nothing-here")
    assert r.status_code == 404
    _is_error_body(r)
    assert r.json()["error"] == "not_found"
    r = world.http.delete("/v1/sync/push")
    assert r.status_code == 405
    _is_error_body(r)
    assert r.json()["error"] == "method_not_allowed"
