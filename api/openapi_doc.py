"""The OpenAPI document as the API behaves: every error status with its body, NDJSON streams
as NDJSON. FastAPI documents only the success and its own 422; the rest comes from the
exception handlers and middleware, so it is added here, once, for every operation."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

ERROR_BODY: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "request_id"],
            "properties": {
                "code": {"type": "string", "description": "stable, machine-readable"},
                "message": {"type": "string", "description": "safe to show a person"},
                "request_id": {"type": "string"},
                "details": {"type": "array", "items": {"type": "object"}},
            },
        }
    },
}

# Every status an operation can answer besides its success: authentication and roles, the
# edge's body, header and text checks, the typed errors routes raise, the rate limiter,
# and the workflow engine being away. Public operations skip 401 and 403.
_ERRORS = {
    "400": "The request could not be read.",
    "401": "No valid API key or token.",
    "402": "The clinic's LLM budget is used up.",
    "403": "The caller's role may not do this.",
    "404": "No such resource for this caller.",
    "405": "Method not allowed; `Allow` names the allowed ones.",
    "409": "Conflicts with the resource's current state.",
    "413": "The body is over MAX_BODY_BYTES.",
    "415": "The body's content type is not accepted.",
    "422": "A typed validation error (`code` says which).",
    "429": "Rate limited; `Retry-After` says when to retry.",
    "431": "The headers are over MAX_HEADER_BYTES.",
    "500": "An unexpected error; the request id finds it in the logs.",
    "502": "A workflow failed.",
    "503": "A dependency (Temporal, the database, a model provider) is unavailable.",
    "504": "A model or turn did not answer in time.",
}
_PUBLIC = ("/health", "/openapi.json", "/docs", "/redoc")
# Streaming operations: their 200 is newline-delimited JSON, one event per line.
_NDJSON = {
    "/api/v1/pipelines/stream": "status, step, text_delta, reset and error events, then done",
    "/api/v1/llm/generate/stream": "delta and reset events, then done or error",
}


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        schema.setdefault("components", {}).setdefault("schemas", {})["ErrorBody"] = ERROR_BODY
        ref = {"$ref": "#/components/schemas/ErrorBody"}
        for path, operations in schema.get("paths", {}).items():
            public = path.startswith(_PUBLIC)
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, text in _ERRORS.items():
                    if public and status in ("401", "403"):
                        continue
                    responses[status] = {
                        "description": text,
                        "content": {"application/json": {"schema": ref}},
                    }
                if path in _NDJSON and "200" in responses:
                    responses["200"] = {
                        "description": f"NDJSON: {_NDJSON[path]}.",
                        "content": {"application/x-ndjson": {"schema": {"type": "object"}}},
                    }
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
