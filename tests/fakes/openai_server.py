"""A local fake of the OpenAI chat-completions API that speaks the real wire format.

Tests point LiteLLM (or the openai SDK) at it so the whole provider path runs (HTTP, SSE
parsing, retries, timeouts) without a network or a key. It serves on 127.0.0.1 from a
background thread with its own event loop: that keeps it independent of whichever loop
pytest-asyncio gives the test (session-scoped here), and a blocking client works as well.

In a test::

    async with FakeOpenAI(reply="Hello there") as fake:
        await litellm.acompletion(model="openai/fake-model", api_base=fake.base_url, ...)
        fake.fail_next(429, retry_after=1)  # the next chat request gets a 429
        assert "passage" in fake.last_request["messages"][0]["content"]

As a process for benchmarks::

    python -m tests.fakes.openai_server --port 8399 --delay 0.02

A process is configured over HTTP under ``/_fake/`` (see ``_admin_*`` below), because the
benchmark driver cannot reach its attributes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import signal
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from types import TracebackType
from typing import Any, Literal

from aiohttp import web

FailureKind = Literal["status", "hang", "malformed"]
ReplySource = str | Callable[[dict[str, Any]], str] | None

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


@dataclass(frozen=True)
class Failure:
    """One scripted failure, consumed by the next chat-completions request.

    kind="status": answer with ``status`` and an OpenAI-shaped error body (plus Retry-After
    when ``retry_after`` is set). In a stream with ``after_chunks > 0`` the error arrives as
    an SSE ``data: {"error": ...}`` event after that many content chunks, as OpenAI does.

    kind="hang": stall for ``hang_s`` seconds (None: until the server stops), before any
    byte when ``after_chunks == 0`` or mid-stream otherwise. If the client is still there
    when the stall ends, the request completes normally, so this doubles as "slow request".

    kind="malformed": a truncated JSON body, or in a stream ``after_chunks`` good chunks then
    a ``data:`` line holding broken JSON, and no ``[DONE]``.
    """

    kind: FailureKind = "status"
    status: int = 500
    retry_after: float | None = None
    message: str | None = None
    after_chunks: int = 0
    hang_s: float | None = None


@dataclass(frozen=True)
class RecordedRequest:
    """What the fake received; bodies of chat requests are also in ``FakeOpenAI.requests``."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    received_at: float = field(default_factory=time.time)


def default_reply(body: dict[str, Any]) -> str:
    """Deterministic and request-dependent, so a test can tell which request a reply answers."""
    for message in reversed(body.get("messages") or []):
        if isinstance(message, dict) and message.get("role") == "user":
            return f"Fake reply: {message_text(message)[:60]}"
    return "Fake reply: "


def message_text(message: dict[str, Any]) -> str:
    """The text of a message whose content is a string or a list of content parts."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            str(part.get("text", ""))
            for part in content
            if isinstance(part, dict) and part.get("type") == "text"
        )
    return ""


def split_words(text: str, words_per_chunk: int) -> list[str]:
    """Split into pieces of ``words_per_chunk`` words whose concatenation is exactly ``text``.

    Each piece keeps the whitespace after its words, so joining the streamed deltas gives
    back the configured reply byte for byte.
    """
    if not text:
        return []
    words = re.split(r"(?<=\s)(?=\S)", text)
    size = max(1, words_per_chunk)
    return ["".join(words[i : i + size]) for i in range(0, len(words), size)]


def count_tokens(text: str) -> int:
    # Whitespace words stand in for tokens: deterministic and good enough for usage assertions.
    return len(text.split())


class FakeOpenAI:
    """The fake server plus its runtime-configurable behaviour.

    Every attribute may be changed while the server runs; each request reads it afresh.
    """

    def __init__(
        self,
        *,
        reply: ReplySource = None,
        delay: float = 0.0,
        first_token_delay: float = 0.0,
        chunk_words: int = 1,
        model: str | None = None,
        api_key: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        max_recorded: int | None = 10_000,
    ) -> None:
        # Reply text, or a callable given the request body; None means default_reply.
        self.reply: ReplySource = reply
        # Seconds before each content chunk; a non-streaming reply waits the same in total.
        self.delay = delay
        # Seconds before the response starts, i.e. the time to first token.
        self.first_token_delay = first_token_delay
        self.chunk_words = chunk_words
        # The "model" field of responses; None echoes the request's model.
        self.model = model
        # When set, requests must carry "Authorization: Bearer <api_key>" or get a 401.
        self.api_key = api_key
        self.host = host
        self.port = port
        self._defaults = {
            "reply": reply,
            "delay": delay,
            "first_token_delay": first_token_delay,
            "chunk_words": chunk_words,
            "model": model,
            "api_key": api_key,
        }
        # The test thread writes these while the server thread reads them, hence the lock.
        self._lock = threading.Lock()
        self._failures: deque[Failure] = deque()
        # Bounded so a long benchmark run does not grow without limit.
        self._calls: deque[RecordedRequest] = deque(maxlen=max_recorded)
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._startup_error: BaseException | None = None

    # -- addresses ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """What to pass as ``api_base`` / ``base_url``; includes the ``/v1`` prefix."""
        return f"http://{self.host}:{self.port}/v1"

    # -- scripting failures ------------------------------------------------------------------

    def script(self, *failures: Failure) -> None:
        """Queue failures; each one is consumed by the next chat-completions request."""
        with self._lock:
            self._failures.extend(failures)

    def fail_next(
        self,
        status: int = 500,
        *,
        times: int = 1,
        retry_after: float | None = None,
        message: str | None = None,
        after_chunks: int = 0,
    ) -> None:
        failure = Failure("status", status, retry_after, message, after_chunks)
        self.script(*([failure] * times))

    def hang_next(
        self, *, times: int = 1, seconds: float | None = None, after_chunks: int = 0
    ) -> None:
        self.script(*([Failure("hang", after_chunks=after_chunks, hang_s=seconds)] * times))

    def malform_next(self, *, times: int = 1, after_chunks: int = 1) -> None:
        self.script(*([Failure("malformed", after_chunks=after_chunks)] * times))

    @property
    def pending_failures(self) -> list[Failure]:
        with self._lock:
            return list(self._failures)

    def _pop_failure(self) -> Failure | None:
        with self._lock:
            return self._failures.popleft() if self._failures else None

    # -- recorded traffic --------------------------------------------------------------------

    @property
    def calls(self) -> list[RecordedRequest]:
        """Every request received (admin endpoints excepted), oldest first."""
        with self._lock:
            return list(self._calls)

    @property
    def requests(self) -> list[dict[str, Any]]:
        """Bodies of chat-completions requests, failed ones included, oldest first."""
        return [
            c.body
            for c in self.calls
            if c.path.endswith("/chat/completions") and isinstance(c.body, dict)
        ]

    @property
    def last_request(self) -> dict[str, Any]:
        found = self.requests
        if not found:
            raise AssertionError("the fake has received no chat-completions request")
        return found[-1]

    def reset(self) -> None:
        """Forget traffic and queued failures and restore the constructor's settings."""
        with self._lock:
            self._failures.clear()
            self._calls.clear()
        for name, value in self._defaults.items():
            setattr(self, name, value)

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> FakeOpenAI:
        """Serve from a daemon thread; returns once the socket accepts connections."""
        if self._thread is not None:
            raise RuntimeError("FakeOpenAI is already running")
        # Binding here, not in the thread, gives a known port before start() returns and no
        # window in which a "free port" could be taken by someone else.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        sock.listen(256)
        sock.setblocking(False)
        self._sock = sock
        self.port = sock.getsockname()[1]
        ready = threading.Event()
        self._startup_error = None
        self._thread = threading.Thread(
            target=self._thread_main, args=(ready,), name=f"fake-openai:{self.port}", daemon=True
        )
        self._thread.start()
        if not ready.wait(timeout=10):
            raise RuntimeError("FakeOpenAI did not start within 10 s")
        if self._startup_error is not None:
            self._thread = None
            raise RuntimeError("FakeOpenAI failed to start") from self._startup_error
        return self

    def stop(self) -> None:
        thread, loop, stopping = self._thread, self._loop, self._stopping
        if thread is None:
            return
        if loop is not None and stopping is not None and not loop.is_closed():
            # Also releases handlers parked in a "hang" so shutdown does not wait for them.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(stopping.set)
        thread.join(timeout=10)
        self._thread = None
        self._loop = None
        self._stopping = None

    def serve_forever(self) -> None:
        """Serve in the calling thread until SIGINT/SIGTERM (the ``python -m`` entry)."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        sock.listen(1024)
        sock.setblocking(False)
        self._sock = sock
        self.port = sock.getsockname()[1]
        # Announced only once the socket is bound, so a script can wait for this line.
        print(f"fake OpenAI listening on {self.base_url}", flush=True)
        asyncio.run(self._serve(ready=None, handle_signals=True))

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> FakeOpenAI:
        # start()/stop() block briefly on thread hand-off; keep that off the test's loop.
        return await asyncio.to_thread(self.start)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await asyncio.to_thread(self.stop)

    def _thread_main(self, ready: threading.Event) -> None:
        try:
            asyncio.run(self._serve(ready=ready, handle_signals=False))
        except BaseException as exc:  # reported to start() rather than lost in the thread
            self._startup_error = exc
            ready.set()

    async def _serve(self, *, ready: threading.Event | None, handle_signals: bool) -> None:
        assert self._sock is not None
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        if handle_signals:
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._loop.add_signal_handler(sig, self._stopping.set)
        # A short shutdown_timeout: in-flight streams are cancelled rather than awaited for
        # aiohttp's default 60 s, so a test's teardown stays fast.
        runner = web.AppRunner(self._make_app(), access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        try:
            await web.SockSite(runner, self._sock).start()
            if ready is not None:
                ready.set()
            await self._stopping.wait()
        finally:
            await runner.cleanup()
            self._sock.close()

    # -- HTTP --------------------------------------------------------------------------------

    def _make_app(self) -> web.Application:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_post("/v1/chat/completions", self._chat_completions)
        app.router.add_get("/v1/models", self._models)
        app.router.add_get("/_fake/requests", self._admin_requests)
        app.router.add_post("/_fake/config", self._admin_config)
        app.router.add_post("/_fake/failures", self._admin_failures)
        app.router.add_post("/_fake/reset", self._admin_reset)
        return app

    def _record(self, request: web.Request, body: Any) -> None:
        call = RecordedRequest(request.method, request.path, dict(request.headers), body)
        with self._lock:
            self._calls.append(call)

    def _auth_error(self, request: web.Request) -> web.Response | None:
        if self.api_key is None:
            return None
        if request.headers.get("Authorization") == f"Bearer {self.api_key}":
            return None
        return _error_response(401, "Incorrect API key provided.")

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

    async def _chat_completions(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        try:
            body: Any = json.loads(raw)
        except ValueError:
            self._record(request, raw.decode("utf-8", "replace"))
            return _error_response(400, "We could not parse the JSON body of your request.")
        self._record(request, body)
        if (denied := self._auth_error(request)) is not None:
            return denied
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            return _error_response(400, "'messages' is a required property")

        failure = self._pop_failure()
        stream = bool(body.get("stream"))
        mid_stream = failure is not None and stream and failure.after_chunks > 0
        if failure is not None and not mid_stream:
            early = await self._fail_before_response(failure)
            if early is not None:
                return early
            failure = None  # a hang that ended: the request now completes normally

        text, finish_reason = self._reply_for(body)
        pieces = split_words(text, self.chunk_words)
        usage = {
            "prompt_tokens": sum(count_tokens(message_text(m)) for m in body["messages"]),
            "completion_tokens": count_tokens(text),
        }
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        meta = {
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
            "created": int(time.time()),
            "model": self.model or str(body.get("model") or "fake-model"),
            "system_fingerprint": SYSTEM_FINGERPRINT,
        }

        if await self._sleep(self.first_token_delay):
            return _error_response(503, "The fake server is shutting down.")
        if stream:
            return await self._stream(request, body, pieces, finish_reason, usage, meta, failure)
        if await self._sleep(self.delay * len(pieces)):
            return _error_response(503, "The fake server is shutting down.")
        return web.json_response(
            {
                **meta,
                "object": "chat.completion",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": text, "refusal": None},
                        "logprobs": None,
                        "finish_reason": finish_reason,
                    }
                ],
                "usage": usage,
            },
            headers={"x-request-id": f"req_{uuid.uuid4().hex}"},
        )

    async def _stream(
        self,
        request: web.Request,
        body: dict[str, Any],
        pieces: list[str],
        finish_reason: str,
        usage: dict[str, int],
        meta: dict[str, Any],
        failure: Failure | None,
    ) -> web.StreamResponse:
        options = body.get("stream_options")
        include_usage = isinstance(options, dict) and bool(options.get("include_usage"))
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream; charset=utf-8",
                "Cache-Control": "no-cache",
                "x-request-id": f"req_{uuid.uuid4().hex}",
            }
        )
        await response.prepare(request)
        # A reset means the client went away (e.g. its timeout fired): nothing left to do.
        with contextlib.suppress(ConnectionResetError):
            await self._write_chunks(
                response, pieces, finish_reason, usage, meta, failure, include_usage
            )
        return response

    async def _write_chunks(
        self,
        response: web.StreamResponse,
        pieces: list[str],
        finish_reason: str,
        usage: dict[str, int],
        meta: dict[str, Any],
        failure: Failure | None,
        include_usage: bool,
    ) -> None:
        def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            data: dict[str, Any] = {
                **meta,
                "object": "chat.completion.chunk",
                "choices": [
                    {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
                ],
            }
            if include_usage:
                # OpenAI sends "usage": null on every chunk but the last when usage is asked for.
                data["usage"] = None
            return data

        # Like OpenAI: the role arrives first with empty content, then the text in pieces.
        await _send_event(response, chunk({"role": "assistant", "content": ""}))
        for sent, piece in enumerate(pieces):
            if failure is not None and sent == failure.after_chunks:
                if await self._fail_mid_stream(response, failure):
                    return
                failure = None
            if await self._sleep(self.delay):
                return
            await _send_event(response, chunk({"content": piece}))
        if failure is not None and await self._fail_mid_stream(response, failure):
            return
        await _send_event(response, chunk({}, finish_reason))
        if include_usage:
            await _send_event(
                response, {**meta, "object": "chat.completion.chunk", "choices": [], "usage": usage}
            )
        await response.write(b"data: [DONE]\n\n")
        await response.write_eof()

    def _reply_for(self, body: dict[str, Any]) -> tuple[str, str]:
        source = self.reply
        text = (
            default_reply(body)
            if source is None
            else source
            if isinstance(source, str)
            else source(body)
        )
        # Honour max_tokens as OpenAI does: cut the reply and say so in finish_reason.
        limit = body.get("max_completion_tokens") or body.get("max_tokens")
        if isinstance(limit, int) and limit > 0 and count_tokens(text) > limit:
            words = split_words(text, 1)
            return "".join(words[:limit]).rstrip(), "length"
        return text, "stop"

    async def _fail_before_response(self, failure: Failure) -> web.StreamResponse | None:
        """The response for a failure that strikes before any byte; None if none is due."""
        if failure.kind == "hang":
            if await self._sleep(failure.hang_s):
                return _error_response(503, "The fake server is shutting down.")
            return None
        if failure.kind == "malformed":
            return web.Response(
                status=200,
                text='{"id": "chatcmpl-broken", "object": "chat.completion", "choices": [{"ind',
                content_type="application/json",
            )
        return _error_response(failure.status, failure.message, retry_after=failure.retry_after)

    async def _fail_mid_stream(self, response: web.StreamResponse, failure: Failure) -> bool:
        """Inject ``failure`` into an open stream; True if the stream must end here."""
        if failure.kind == "hang":
            return await self._sleep(failure.hang_s)
        if failure.kind == "malformed":
            await response.write(b'data: {"id": "chatcmpl-broken", "choices": [{"delta": {"con\n\n')
        else:
            error = _error_body(failure.status, failure.message)
            await response.write(f"data: {json.dumps(error)}\n\n".encode())
        # No [DONE]: the stream just ends, as it does when a provider fails half-way.
        await response.write_eof()
        return True

    async def _sleep(self, seconds: float | None) -> bool:
        """Sleep (None: until shutdown); True if the server began stopping meanwhile."""
        stopping = self._stopping
        assert stopping is not None
        if seconds is not None and seconds <= 0:
            return stopping.is_set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), timeout=seconds)
        return stopping.is_set()

    # -- admin endpoints, for a fake running as a separate process ---------------------------

    async def _admin_requests(self, request: web.Request) -> web.StreamResponse:
        return web.json_response(
            {
                "requests": self.requests,
                "calls": [asdict(c) for c in self.calls],
                "pending_failures": [asdict(f) for f in self.pending_failures],
            },
            dumps=lambda obj: json.dumps(obj, default=str),
        )

    async def _admin_config(self, request: web.Request) -> web.StreamResponse:
        """Set any of reply, delay, first_token_delay, chunk_words, model, api_key."""
        updates = await request.json()
        allowed = {"reply", "delay", "first_token_delay", "chunk_words", "model", "api_key"}
        unknown = set(updates) - allowed
        if unknown:
            return _error_response(400, f"unknown settings: {sorted(unknown)}")
        for name, value in updates.items():
            setattr(self, name, value)
        return web.json_response(
            {name: getattr(self, name) for name in sorted(allowed - {"reply"})}
        )

    async def _admin_failures(self, request: web.Request) -> web.StreamResponse:
        """Queue failures: a Failure as JSON, or {"failures": [...]} for several."""
        payload = await request.json()
        items = payload.get("failures", [payload]) if isinstance(payload, dict) else payload
        try:
            self.script(*(Failure(**item) for item in items))
        except TypeError as exc:
            return _error_response(400, str(exc))
        return web.json_response({"pending": len(self.pending_failures)})

    async def _admin_reset(self, request: web.Request) -> web.StreamResponse:
        self.reset()
        return web.json_response({"reset": True})


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


def _error_response(
    status: int, message: str | None, *, retry_after: float | None = None
) -> web.Response:
    headers = {"x-request-id": f"req_{uuid.uuid4().hex}"}
    if retry_after is not None:
        # Integral seconds are written without ".0": the form clients parse most reliably.
        headers["Retry-After"] = (
            str(int(retry_after)) if retry_after == int(retry_after) else str(retry_after)
        )
    return web.json_response(_error_body(status, message), status=status, headers=headers)


async def _send_event(response: web.StreamResponse, data: dict[str, Any]) -> None:
    await response.write(f"data: {json.dumps(data, separators=(',', ':'))}\n\n".encode())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8399)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each chunk")
    parser.add_argument("--first-token-delay", type=float, default=0.0)
    parser.add_argument("--chunk-words", type=int, default=1)
    parser.add_argument("--reply", default=None, help="fixed reply (default: echo the user)")
    parser.add_argument("--api-key", default=None, help="require this bearer token")
    args = parser.parse_args(argv)
    fake = FakeOpenAI(
        reply=args.reply,
        delay=args.delay,
        first_token_delay=args.first_token_delay,
        chunk_words=args.chunk_words,
        api_key=args.api_key,
        host=args.host,
        port=args.port,
    )
    fake.serve_forever()


if __name__ == "__main__":
    main()
