"""A local fake of the OpenAI chat-completions API that speaks the real wire format.

Tests point LiteLLM (or the openai SDK) at it so the whole provider path runs (HTTP, SSE
parsing, retries, timeouts) without a network or a key. Lifecycle, failure scripting and
recording live in ``tests.fakes.base``; this module is only OpenAI's wire format.

In a test::

    async with FakeOpenAI(reply="Hello there") as fake:
        await litellm.acompletion(model="openai/fake-model", api_base=fake.base_url, ...)
        fake.fail_next(429, retry_after=1)  # the next chat request gets a 429
        assert "passage" in fake.last_request["messages"][0]["content"]

As a process for benchmarks::

    python -m tests.fakes.openai_server --port 8399 --delay 0.02

A process is configured over HTTP under ``/_fake/`` (see ``FakeProvider._admin_*``), because
the benchmark driver cannot reach its attributes.
"""

from __future__ import annotations

import uuid
from typing import Any

from aiohttp import web

from tests.fakes.common import (
    Failure,
    FailureKind,
    RecordedRequest,
    ReplySource,
    ScriptedToolCall,
    ToolCallSource,
    Turn,
    content_text,
    count_tokens,
    last_user_text,
    seconds_text,
    split_words,
    sse,
)
from tests.fakes.completion import CompletionFake, run_main

__all__ = [
    "Failure",
    "FailureKind",
    "FakeOpenAI",
    "RecordedRequest",
    "ReplySource",
    "ScriptedToolCall",
    "ToolCallSource",
    "count_tokens",
    "default_reply",
    "message_text",
    "split_words",
]

SYSTEM_FINGERPRINT = "fp_fake"

# OpenAI's error "type" per status, so SDK exception mapping sees what the real API sends.
_ERROR_TYPES: dict[int, tuple[str, str | None]] = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("permission_error", None),
    404: ("invalid_request_error", "model_not_found"),
    408: ("timeout", None),
    429: ("requests", "rate_limit_exceeded"),
    500: ("server_error", None),
    502: ("server_error", None),
    503: ("server_error", "service_unavailable"),
}
CONTENT_POLICY = (
    "Your request was rejected as a result of our safety system. Your prompt may contain text "
    "that is not allowed by our safety system."
)
CONTEXT_WINDOW = (
    "This model's maximum context length is 128000 tokens. However, your messages resulted in "
    "{tokens} tokens. Please reduce the length of the messages."
)


def default_reply(body: dict[str, Any]) -> str:
    """Deterministic and request-dependent, so a test can tell which request a reply answers."""
    return f"Fake reply: {_last_user_text(body)[:60]}"


def _last_user_text(body: dict[str, Any]) -> str:
    return last_user_text(body.get("messages"), message_text)


def message_text(message: dict[str, Any]) -> str:
    """The text of a message whose content is a string or a list of content parts."""
    return content_text(message.get("content"), separator="")


class FakeOpenAI(CompletionFake):
    """OpenAI's ``/v1/chat/completions`` (and ``/v1/models``); ``api_key`` is a bearer token.

    ``tool_calls`` scripts function calling: a request that offers ``tools`` is answered with
    those calls (``message.tool_calls``, or ``delta.tool_calls`` pieces when streaming) and
    finish_reason "tool_calls"."""

    provider_name = "OpenAI"
    malformed_body = '{"id": "chatcmpl-broken", "object": "chat.completion", "choices": [{"ind'
    malformed_event = b'data: {"id": "chatcmpl-broken", "choices": [{"delta": {"con\n\n'
    context_window_message = CONTEXT_WINDOW
    context_window_limit = 128_000
    settings: tuple[str, ...] = (*CompletionFake.settings, "tool_calls")

    def __init__(self, *, tool_calls: ToolCallSource = None, **kwargs: Any) -> None:
        self.tool_calls: ToolCallSource = tool_calls
        super().__init__(**kwargs)

    def _tool_calls_for(self, turn: Turn) -> list[ScriptedToolCall]:
        source = self.tool_calls
        if source is None or not turn.body.get("tools"):
            return []
        found = source(turn.body) if callable(source) else source
        # Set over /_fake/config, a call arrives as a plain JSON object.
        return [
            c if isinstance(c, ScriptedToolCall) else ScriptedToolCall(**c) for c in found or []
        ]

    @property
    def base_url(self) -> str:
        """What to pass as ``api_base`` / ``base_url``; includes the ``/v1`` prefix."""
        return f"http://{self.host}:{self.port}/v1"

    def _add_routes(self, app: web.Application) -> None:
        app.router.add_post("/v1/chat/completions", self._complete)
        app.router.add_get("/v1/models", self._models)

    def _is_completion(self, path: str) -> bool:
        return path.endswith("/chat/completions")

    def _user_text(self, body: dict[str, Any]) -> str:
        return _last_user_text(body)

    def _auth_error(self, request: web.Request) -> web.Response | None:
        if self.api_key is None:
            return None
        if request.headers.get("Authorization") == f"Bearer {self.api_key}":
            return None
        return self._error_response(401, "Incorrect API key provided.")

    async def _models(self, request: web.Request) -> web.StreamResponse:
        self._record(request, None)
        if (denied := self._auth_error(request)) is not None:
            return denied
        model = self.model or "fake-model"
        return web.json_response(
            {
                "object": "list",
                "data": [{"id": model, "object": "model", "created": 0, "owned_by": "fake"}],
            }
        )

    def _parse(self, request: web.Request, body: Any) -> Turn | web.Response:
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            return self._error_response(400, "'messages' is a required property")
        options = body.get("stream_options")
        include_usage = isinstance(options, dict) and bool(options.get("include_usage"))
        return Turn(
            body=body,
            model=self.model or str(body.get("model") or "fake-model"),
            stream=bool(body.get("stream")),
            prompt_tokens=sum(count_tokens(message_text(m)) for m in body["messages"]),
            max_tokens=body.get("max_completion_tokens") or body.get("max_tokens"),
            include_usage=include_usage and self.report_usage,
            id=f"chatcmpl-{uuid.uuid4().hex[:24]}",
        )

    # -- responses ---------------------------------------------------------------------------

    @staticmethod
    def _usage(turn: Turn) -> dict[str, int]:
        return {
            "prompt_tokens": turn.prompt_tokens,
            "completion_tokens": turn.completion_tokens,
            "total_tokens": turn.prompt_tokens + turn.completion_tokens,
        }

    @staticmethod
    def _meta(turn: Turn) -> dict[str, Any]:
        return {
            "id": turn.id,
            "created": turn.created,
            "model": turn.model,
            "system_fingerprint": SYSTEM_FINGERPRINT,
        }

    @staticmethod
    def _call_id(turn: Turn, index: int) -> str:
        return f"call_{turn.id[-12:]}{index}"

    def _json_reply(self, turn: Turn) -> web.Response:
        message: dict[str, Any] = {"role": "assistant", "content": turn.text, "refusal": None}
        if turn.tool_calls:
            message["content"] = None
            message["tool_calls"] = [
                {
                    "id": self._call_id(turn, i),
                    "type": "function",
                    "function": {"name": c.name, "arguments": c.arguments_text},
                }
                for i, c in enumerate(turn.tool_calls)
            ]
        return web.json_response(
            {
                **self._meta(turn),
                "object": "chat.completion",
                "choices": [
                    {"index": 0, "message": message, "logprobs": None, "finish_reason": turn.finish}
                ],
                "usage": self._usage(turn),
            },
            headers={"x-request-id": f"req_{uuid.uuid4().hex}"},
        )

    def _stream_headers(self) -> dict[str, str]:
        return {
            "Content-Type": "text/event-stream; charset=utf-8",
            "Cache-Control": "no-cache",
            "x-request-id": f"req_{uuid.uuid4().hex}",
        }

    def _chunk(self, turn: Turn, delta: dict[str, Any], finish: str | None = None) -> bytes:
        data: dict[str, Any] = {
            **self._meta(turn),
            "object": "chat.completion.chunk",
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
        }
        if turn.include_usage:
            # OpenAI sends "usage": null on every chunk but the last when usage is asked for.
            data["usage"] = None
        return sse(data)

    def _open_events(self, turn: Turn) -> list[bytes]:
        if turn.tool_calls:
            return self._tool_call_events(turn)
        # Like OpenAI: the role arrives first with empty content, then the text in pieces.
        return [self._chunk(turn, {"role": "assistant", "content": ""})]

    def _tool_call_events(self, turn: Turn) -> list[bytes]:
        """Like OpenAI: each call opens with its id, name and empty arguments, then the
        arguments' JSON text arrives in pieces under the call's index."""
        events = []
        for i, call in enumerate(turn.tool_calls):
            head = {
                "index": i,
                "id": self._call_id(turn, i),
                "type": "function",
                "function": {"name": call.name, "arguments": ""},
            }
            delta: dict[str, Any] = {"tool_calls": [head]}
            if i == 0:
                delta = {"role": "assistant", "content": None, **delta}
            events.append(self._chunk(turn, delta))
            text = call.arguments_text
            for start in range(0, len(text), 8):
                piece = {"index": i, "function": {"arguments": text[start : start + 8]}}
                events.append(self._chunk(turn, {"tool_calls": [piece]}))
        return events

    def _piece_event(self, turn: Turn, index: int, piece: str) -> bytes:
        return self._chunk(turn, {"content": piece})

    def _close_events(self, turn: Turn, finish: str | None = None) -> list[bytes]:
        events = [self._chunk(turn, {}, finish or turn.finish)]
        if turn.include_usage:
            usage_chunk = {
                **self._meta(turn),
                "object": "chat.completion.chunk",
                "choices": [],
                "usage": self._usage(turn),
            }
            events.append(sse(usage_chunk))
        return [*events, b"data: [DONE]\n\n"]

    def _refusal_events(self, turn: Turn) -> list[bytes]:
        # Output moderation cuts the stream with finish_reason "content_filter".
        return self._close_events(turn, "content_filter")

    def _error_event(self, failure: Failure, turn: Turn) -> bytes:
        # OpenAI's mid-stream error: a data event holding an error object, then no [DONE].
        return sse(_error_body(failure.status, failure.message))

    # -- errors ------------------------------------------------------------------------------

    def _content_policy_response(self, failure: Failure, turn: Turn) -> web.StreamResponse:
        body = _error_body(400, failure.message or CONTENT_POLICY)
        body["error"]["code"] = "content_policy_violation"
        return web.json_response(body, status=400)

    def _context_window_response(self, failure: Failure, turn: Turn) -> web.StreamResponse:
        tokens = self.context_window_limit + turn.prompt_tokens
        body = _error_body(
            400, failure.message or self.context_window_message.format(tokens=tokens)
        )
        body["error"].update(param="messages", code="context_length_exceeded")
        return web.json_response(body, status=400)

    def _error_response(
        self, status: int, message: str | None, *, retry_after: float | None = None
    ) -> web.Response:
        headers = {"x-request-id": f"req_{uuid.uuid4().hex}"}
        if retry_after is not None:
            headers["Retry-After"] = seconds_text(retry_after)
        return web.json_response(_error_body(status, message), status=status, headers=headers)


def _error_body(status: int, message: str | None) -> dict[str, Any]:
    error_type, code = _ERROR_TYPES.get(
        status, ("server_error" if status >= 500 else "invalid_request_error", None)
    )
    return {
        "error": {
            "message": message or f"Scripted failure from the fake server (HTTP {status}).",
            "type": error_type,
            "param": None,
            "code": code,
        }
    }


def main(argv: list[str] | None = None) -> None:
    run_main(FakeOpenAI, __doc__, argv)


if __name__ == "__main__":
    main()
