"""A synchronous httpx transport onto the store's ASGI app, for one-off calls in tests."""

from __future__ import annotations

import asyncio

import httpx

from .harness import StoreHarness


class StoreInProcess(httpx.BaseTransport):
    """No network and no threads: each request runs the app to completion."""

    def __init__(self, harness: StoreHarness) -> None:
        self.inner = httpx.ASGITransport(app=harness.app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def send() -> httpx.Response:
            answer = await self.inner.handle_async_request(request)
            body = await answer.aread()
            return httpx.Response(answer.status_code, headers=answer.headers, content=body)

        return asyncio.run(send())
