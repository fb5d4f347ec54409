"""The ASGI application of the central store (FastAPI; OpenAPI document at /openapi.json).

Errors all come back as `sync.protocol.ErrorBody`: StoreError subclasses carry their status and
code; request validation failures become 422 with one readable line per problem; a body over the
limit is refused with 413 before it is read into memory.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync.errors import StoreError, TooManyAttempts
from sync.server import (
    guard,
    routes_certificates,
    routes_data,
    routes_lifecycle,
    routes_people,
    routes_read,
    routes_reports,
    routes_sync,
    routes_tags,
)
from sync.server.store import Store


class BodyLimit:
    """Refuse request bodies over `max_bytes` with 413, whether announced or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                await _too_large(send, self.max_bytes)
                return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _BodyTooLarge:
            await _too_large(send, self.max_bytes)


class _BodyTooLarge(Exception):
    pass


async def _too_large(send: Send, max_bytes: int) -> None:
    response = JSONResponse(
        {
            "error": "too_large",
            "message": f"the request body is over {max_bytes} bytes: send a smaller batch",
            "max_bytes": max_bytes,
        },
        status_code=413,
    )
    await response({"type": "http"}, _no_receive, send)


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}


def _where(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc)


def create_app(store: Store) -> FastAPI:
    app = FastAPI(
        title="TagTrail central store",
        version="1",
        description="The server every TagTrail device syncs to. See DESIGN.md, 'The sync protocol'.",
    )
    app.state.store = store
    app.include_router(routes_sync.router)
    app.include_router(routes_read.router)
    app.include_router(routes_people.router)
    app.include_router(routes_reports.router)
    app.include_router(routes_certificates.router)
    app.include_router(routes_data.router)
    app.include_router(routes_lifecycle.router)
    app.include_router(routes_tags.router)
    routes_sync.document_push_body(app)

    @app.exception_handler(StoreError)
    async def store_error(_request: Request, exc: StoreError) -> JSONResponse:
        body: dict[str, Any] = {"error": exc.code, "message": exc.message}
        body.update({k: v for k, v in exc.extra.items() if k != "error"})
        if "error" in exc.extra:
            body["error"] = exc.extra["error"]
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        if isinstance(exc, TooManyAttempts):
            headers = {"Retry-After": str(exc.retry_after)}
        return JSONResponse(body, status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"where": _where(tuple(e.get("loc", ()))), "message": str(e.get("msg", "invalid"))}
            for e in exc.errors()[:50]
        ]
        first = problems[0] if problems else {"where": "request", "message": "invalid"}
        return JSONResponse(
            {
                "error": "invalid_request",
                "message": f"{first['where']}: {first['message']}",
                "problems": problems,
            },
            status_code=422,
        )

    guard.install(app)
    app.add_middleware(BodyLimit, max_bytes=store.settings.max_body_bytes)
    return app
