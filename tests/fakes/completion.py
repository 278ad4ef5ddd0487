"""The provider-neutral handling of a completion request, stream loop included.

``CompletionFake`` parses nothing itself: each provider supplies its wire format through the
hooks below (request parsing, reply body, stream events, error shapes), and this module decides
when to reply, stream, stall or fail as the scripted ``Failure`` says.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
from abc import abstractmethod
from typing import Any, Literal

from aiohttp import web

from tests.fakes.base import FakeProvider
from tests.fakes.common import (
    Failure,
    ReplySource,
    ScriptedToolCall,
    Turn,
    count_tokens,
    split_words,
)


class CompletionFake(FakeProvider):
    """A fake whose completion endpoint is ``_complete``; subclasses give the wire format."""

    settings: tuple[str, ...] = (
        "reply",
        "delay",
        "first_token_delay",
        "chunk_words",
        "model",
        "api_key",
        "report_usage",
    )

    def __init__(
        self,
        *,
        reply: ReplySource = None,
        delay: float = 0.0,
        first_token_delay: float = 0.0,
        chunk_words: int = 1,
        model: str | None = None,
        api_key: str | None = None,
        report_usage: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
        max_recorded: int | None = 10_000,
    ) -> None:
        # Reply text, or a callable given the request body; None: "Fake reply: <user text>".
        self.reply: ReplySource = reply
        # Seconds before each content chunk; a non-streaming reply waits the same in total.
        self.delay = delay
        # Seconds before the response starts, i.e. the time to first token.
        self.first_token_delay = first_token_delay
        self.chunk_words = chunk_words
        # The model named in responses; None echoes the request's model.
        self.model = model
        # When set, requests must carry this key the provider's way or are rejected.
        self.api_key = api_key
        # False: streams carry no usage at all, so a caller must estimate it.
        self.report_usage = report_usage
        super().__init__(host=host, port=port, max_recorded=max_recorded)

    # -- the wire format, supplied by each provider ------------------------------------------

    @abstractmethod
    def _auth_error(self, request: web.Request) -> web.Response | None: ...

    @abstractmethod
    def _parse(self, request: web.Request, body: Any) -> Turn | web.Response:
        """A Turn for a valid request (text, finish and pieces still unset), else an error."""

    @abstractmethod
    def _user_text(self, body: dict[str, Any]) -> str:
        """The text of the last user message, for the default reply."""

    # A truncated JSON body (the "malformed" failure before the response) and a broken stream
    # event (the same mid-stream), each in the provider's own shape.
    malformed_body: str
    malformed_event: bytes
    # The provider's "prompt too long" message ({tokens}: the prompt's size) and its limit.
    context_window_message: str
    context_window_limit: int

    @abstractmethod
    def _content_policy_response(self, failure: Failure, turn: Turn) -> web.StreamResponse:
        """The provider's refusal of a request before any response byte."""

    @abstractmethod
    def _json_reply(self, turn: Turn) -> web.Response: ...

    @abstractmethod
    def _stream_headers(self) -> dict[str, str]: ...

    @abstractmethod
    def _open_events(self, turn: Turn) -> list[bytes]: ...

    @abstractmethod
    def _piece_event(self, turn: Turn, index: int, piece: str) -> bytes: ...

    @abstractmethod
    def _close_events(self, turn: Turn) -> list[bytes]:
        """Everything after the last piece, up to the provider's end-of-stream marker."""

    @abstractmethod
    def _error_event(self, failure: Failure, turn: Turn) -> bytes: ...

    @abstractmethod
    def _refusal_events(self, turn: Turn) -> list[bytes]:
        """A content-policy stop mid-stream, ending the stream as the provider does."""

    # -- the request ----------------------------------------------------------------

    def _shutting_down(self) -> web.Response:
        return self._error_response(503, "The fake server is shutting down.")

    async def _complete(self, request: web.Request) -> web.StreamResponse:
        """The provider-neutral handler of a completion request."""
        raw = await request.read()
        try:
            body: Any = json.loads(raw)
        except ValueError:
            self._record(request, raw.decode("utf-8", "replace"))
            return self._error_response(400, "We could not parse the JSON body of your request.")
        self._record(request, body)
        if (denied := self._auth_error(request)) is not None:
            return denied
        turn = self._parse(request, body)
        if isinstance(turn, web.StreamResponse):
            return turn

        failure = self._pop_failure()
        mid_stream = failure is not None and turn.stream and failure.after_chunks > 0
        if failure is not None and (not mid_stream or failure.kind == "context_window"):
            early = await self._fail_before_response(request, failure, turn)
            if early is not None:
                return early
            failure = None  # a hang that ended: the request now completes normally

        turn.text, turn.finish = self._reply_for(turn)
        turn.tool_calls = self._tool_calls_for(turn)
        if turn.tool_calls:  # a function call instead of text, as the providers do
            turn.text, turn.finish = "", "tool_calls"
        turn.pieces = split_words(turn.text, self.chunk_words)
        if await self._sleep(self.first_token_delay):
            return self._shutting_down()
        if turn.stream:
            return await self._stream(request, turn, failure)
        if await self._sleep(self.delay * len(turn.pieces)):
            return self._shutting_down()
        return self._json_reply(turn)

    def _failure_response(self, failure: Failure, turn: Turn) -> web.StreamResponse:
        """The response for a status/malformed/content_policy/context_window failure."""
        if failure.kind == "malformed":
            return web.Response(
                status=200, text=self.malformed_body, content_type="application/json"
            )
        if failure.kind == "content_policy":
            return self._content_policy_response(failure, turn)
        if failure.kind == "context_window":
            return self._context_window_response(failure, turn)
        return self._error_response(
            failure.status, failure.message, retry_after=failure.retry_after
        )

    def _context_window_response(self, failure: Failure, turn: Turn) -> web.StreamResponse:
        tokens = self.context_window_limit + turn.prompt_tokens
        message = failure.message or self.context_window_message.format(tokens=tokens)
        return self._error_response(400, message)

    def _tool_calls_for(self, turn: Turn) -> list[ScriptedToolCall]:
        """The function calls to answer with; none unless a provider's fake supports them."""
        return []

    def _reply_for(self, turn: Turn) -> tuple[str, Literal["stop", "length"]]:
        source = self.reply
        if source is None:
            text = f"Fake reply: {self._user_text(turn.body)[:60]}"
        else:
            text = source if isinstance(source, str) else source(turn.body)
        # Honour the output-token limit as the providers do: cut the reply and say so.
        limit = turn.max_tokens
        if isinstance(limit, int) and limit > 0 and count_tokens(text) > limit:
            return "".join(split_words(text, 1)[:limit]).rstrip(), "length"
        return text, "stop"

    async def _fail_before_response(
        self, request: web.Request, failure: Failure, turn: Turn
    ) -> web.StreamResponse | None:
        """The response for a failure that strikes before any byte; None if none is due."""
        if failure.kind == "hang":
            return self._shutting_down() if await self._sleep(failure.hang_s) else None
        if failure.kind in ("drop", "kill"):
            if failure.kind == "kill":
                self._kill_now()
            else:
                self._cut(request.transport)
            return web.Response()  # never sent: aiohttp ignores writes to a closed transport
        return self._failure_response(failure, turn)

    async def _stream(
        self, request: web.Request, turn: Turn, failure: Failure | None
    ) -> web.StreamResponse:
        response = web.StreamResponse(headers=self._stream_headers())
        # A reset means the client went away (e.g. its timeout fired): nothing left to do.
        with contextlib.suppress(ConnectionResetError):
            await response.prepare(request)
            await self._write_stream(request, response, turn, failure)
        return response

    async def _write_stream(
        self,
        request: web.Request,
        response: web.StreamResponse,
        turn: Turn,
        failure: Failure | None,
    ) -> None:
        for event in self._open_events(turn):
            await response.write(event)
        for index, piece in enumerate(turn.pieces):
            if failure is not None and index == failure.after_chunks:
                if await self._fail_mid_stream(request, response, turn, failure):
                    return
                failure = None
            if await self._sleep(self.delay):
                return
            await response.write(self._piece_event(turn, index, piece))
        if failure is not None and await self._fail_mid_stream(request, response, turn, failure):
            return
        for event in self._close_events(turn):
            await response.write(event)
        await response.write_eof()

    async def _fail_mid_stream(
        self, request: web.Request, response: web.StreamResponse, turn: Turn, failure: Failure
    ) -> bool:
        """Inject ``failure`` into an open stream; True if the stream must end here."""
        if failure.kind == "hang":
            return await self._sleep(failure.hang_s)
        if failure.kind == "kill":
            self._kill_now()
            return True
        if failure.kind == "drop":
            # The client gets what was written, then EOF in the middle of the chunked body.
            self._cut(request.transport)
            return True
        if failure.kind == "content_policy":
            events = self._refusal_events(turn)
        elif failure.kind == "malformed":
            events = [self.malformed_event]
        else:
            events = [self._error_event(failure, turn)]
        for event in events:
            await response.write(event)
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


def run_main(cls: type[CompletionFake], doc: str | None, argv: list[str] | None = None) -> None:
    """The ``python -m tests.fakes.<provider>_server`` entry point."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0] if doc else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8399)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each chunk")
    parser.add_argument("--first-token-delay", type=float, default=0.0)
    parser.add_argument("--chunk-words", type=int, default=1)
    parser.add_argument("--reply", default=None, help="fixed reply (default: echo the user)")
    parser.add_argument("--api-key", default=None, help="require this API key")
    parser.add_argument("--no-usage", action="store_true", help="streams report no usage")
    # Every option is named as the constructor's parameter, but for the negated usage flag.
    options = vars(parser.parse_args(argv))
    options["report_usage"] = not options.pop("no_usage")
    cls(**options).serve_forever()
