"""The edge of the central store: input every route refuses the same way, and error bodies.

- A NUL in the path or the query string is refused with 422 before any route runs: PostgreSQL
  cannot hold it and SQLite would, so the one rule (sync.protocol.text_fault) is applied here
  for both. Request bodies follow the same rule through `WireRequest`; pushed operations per
  operation (sync.server.ingest).
- Starlette's own answers (404 for an unknown path, 405 for a wrong method, 400 for a body it
  could not parse) come back as the project's `ErrorBody`, never as `{"detail": ...}`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_to_bytes

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from sync.protocol import MAX_JSON_DEPTH, ErrorBody, ValidationErrorBody

_CODES = {404: "not_found", 405: "method_not_allowed"}
_MESSAGES = {
    404: "there is nothing at this address: see /docs for the calls this store answers",
    405: "this address does not take that method: see /docs",
    400: f"the body could not be read as JSON (at most {MAX_JSON_DEPTH} levels deep)",
}


class RefuseNul:
    """422 for a NUL (%00) anywhere in the path or the query string."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _holds_nul(scope):
            response = JSONResponse(
                {
                    "error": "invalid_request",
                    "message": "the address contains a NUL character (%00): remove it",
                    "problems": [{"where": "url", "message": "contains a NUL character"}],
                },
                status_code=422,
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _holds_nul(scope: Scope) -> bool:
    path: str = scope.get("path", "")
    query: bytes = scope.get("query_string", b"")
    return "\x00" in path or b"\x00" in unquote_to_bytes(query.replace(b"+", b" "))


def document_errors(app: FastAPI) -> None:
    """Say in the OpenAPI document what errors really look like: every operation may answer
    an `ErrorBody` (401, 403, 404, 409, 413, 429 …: the `default` response) and its 422 is a
    `ValidationErrorBody`, not FastAPI's `{"detail": [...]}`."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        doc = generate()
        schemas = doc.setdefault("components", {}).setdefault("schemas", {})
        for model in (ErrorBody, ValidationErrorBody):
            schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, part in schema.pop("$defs", {}).items():
                schemas[name] = part
            schemas[model.__name__] = schema
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        for operations in doc.get("paths", {}).values():
            for operation in operations.values():
                _error_responses(operation.setdefault("responses", {}))
        app.openapi_schema = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]


def _error_responses(responses: dict[str, Any]) -> None:
    def body(name: str, description: str) -> dict[str, Any]:
        ref = {"$ref": f"#/components/schemas/{name}"}
        return {"description": description, "content": {"application/json": {"schema": ref}}}

    if "422" in responses:
        responses["422"] = body("ValidationErrorBody", "the request is not valid: see problems")
    responses.setdefault("default", body("ErrorBody", "an error: a stable code and a message"))


def install(app: FastAPI) -> None:
    """Project error bodies for Starlette's own errors, the NUL guard, and their document."""

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, exc: HTTPException) -> JSONResponse:
        status = 422 if exc.status_code == 400 else exc.status_code
        body: dict[str, Any] = {
            "error": _CODES.get(exc.status_code, "invalid_request" if status == 422 else "error"),
            "message": _MESSAGES.get(exc.status_code, str(exc.detail)),
        }
        return JSONResponse(body, status_code=status, headers=exc.headers)

    app.add_middleware(RefuseNul)
    document_errors(app)
