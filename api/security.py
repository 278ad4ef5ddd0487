"""Security headers on every response and a cap on request bodies, as pure ASGI middleware.

Pure ASGI (not BaseHTTPMiddleware) so streamed NDJSON responses pass through untouched.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import send_error

# The API serves JSON only; the interactive docs load their own scripts and styles.
_API_CSP = b"default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
_DOCS = ("/docs", "/redoc", "/openapi.json")
_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-resource-policy", b"same-site"),
)
_HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


def _behind_tls(scope: Scope) -> bool:
    if scope.get("scheme") == "https":
        return True
    forwarded = dict(scope.get("headers", [])).get(b"x-forwarded-proto", b"")
    return forwarded.split(b",")[0].strip().lower() == b"https"


class BodyTooLarge(Exception):
    pass


class SecurityMiddleware:
    def __init__(
        self, app: ASGIApp, *, max_body_bytes: int, larger: dict[str, int] | None = None
    ) -> None:
        """`larger`: path prefixes allowed a bigger body (audio uploads) and their limit."""
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.larger = larger or {}

    def _limit(self, path: str) -> int:
        return next(
            (n for prefix, n in self.larger.items() if path.startswith(prefix)),
            self.max_body_bytes,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = list(_HEADERS)
        if not scope["path"].startswith(_DOCS):
            extra.append((b"content-security-policy", _API_CSP))
        if _behind_tls(scope):
            extra.append(_HSTS)
        started = False
        too_large = False
        limit = self._limit(scope["path"])

        async def send_secured(message: Message) -> None:
            nonlocal started
            if too_large:
                # The route caught our refusal as a body it could not parse (FastAPI answers
                # 400 then): answer the typed 413 instead, once.
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await self._too_large(send_secured_raw, limit)
                return
            if message["type"] == "http.response.start":
                started = True
            await send_secured_raw(message)

        async def send_secured_raw(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._too_large(send_secured_raw, limit)
            return
        seen = 0

        async def receive_counted() -> Message:
            # Chunked bodies declare no length: count what actually arrives.
            nonlocal seen, too_large
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    too_large = True
                    raise BodyTooLarge
            return message

        try:
            await self.app(scope, receive_counted, send_secured)
        except BodyTooLarge:
            if not started:
                await self._too_large(send_secured_raw, limit)

    async def _too_large(self, send: Send, limit: int) -> None:
        message = f"The request body is over {limit} bytes."
        await send_error(send, 413, "body_too_large", message)
