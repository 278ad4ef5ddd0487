"""Every error leaves as JSON {"error": {code, message, request_id}} with the right status."""

from __future__ import annotations

import json
import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, StatementError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Send
from temporalio.service import RPCError

from core.errors import AurixaError, RateLimited, ValidationFailed
from core.llm_payloads import INPUT_BLOCKED
from core.logging import request_id_var

log = logging.getLogger("aurixa.api")

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
}


def error_body(code: str, message: str, **extra: object) -> dict[str, object]:
    return {
        "error": {"code": code, "message": message, "request_id": request_id_var.get(), **extra}
    }


def error_response(status: int, code: str, message: str, **extra: object) -> JSONResponse:
    return JSONResponse(error_body(code, message, **extra), status_code=status)


async def send_error(send: Send, status: int, code: str, message: str) -> None:
    """The typed error body, sent from raw ASGI middleware (before any route or handler)."""
    body = json.dumps(error_body(code, message)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def input_blocked(reply: str | None) -> ValidationFailed:
    """422 input_blocked: the clinic's policy refused what the caller sent to a raw door, as
    it would refuse the same text in a turn; `reply` is the policy's own words."""
    return ValidationFailed(
        reply or "The clinic's safety policy refused this request.", code=INPUT_BLOCKED
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AurixaError)
    async def _aurixa(_: Request, exc: AurixaError) -> JSONResponse:
        response = error_response(exc.status, exc.code, exc.message)
        if isinstance(exc, RateLimited):
            response.headers["Retry-After"] = str(exc.retry_after_s)
            # The IETF RateLimit fields, so clients can pace themselves without parsing.
            response.headers["RateLimit-Limit"] = str(exc.limit)
            response.headers["RateLimit-Remaining"] = "0"
            response.headers["RateLimit-Reset"] = str(exc.retry_after_s)
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = [
            {
                "field": ".".join(str(p) for p in err.get("loc", ()) if p != "body"),
                "problem": err.get("msg", ""),
            }
            for err in exc.errors()
        ]
        return error_response(
            422, "validation_error", "The request body is invalid.", details=details
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        response = error_response(exc.status_code, code, str(exc.detail))
        # Starlette's 405 names the allowed methods in `Allow`, as HTTP requires; keep it.
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(RPCError)
    async def _temporal_rpc(_: Request, exc: RPCError) -> JSONResponse:
        # Temporal became unreachable or refused the call mid-request.
        log.error("temporal rpc failed", extra={"rpc_status": exc.status.name})
        return error_response(503, "service_unavailable", "The workflow engine is unavailable.")

    @app.exception_handler(DataError)
    @app.exception_handler(OverflowError)
    async def _out_of_range(_: Request, exc: Exception) -> JSONResponse:
        # A value the schema let through but the database cannot hold (an id past its
        # integer range): the caller's mistake, said as one, never a 500.
        log.info("value out of range", extra={"exc_type": type(exc).__name__})
        return error_response(422, "invalid_value", "A value in the request is out of range.")

    @app.exception_handler(StatementError)
    async def _statement(request: Request, exc: StatementError) -> JSONResponse:
        # asyncpg checks parameters client-side ("invalid input for query argument $1:
        # 2446855850822605824 (value out of int32 range)") and SQLAlchemy wraps that as an
        # interface error: still the caller's value, not our failure.
        refused = "invalid input for query argument" in str(exc.orig)
        if refused or isinstance(exc.orig, OverflowError | ValueError):
            return await _out_of_range(request, exc)
        return await _unexpected(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        # Type only: messages and tracebacks can carry PII or secrets.
        log.error("unhandled error", extra={"exc_type": type(exc).__name__})
        return error_response(500, "internal_error", "Something went wrong on our side.")
