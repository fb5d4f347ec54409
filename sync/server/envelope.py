"""The push body: raw JSON -> (device id, operations in wire form), checked once.

`PushRequest` (sync.protocol) stays the contract and is what the OpenAPI document shows; this
module only avoids paying for it twice. A body whose every field already has its exact JSON type
and fits the model's limits is taken as it is (pydantic would accept it unchanged), so each
operation is then checked once, by the domain core. Anything else — a string where a number
belongs, a missing field, an extra key — goes through `PushRequest` itself, which either
coerces it exactly as before or fails the batch with the same 422 problems as before.

Only a body that cannot be read as a batch fails it (422): not JSON, nested deeper than
`MAX_JSON_DEPTH` levels, or a device_id the store cannot keep. Anything wrong inside one
operation — a NUL or a lone surrogate in any of its texts included — is that operation's
rejection (sync.server.ingest.prepare), so one bad operation never stalls a queue.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from sync.protocol import MAX_JSON_DEPTH, MAX_SEQ, PushRequest, text_fault

WireDict = dict[str, Any]

# (field, largest length) of the text fields of WireOperation; all are required.
_TEXTS = (
    ("op_id", 64),
    ("device_id", 64),
    ("hlc", 120),
    ("actor", 120),
    ("kind", 40),
    ("target", 200),
)


# (field, shortest, longest) of the same texts: op_id and device_id may not be empty.
_TEXT_LIMITS = tuple(
    (name, 1 if name in ("op_id", "device_id") else 0, longest) for name, longest in _TEXTS
)


def parse_push_body(raw: bytes) -> tuple[str, list[WireDict]]:
    """The pushing device's id and its operations; RequestValidationError (422) if unusable."""
    data = _load(raw)
    plain = _plain_request(data)
    if _too_deep(data, plain):
        raise _invalid(
            "json_too_deep", ("body",), f"JSON nested deeper than {MAX_JSON_DEPTH} levels"
        )
    device_id = data.get("device_id") if type(data) is dict else None
    if type(device_id) is str and (why := text_fault(device_id)):
        raise _invalid("text_unstorable", ("body", "device_id"), f"the device_id {why}")
    if plain:
        ops: list[WireDict] = data["ops"]
        for op in ops:
            # What the model's defaults would have filled in (kept in rejection records).
            op.setdefault("args", {})
            op.setdefault("expects", None)
        return data["device_id"], ops
    try:
        request = PushRequest.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**error, "loc": ("body", *error["loc"])} for error in exc.errors()]
        ) from exc
    return request.device_id, [op.to_wire() for op in request.ops]


def _invalid(kind: str, loc: tuple[object, ...], message: str) -> RequestValidationError:
    return RequestValidationError([{"type": kind, "loc": loc, "msg": message, "input": None}])


# A plain request's containers down to each operation's args: the body, `ops`, the operation,
# its args (expects holds only texts).
_PLAIN_LEVELS = 4


def _too_deep(data: object, plain: bool) -> bool:
    """Whether the body nests deeper than MAX_JSON_DEPTH. In a plain request only the values
    inside args can nest further, so only they are walked."""
    if not plain:
        return _deeper_than([data], MAX_JSON_DEPTH)
    inner: list[object] = [
        value
        for op in data["ops"]  # type: ignore[index]
        for value in op.get("args", {}).values()
        if type(value) is dict or type(value) is list
    ]
    return bool(inner) and _deeper_than(inner, MAX_JSON_DEPTH - _PLAIN_LEVELS)


def _deeper_than(level: list[object], limit: int) -> bool:
    """Whether containers below `level` nest more than `limit` further levels; walks
    containers only, no strings."""
    for _ in range(limit):
        inner: list[object] = []
        for value in level:
            if type(value) is dict:
                inner.extend(v for v in value.values() if type(v) is dict or type(v) is list)
            elif type(value) is list:
                inner.extend(v for v in value if type(v) is dict or type(v) is list)
        if not inner:
            return False
        level = inner
    return True


def _load(raw: bytes) -> Any:
    if not raw:
        raise RequestValidationError(
            [{"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}]
        )
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass  # orjson is stricter (NaN, huge integers, lone surrogates): ask the standard parser
    try:
        return json.loads(raw)
    except RecursionError as exc:
        raise _invalid(
            "json_too_deep", ("body",), f"JSON nested deeper than {MAX_JSON_DEPTH} levels"
        ) from exc
    except ValueError as exc:
        position = getattr(exc, "pos", 0)
        raise RequestValidationError(
            [
                {
                    "type": "json_invalid",
                    "loc": ("body", position),
                    "msg": "JSON decode error",
                    "input": {},
                    "ctx": {"error": str(exc)[:200]},
                }
            ]
        ) from exc


def _text(value: object, longest: int, shortest: int = 0) -> bool:
    return type(value) is str and shortest <= len(value) <= longest


def _plain_request(data: object) -> bool:
    if type(data) is not dict or data.keys() != {"device_id", "ops"}:
        return False
    ops = data["ops"]
    return (
        _text(data["device_id"], 64, 1)
        and type(ops) is list
        and all(_plain_operation(op) for op in ops)
    )


def _plain_operation(op: object) -> bool:
    """True when WireOperation would accept `op` and hand back the very same values."""
    if type(op) is not dict or "schema_version" in op:
        return False
    # Inlined (no helper calls): this runs for every operation of every push.
    for name, shortest, longest in _TEXT_LIMITS:
        value = op.get(name)
        if type(value) is not str or not shortest <= len(value) <= longest:
            return False
    for name in ("device_seq", "schema"):
        value = op.get(name)
        if type(value) is not int or not 1 <= value <= MAX_SEQ:
            return False
    if type(op.get("args", {})) is not dict:
        return False
    expects = op.get("expects")
    return expects is None or (
        type(expects) is dict and all(v is None or type(v) is str for v in expects.values())
    )
