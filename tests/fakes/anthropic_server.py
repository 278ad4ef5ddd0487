"""A local fake of Anthropic's Messages API (``POST /v1/messages``) in the real wire format.

LiteLLM reaches it with ``model="anthropic/<name>"`` and ``api_base=fake.base_url`` (the bare
origin: LiteLLM appends ``/v1/messages`` itself); the key travels in ``x-api-key``. Streams
are SSE with ``event:`` lines: message_start, content_block_start, ping, content_block_delta
(text_delta) per chunk, content_block_stop, message_delta (stop_reason, output_tokens),
message_stop. Errors are ``{"type": "error", "error": {"type": ..., "message": ...}}``.

In a test::

    async with FakeAnthropic(reply="Hello there") as fake:
        await litellm.acompletion(model="anthropic/claude-haiku-4-5", api_base=fake.base_url, ...)

As a process: ``python -m tests.fakes.anthropic_server --port 8398``.
"""

from __future__ import annotations

import uuid
from typing import Any

from aiohttp import web

from tests.fakes.common import (
    Failure,
    Turn,
    content_text,
    count_tokens,
    last_user_text,
    seconds_text,
    sse,
)
from tests.fakes.completion import CompletionFake, run_main

ANTHROPIC_VERSION_HEADER = "anthropic-version"
# Anthropic's error "type" and a message close to the real one, per status.
_ERRORS: dict[int, tuple[str, str]] = {
    400: ("invalid_request_error", "Invalid request."),
    401: ("authentication_error", "invalid x-api-key"),
    402: ("billing_error", "Your credit balance is too low to access the Anthropic API."),
    403: ("permission_error", "Your API key does not have permission to use this resource."),
    404: ("not_found_error", "Not found"),
    413: ("request_too_large", "Request exceeds the maximum allowed number of bytes."),
    429: (
        "rate_limit_error",
        "This request would exceed the rate limit for your organization of 50 requests per "
        "minute. Please reduce the prompt length or the maximum tokens requested, or try again "
        "later.",
    ),
    500: ("api_error", "Internal server error"),
    504: ("timeout_error", "Request timed out"),
    529: ("overloaded_error", "Overloaded"),
}
# The message Anthropic's output filter returns (LiteLLM keys on "content filtering policy").
CONTENT_POLICY = "Output blocked by content filtering policy"
CONTEXT_WINDOW = "prompt is too long: {tokens} tokens > 200000 maximum"
STOP_REASONS = {"stop": "end_turn", "length": "max_tokens"}


class FakeAnthropic(CompletionFake):
    """Anthropic's Messages API; ``api_key`` is checked against ``x-api-key``."""

    provider_name = "Anthropic"
    malformed_body = '{"id": "msg_broken", "type": "message", "content": [{"type": "te'
    malformed_event = (
        b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"del\n\n'
    )
    context_window_message = CONTEXT_WINDOW
    context_window_limit = 200_000

    @property
    def base_url(self) -> str:
        """The origin, without ``/v1``: LiteLLM and the anthropic SDK add ``/v1/messages``."""
        return f"http://{self.host}:{self.port}"

    def _add_routes(self, app: web.Application) -> None:
        app.router.add_post("/v1/messages", self._complete)

    def _is_completion(self, path: str) -> bool:
        return path == "/v1/messages"

    def _user_text(self, body: dict[str, Any]) -> str:
        return last_user_text(
            body.get("messages"), lambda message: content_text(message.get("content"))
        )

    def _auth_error(self, request: web.Request) -> web.Response | None:
        if request.headers.get(ANTHROPIC_VERSION_HEADER) is None:
            return self._error_response(400, "anthropic-version: header is required")
        if self.api_key is None or request.headers.get("x-api-key") == self.api_key:
            return None
        return self._error_response(401, "invalid x-api-key")

    def _parse(self, request: web.Request, body: Any) -> Turn | web.Response:
        if not isinstance(body, dict):
            return self._error_response(400, "Input should be a valid dictionary")
        for name, kind in (("model", str), ("max_tokens", int), ("messages", list)):
            if name not in body:
                return self._error_response(400, f"{name}: Field required")
            if not isinstance(body[name], kind):
                return self._error_response(400, f"{name}: Input should be a valid {kind.__name__}")
        texts = [content_text(body.get("system"))]
        texts += [content_text(m.get("content")) for m in body["messages"] if isinstance(m, dict)]
        return Turn(
            body=body,
            model=self.model or body["model"],
            stream=bool(body.get("stream")),
            prompt_tokens=sum(count_tokens(text) for text in texts),
            max_tokens=body["max_tokens"],
            include_usage=self.report_usage,
            id=f"msg_{uuid.uuid4().hex[:24]}",
        )

    # -- responses ---------------------------------------------------------------------------

    @staticmethod
    def _headers() -> dict[str, str]:
        return {"request-id": f"req_{uuid.uuid4().hex[:24]}"}

    @staticmethod
    def _input_usage(turn: Turn) -> dict[str, int]:
        return {
            "input_tokens": turn.prompt_tokens,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
        }

    def _json_reply(self, turn: Turn) -> web.Response:
        return web.json_response(
            {
                "id": turn.id,
                "type": "message",
                "role": "assistant",
                "model": turn.model,
                "content": [{"type": "text", "text": turn.text}],
                "stop_reason": STOP_REASONS[turn.finish],
                "stop_sequence": None,
                "usage": {**self._input_usage(turn), "output_tokens": turn.completion_tokens},
            },
            headers=self._headers(),
        )

    def _stream_headers(self) -> dict[str, str]:
        return {
            "Content-Type": "text/event-stream; charset=utf-8",
            "Cache-Control": "no-cache",
            **self._headers(),
        }

    def _open_events(self, turn: Turn) -> list[bytes]:
        message: dict[str, Any] = {
            "id": turn.id,
            "type": "message",
            "role": "assistant",
            "model": turn.model,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
        }
        if turn.include_usage:
            # The real API reports output_tokens 1 here; message_delta carries the final count.
            message["usage"] = {**self._input_usage(turn), "output_tokens": 1}
        block = {
            "type": "content_block_start",
            "index": 0,
            "content_block": {"type": "text", "text": ""},
        }
        return [
            sse({"type": "message_start", "message": message}, "message_start"),
            sse(block, "content_block_start"),
            sse({"type": "ping"}, "ping"),
        ]

    def _piece_event(self, turn: Turn, index: int, piece: str) -> bytes:
        delta = {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "text_delta", "text": piece},
        }
        return sse(delta, "content_block_delta")

    def _close_events(self, turn: Turn, stop_reason: str | None = None) -> list[bytes]:
        delta: dict[str, Any] = {
            "type": "message_delta",
            "delta": {
                "stop_reason": stop_reason or STOP_REASONS[turn.finish],
                "stop_sequence": None,
            },
        }
        if turn.include_usage:
            delta["usage"] = {"output_tokens": turn.completion_tokens}
        return [
            sse({"type": "content_block_stop", "index": 0}, "content_block_stop"),
            sse(delta, "message_delta"),
            sse({"type": "message_stop"}, "message_stop"),
        ]

    def _refusal_events(self, turn: Turn) -> list[bytes]:
        # Claude 4's streaming classifiers end the message with stop_reason "refusal".
        return self._close_events(turn, "refusal")

    def _error_event(self, failure: Failure, turn: Turn) -> bytes:
        return sse(_error_body(failure.status, failure.message), "error")

    # -- errors ------------------------------------------------------------------------------

    def _content_policy_response(self, failure: Failure, turn: Turn) -> web.StreamResponse:
        return self._error_response(400, failure.message or CONTENT_POLICY)

    def _error_response(
        self, status: int, message: str | None, *, retry_after: float | None = None
    ) -> web.Response:
        headers = self._headers()
        if retry_after is not None:
            headers["retry-after"] = seconds_text(retry_after)
        return web.json_response(_error_body(status, message), status=status, headers=headers)


def _error_body(status: int, message: str | None) -> dict[str, Any]:
    error_type, default = _ERRORS.get(
        status, ("api_error" if status >= 500 else "invalid_request_error", "")
    )
    return {
        "type": "error",
        "error": {"type": error_type, "message": message or default or f"HTTP {status}"},
    }


def main(argv: list[str] | None = None) -> None:
    run_main(FakeAnthropic, __doc__, argv)


if __name__ == "__main__":
    main()
