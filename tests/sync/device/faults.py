"""Fault injection at the httpx transport seam: wraps the real transport to the real store.

Each fault is queued for the next request(s) to a path and fires once per queued entry:
- "drop_request": the request never reaches the store (a connect error).
- "drop_response": the store handles the request (and commits), the answer is lost.
- "5xx": a 503 from a proxy in front of the store; the store never sees the request.
- "duplicate": the request reaches the store twice (a retrying proxy); the second answer wins.
- "replay_old": before this request, an older push arrives again (a delayed duplicate).
- "skip_ahead": the first half of a push batch is lost on the way: the store sees a gap.
- "kill": the store handles the request, then the client "dies" (raises Killed).
- "too_large": a 413 when a push carries more than `max_ops` operations (set on the object).
Setting `offline = True` fails every request as if the network were gone.
"""

from __future__ import annotations

import json
from collections import defaultdict, deque
from collections.abc import Callable

import httpx


class Killed(Exception):
    """The device process died between the store's answer and the device's ack."""


class FaultyTransport(httpx.AsyncBaseTransport):
    """`inner` is the real transport, or a factory of them for transports whose connections
    belong to one event loop (each one-off sync runs its own loop and closes its client)."""

    def __init__(
        self, inner: httpx.AsyncBaseTransport | Callable[[], httpx.AsyncBaseTransport]
    ) -> None:
        self._factory = None if isinstance(inner, httpx.AsyncBaseTransport) else inner
        self.inner = inner if isinstance(inner, httpx.AsyncBaseTransport) else inner()
        self.offline = False
        self.max_ops: int | None = None
        self.faults: dict[str, deque[str]] = defaultdict(deque)
        self.seen: list[str] = []  # "METHOD path" of every request that reached the seam
        self.fired: list[str] = []
        self.push_sizes: list[int] = []
        self._old_pushes: list[httpx.Request] = []

    async def aclose(self) -> None:
        await self.inner.aclose()
        if self._factory is not None:
            self.inner = self._factory()

    def fail(self, path_end: str, fault: str, times: int = 1) -> None:
        self.faults[path_end].extend([fault] * times)

    def _next_fault(self, path: str) -> str | None:
        for end, queue in self.faults.items():
            if path.endswith(end) and queue:
                return queue.popleft()
        return None

    @staticmethod
    def _copy(request: httpx.Request, content: bytes | None = None) -> httpx.Request:
        return httpx.Request(
            request.method,
            request.url,
            headers=request.headers,
            content=request.content if content is None else content,
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        path = request.url.path
        self.seen.append(f"{request.method} {path}")
        if self.offline:
            raise httpx.ConnectError("network is unreachable", request=request)
        is_push = path.endswith("/sync/push")
        if is_push:
            ops = json.loads(request.content)["ops"]
            self.push_sizes.append(len(ops))
            if self.max_ops is not None and len(ops) > self.max_ops:
                self.fired.append("too_large")
                return httpx.Response(413, json={"error": "too_large", "message": "too big"})
        fault = self._next_fault(path)
        if fault:
            self.fired.append(fault)
        if fault == "drop_request":
            raise httpx.ConnectError("connection reset before sending", request=request)
        if fault == "5xx":
            return httpx.Response(503, json={"error": "unavailable", "message": "proxy says no"})
        if fault == "replay_old" and self._old_pushes:
            stale = await self.inner.handle_async_request(self._copy(self._old_pushes[0]))
            await stale.aread()
        if fault == "skip_ahead" and is_push:
            body = json.loads(request.content)
            body["ops"] = body["ops"][len(body["ops"]) // 2 or 1 :]
            request = self._copy(request, json.dumps(body).encode())
        if is_push:
            self._old_pushes.append(self._copy(request))
        response = await self.inner.handle_async_request(self._copy(request))
        await response.aread()
        if fault == "duplicate":
            response = await self.inner.handle_async_request(self._copy(request))
            await response.aread()
        if fault == "drop_response":
            raise httpx.ReadError("connection lost while reading the answer", request=request)
        if fault == "kill":
            raise Killed("the app was killed after the store answered")
        return response
