"""The log's canonical JSON is one text per value, whichever encoder writes it."""

from __future__ import annotations

import json

import pytest

from sync.server.chain import canonical_json

STANDARD = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)

VALUES: list[dict[str, object]] = [
    {"b": 1, "a": 'x\u2028é😀\x00\x1f\x7f"\\/', "c": [True, None, False, {"z": "\t\n\r\b\f"}]},
    {"é": 1, "e": 2, "😀": 3, "\uffff": 4, "nested": {"y": [1, [2, {"x": -3}]]}},
    {"amount": 1e16, "small": 1e-7, "plain": 0.1, "whole": 2.0},  # floats: standard path
    {"huge": 2**70, "negative": -(2**64)},  # beyond 64 bits: standard path
    {"lone": "\ud800"},  # a lone surrogate: standard path
    {"op_id": "0b4f7d0c-5b8e-4c3e-9f1a-2b6d8e0f1a2b", "device_seq": 12, "args": {}},
]


@pytest.mark.parametrize("value", VALUES)
def test_canonical_json_is_the_standard_encoders_text(value: dict[str, object]) -> None:
    assert canonical_json(value) == STANDARD.encode(value)
