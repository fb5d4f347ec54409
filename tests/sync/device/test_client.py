"""The HTTP client maps each kind of answer to what the engine does about it."""

from __future__ import annotations

import asyncio
import gc

import httpx
import pytest

from sync.device.client import SyncClient
from sync.errors import (
    BatchTooLarge,
    PushGap,
    ResnapshotRequired,
    ServerRefused,
    ServerUnreachable,
)


def _answer(status: int, body: object = None, raw: bytes | None = None) -> SyncClient:
    def handler(request: httpx.Request) -> httpx.Response:
        if raw is not None:
            return httpx.Response(status, content=raw)
        return httpx.Response(status, json=body)

    return SyncClient("http://store.test", transport=httpx.MockTransport(handler))


def _push(client: SyncClient) -> object:
    async def go() -> object:
        try:
            return await client.push("dev-token", "person", "d1", [])
        finally:
            await client.aclose()

    return asyncio.run(go())


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (503, {"error": "down", "message": "maintenance"}, ServerUnreachable),
        (500, None, ServerUnreachable),
        (429, {"error": "slow_down", "message": "later"}, ServerUnreachable),
        (413, {"error": "too_large", "message": "halve it"}, BatchTooLarge),
        (409, {"error": "gap", "message": "m", "expected_seq": 4, "acked_through": 3}, PushGap),
        (410, {"error": "cursor_expired", "message": "resnapshot"}, ResnapshotRequired),
        (401, {"error": "unauthorized", "message": "sign in again"}, ServerRefused),
        (422, {"detail": [{"msg": "bad"}]}, ServerRefused),
    ],
)
def test_error_answers(status: int, body: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        _push(_answer(status, body))


def test_gap_carries_the_expected_seq() -> None:
    with pytest.raises(PushGap) as caught:
        _push(_answer(409, {"error": "gap", "message": "m", "expected_seq": 7, "acked_through": 6}))
    assert caught.value.expected_seq == 7


def test_unreadable_answers_are_clear_errors() -> None:
    with pytest.raises(ServerRefused, match="bad push answer"):
        _push(_answer(200, raw=b"<html>captive portal</html>"))
    with pytest.raises(ServerUnreachable, match="502"):
        _push(_answer(502, raw=b"Bad gateway"))


def test_network_errors_are_retryable() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no route to host", request=request)

    client = SyncClient("http://store.test", transport=httpx.MockTransport(handler))
    with pytest.raises(ServerUnreachable, match="cannot reach"):
        _push(client)


def test_the_collector_runs_again_after_an_answer_is_parsed_or_refused() -> None:
    """Answers are parsed with the cyclic collector paused (a pull page is thousands of
    objects, none garbage): whatever the answer, it is running again afterwards."""
    good = {"acked_through": 0, "results": [], "head": None}
    assert gc.isenabled()
    _push(_answer(200, good))
    assert gc.isenabled()
    with pytest.raises(ServerRefused):
        _push(_answer(200, raw=b'{"acked_through": "many"}'))
    assert gc.isenabled()
    gc.disable()  # a caller that runs with it off keeps it off
    try:
        _push(_answer(200, good))
        assert not gc.isenabled()
    finally:
        gc.enable()
