"""Text no store can hold, refused at the edge: NUL characters and lone surrogates in a
query, a path or a JSON body, and oversized headers.

PostgreSQL refuses NUL in text and UTF-8 cannot encode a lone surrogate, so either one
reached a query as a 500, or inside an action as a failure no retry could fix. One check
here covers every route, before any handler, engine or workflow sees the request.
"""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import send_error

# "\u0000" in JSON, and a high surrogate escape not followed by a low one, or a low one not
# preceded by a high one. Case-insensitive: JSON allows "\uD800" and "\ud800".
_JSON_BAD = re.compile(
    rb"\\u0000|\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f][0-9a-f]{2})"
    rb"|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2}",
    re.I,
)
# %00 in a query string; a path arrives decoded, so NUL is a character there.
_QUERY_BAD = re.compile(rb"%00", re.I)


class TextGuardMiddleware:
    def __init__(self, app: ASGIApp, *, max_header_bytes: int) -> None:
        self.app = app
        self.max_header_bytes = max_header_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = scope.get("headers", [])
        if sum(len(k) + len(v) for k, v in headers) > self.max_header_bytes:
            await send_error(send, 431, "headers_too_large", "The request headers are too large.")
            return
        if "\x00" in scope.get("path", "") or _QUERY_BAD.search(scope.get("query_string", b"")):
            await send_error(send, 422, "invalid_text", _MESSAGE)
            return
        content_type = dict(headers).get(b"content-type", b"")
        if b"json" not in content_type.lower():
            await self.app(scope, receive, send)
            return
        # The body is read whole (the security middleware already caps its size), checked,
        # and handed on as one message.
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message]), send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if _JSON_BAD.search(body):
            await send_error(send, 422, "invalid_text", _MESSAGE)
            return
        await self.app(scope, _replay([{"type": "http.request", "body": body}], receive), send)


_MESSAGE = (
    "The request holds a NUL character or a broken Unicode character (a lone surrogate); "
    "remove it and send the request again."
)


def _replay(messages: list[Message], then: Receive | None = None) -> Receive:
    pending = list(messages)

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        if then is not None:
            return await then()  # after the body: the client's disconnect, when it comes
        return {"type": "http.disconnect"}

    return receive
