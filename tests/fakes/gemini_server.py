"""A local fake of the Gemini API (Google AI Studio) ``generateContent`` in the real wire format.

LiteLLM reaches it with ``model="gemini/<name>"`` and ``api_base=fake.base_url`` (ending in
``/v1beta``): it then posts to ``{api_base}/models/<name>:generateContent``, or for a stream
``:streamGenerateContent?alt=sse``, with the key in ``x-goog-api-key``. A stream is SSE ``data:``
lines, each a GenerateContentResponse holding one text piece and usageMetadata; the last has
finishReason STOP. Errors are ``{"error": {"code": 429, "message": ..., "status": ...}}``.

In a test (name a model LiteLLM knows: for an unknown one it folds the system prompt into the
user turn instead of sending ``system_instruction``, and prices nothing)::

    async with FakeGemini(reply="Hello there") as fake:
        await litellm.acompletion(model="gemini/gemini-2.5-flash", api_base=fake.base_url, ...)

As a process: ``python -m tests.fakes.gemini_server --port 8397``.
"""

from __future__ import annotations

import uuid
from typing import Any

from aiohttp import web

from tests.fakes.common import Failure, Turn, count_tokens, last_user_text, sse
from tests.fakes.completion import CompletionFake, run_main

API_VERSION = "v1beta"
METHODS = ("generateContent", "streamGenerateContent")
# google.rpc status and a message close to the real one, per HTTP status.
_ERRORS: dict[int, tuple[str, str]] = {
    400: ("INVALID_ARGUMENT", "Request contains an invalid argument."),
    401: ("UNAUTHENTICATED", "Request had invalid authentication credentials."),
    403: ("PERMISSION_DENIED", "The caller does not have permission"),
    404: ("NOT_FOUND", "Requested entity was not found."),
    429: (
        "RESOURCE_EXHAUSTED",
        "You exceeded your current quota, please check your plan and billing details. For more "
        "information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.",
    ),
    500: (
        "INTERNAL",
        "An internal error has occurred. Please retry or report in "
        "https://developers.generativeai.google/guide/troubleshooting",
    ),
    503: ("UNAVAILABLE", "The model is overloaded. Please try again later."),
    504: ("DEADLINE_EXCEEDED", "Deadline expired before operation could complete."),
}
# LiteLLM keys on "exceeds the maximum number of tokens allowed" for ContextWindowExceededError.
CONTEXT_WINDOW = (
    "The input token count ({tokens}) exceeds the maximum number of tokens allowed (1048576)."
)
FINISH_REASONS = {"stop": "STOP", "length": "MAX_TOKENS"}
SAFETY_RATINGS = [
    {"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "HIGH", "blocked": True},
    {"category": "HARM_CATEGORY_HARASSMENT", "probability": "NEGLIGIBLE"},
]
UNREGISTERED = (
    "Method doesn't allow unregistered callers (callers without established identity). "
    "Please use API Key or other form of API consumer identity to call this API."
)


def parts_text(content: Any) -> str:
    """The text of a Content (``{"role": ..., "parts": [{"text": ...}]}``)."""
    if not isinstance(content, dict):
        return ""
    parts = content.get("parts")
    if not isinstance(parts, list):
        return ""
    # One part per line, so words of adjacent parts are never run together when counted.
    return "\n".join(str(p.get("text", "")) for p in parts if isinstance(p, dict))


def _either(mapping: dict[str, Any], camel: str, snake: str) -> Any:
    # The API accepts both spellings of every field; LiteLLM sends a mix.
    return mapping.get(camel, mapping.get(snake))


class FakeGemini(CompletionFake):
    """Gemini's generateContent/streamGenerateContent; ``api_key`` against ``x-goog-api-key``."""

    provider_name = "Gemini"
    malformed_body = '{"candidates": [{"content": {"parts": [{"text": "bro'
    malformed_event = b'data: {"candidates": [{"content": {"parts": [{"text": "bro\r\n\r\n'
    context_window_message = CONTEXT_WINDOW
    context_window_limit = 1_048_576

    @property
    def base_url(self) -> str:
        """Pass as ``api_base``; LiteLLM appends ``/models/<model>:<method>``."""
        return f"http://{self.host}:{self.port}/{API_VERSION}"

    def _add_routes(self, app: web.Application) -> None:
        # aiohttp cannot split "name:method" inside one segment, so the handler does it.
        app.router.add_post(f"/{API_VERSION}/models/{{target}}", self._route)

    async def _route(self, request: web.Request) -> web.StreamResponse:
        model, _, method = request.match_info["target"].rpartition(":")
        if not model or method not in METHODS:
            self._record(request, None)
            return self._error_response(404, f"Method not found: {request.match_info['target']}")
        if method == METHODS[1] and request.query.get("alt") != "sse":
            self._record(request, None)
            return self._error_response(400, "This fake serves streamGenerateContent with alt=sse")
        return await self._complete(request)

    def _is_completion(self, path: str) -> bool:
        return path.endswith(tuple(f":{method}" for method in METHODS))

    def _user_text(self, body: dict[str, Any]) -> str:
        return last_user_text(body.get("contents"), parts_text, default_role="user")

    def _auth_error(self, request: web.Request) -> web.Response | None:
        if self.api_key is None:
            return None
        given = request.headers.get("x-goog-api-key") or request.query.get("key")
        if given is None:
            return self._error_response(403, UNREGISTERED)
        if given != self.api_key:
            return self._error_response(400, "API key not valid. Please pass a valid API key.")
        return None

    def _parse(self, request: web.Request, body: Any) -> Turn | web.Response:
        if not isinstance(body, dict) or not isinstance(body.get("contents"), list):
            return self._error_response(
                400, "* GenerateContentRequest.contents: contents is not specified"
            )
        model, _, method = request.match_info["target"].rpartition(":")
        texts = [parts_text(_either(body, "systemInstruction", "system_instruction"))]
        texts += [parts_text(content) for content in body["contents"]]
        config = _either(body, "generationConfig", "generation_config") or {}
        return Turn(
            body=body,
            model=self.model or model,
            stream=method == "streamGenerateContent",
            prompt_tokens=sum(count_tokens(text) for text in texts),
            max_tokens=_either(config, "maxOutputTokens", "max_output_tokens"),
            include_usage=self.report_usage,
            id=uuid.uuid4().hex[:22],
        )

    # -- responses ---------------------------------------------------------------------------

    @staticmethod
    def _usage(turn: Turn, completion_tokens: int | None) -> dict[str, int]:
        usage = {"promptTokenCount": turn.prompt_tokens}
        if completion_tokens is not None:
            usage["candidatesTokenCount"] = completion_tokens
        usage["totalTokenCount"] = turn.prompt_tokens + (completion_tokens or 0)
        return usage

    def _response(
        self, turn: Turn, candidate: dict[str, Any] | None, completion_tokens: int | None
    ) -> dict[str, Any]:
        """One GenerateContentResponse: the whole reply, or one chunk of a stream."""
        body: dict[str, Any] = {}
        if candidate is not None:
            body["candidates"] = [{**candidate, "index": 0}]
        if turn.include_usage or not turn.stream:
            body["usageMetadata"] = self._usage(turn, completion_tokens)
        return {**body, "modelVersion": turn.model, "responseId": turn.id}

    @staticmethod
    def _text_candidate(text: str, finish: str | None) -> dict[str, Any]:
        candidate: dict[str, Any] = {"content": {"parts": [{"text": text}], "role": "model"}}
        if finish is not None:
            candidate["finishReason"] = finish
        return candidate

    def _json_reply(self, turn: Turn) -> web.Response:
        candidate = self._text_candidate(turn.text, FINISH_REASONS[turn.finish])
        return web.json_response(self._response(turn, candidate, turn.completion_tokens))

    def _stream_headers(self) -> dict[str, str]:
        return {"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}

    def _chunk(self, turn: Turn, candidate: dict[str, Any], sent: int) -> bytes:
        tokens = count_tokens("".join(turn.pieces[:sent]))
        # Google ends each SSE event with CRLF CRLF.
        return sse(self._response(turn, candidate, tokens), end="\r\n\r\n")

    def _open_events(self, turn: Turn) -> list[bytes]:
        return []

    def _piece_event(self, turn: Turn, index: int, piece: str) -> bytes:
        # The last piece carries finishReason: Gemini sends no separate closing event.
        last = index == len(turn.pieces) - 1
        candidate = self._text_candidate(piece, FINISH_REASONS[turn.finish] if last else None)
        return self._chunk(turn, candidate, index + 1)

    def _close_events(self, turn: Turn) -> list[bytes]:
        if turn.pieces:
            return []
        return [self._chunk(turn, self._text_candidate("", FINISH_REASONS[turn.finish]), 0)]

    def _refusal_events(self, turn: Turn) -> list[bytes]:
        # A reply blocked half-way: a candidate with no content and finishReason SAFETY.
        candidate = {"finishReason": "SAFETY", "safetyRatings": SAFETY_RATINGS}
        return [self._chunk(turn, candidate, len(turn.pieces))]

    def _error_event(self, failure: Failure, turn: Turn) -> bytes:
        return sse(_error_body(failure.status, failure.message), end="\r\n\r\n")

    # -- errors ------------------------------------------------------------------------------

    def _content_policy_response(self, failure: Failure, turn: Turn) -> web.StreamResponse:
        # The prompt itself is blocked: HTTP 200, no candidates, promptFeedback.blockReason.
        feedback = {"blockReason": "SAFETY", "safetyRatings": SAFETY_RATINGS}
        body = {**self._response(turn, None, None), "promptFeedback": feedback}
        if turn.stream:
            return web.Response(body=sse(body, end="\r\n\r\n"), content_type="text/event-stream")
        return web.json_response(body)

    def _error_response(
        self, status: int, message: str | None, *, retry_after: float | None = None
    ) -> web.Response:
        body = _error_body(status, message)
        if retry_after is not None:
            # Google says when to retry in the body (google.rpc.RetryInfo), not in a header.
            body["error"]["details"] = [
                {
                    "@type": "type.googleapis.com/google.rpc.RetryInfo",
                    "retryDelay": f"{retry_after:g}s",
                }
            ]
        return web.json_response(body, status=status, content_type="application/json")


def _error_body(status: int, message: str | None) -> dict[str, Any]:
    default_status = "INTERNAL" if status >= 500 else "FAILED_PRECONDITION"
    rpc_status, default = _ERRORS.get(status, (default_status, f"HTTP {status}"))
    return {"error": {"code": status, "message": message or default, "status": rpc_status}}


def main(argv: list[str] | None = None) -> None:
    run_main(FakeGemini, __doc__, argv)


if __name__ == "__main__":
    main()
