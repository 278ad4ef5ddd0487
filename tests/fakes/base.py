"""The server plumbing every fake LLM provider shares.

``FakeProvider`` runs an aiohttp app on 127.0.0.1 from a background thread with its own event
loop, so it is independent of the loop pytest-asyncio gives a test and a blocking client works
as well. It owns the lifecycle (start/stop/kill, context managers, port, ``serve_forever`` for
``python -m``), the queue of scripted failures, the record of requests and the ``/_fake/`` admin
endpoints (a fake running as a process is configured over HTTP, since a benchmark driver cannot
reach its attributes). ``tests.fakes.completion`` adds the provider-neutral completion handling
and the command line.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import socket
import threading
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable
from dataclasses import asdict
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from tests.fakes.common import Failure, RecordedRequest


class FakeProvider(ABC):
    """The fake server plus its runtime-configurable behaviour.

    Every attribute may be changed while the server runs; each request reads it afresh.
    """

    provider_name = "provider"
    # Attributes a test (or POST /_fake/config) may change; reset() restores their first values.
    settings: tuple[str, ...] = ()

    def __init__(
        self, *, host: str = "127.0.0.1", port: int = 0, max_recorded: int | None = 10_000
    ) -> None:
        self.host = host
        self.port = port
        # A subclass sets its settings before calling this, so these are their first values.
        self._defaults = {name: getattr(self, name) for name in self.settings}
        # The test thread writes these while the server thread reads them, hence the lock.
        self._lock = threading.Lock()
        self._failures: deque[Failure] = deque()
        # Bounded so a long benchmark run does not grow without limit.
        self._calls: deque[RecordedRequest] = deque(maxlen=max_recorded)
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._listener: asyncio.Server | None = None
        self._runner: web.AppRunner | None = None
        self._startup_error: BaseException | None = None

    # -- the wire format, supplied by each provider ------------------------------------------

    @property
    @abstractmethod
    def base_url(self) -> str:
        """What to pass as LiteLLM's ``api_base``."""

    @abstractmethod
    def _add_routes(self, app: web.Application) -> None: ...

    @abstractmethod
    def _is_completion(self, path: str) -> bool: ...

    @abstractmethod
    def _error_response(
        self, status: int, message: str | None, *, retry_after: float | None = None
    ) -> web.Response: ...

    # -- scripting failures ------------------------------------------------------------------

    def script(self, *failures: Failure) -> None:
        """Queue failures; each one is consumed by the next completion request."""
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

    def drop_next(self, *, times: int = 1, after_chunks: int = 1) -> None:
        self.script(*([Failure("drop", after_chunks=after_chunks)] * times))

    def kill_next(self, *, after_chunks: int = 1) -> None:
        self.script(Failure("kill", after_chunks=after_chunks))

    def refuse_next(self, *, times: int = 1, after_chunks: int = 0) -> None:
        self.script(*([Failure("content_policy", status=400, after_chunks=after_chunks)] * times))

    def overflow_next(self, *, times: int = 1) -> None:
        self.script(*([Failure("context_window", status=400)] * times))

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
        """Bodies of completion requests, failed ones included, oldest first."""
        return [
            c.body for c in self.calls if self._is_completion(c.path) and isinstance(c.body, dict)
        ]

    @property
    def last_request(self) -> dict[str, Any]:
        found = self.requests
        if not found:
            raise AssertionError("the fake has received no completion request")
        return found[-1]

    def reset(self) -> None:
        """Forget traffic and queued failures and restore the constructor's settings."""
        with self._lock:
            self._failures.clear()
            self._calls.clear()
        for name, value in self._defaults.items():
            setattr(self, name, value)

    # -- lifecycle ---------------------------------------------------------------------------

    def _bind(self, backlog: int) -> None:
        # Binding before serving gives a known port and no window in which a "free port"
        # could be taken by someone else; after kill() it rebinds the same port.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        sock.listen(backlog)
        sock.setblocking(False)
        self._sock = sock
        self.port = sock.getsockname()[1]

    def start(self) -> Self:
        """Serve from a daemon thread; returns once the socket accepts connections.

        Also restarts a killed fake on its old port: "the provider came back".
        """
        if self._thread is not None and self._thread.is_alive():
            if self._stopping is None or not self._stopping.is_set():
                raise RuntimeError(f"{type(self).__name__} is already running")
            self._thread.join(timeout=10)  # a kill that is still winding down
        self._bind(256)
        ready = threading.Event()
        self._startup_error = None
        name = f"fake-{self.provider_name.lower()}:{self.port}"
        self._thread = threading.Thread(
            target=self._thread_main, args=(ready,), name=name, daemon=True
        )
        self._thread.start()
        if not ready.wait(timeout=10):
            raise RuntimeError(f"{type(self).__name__} did not start within 10 s")
        if self._startup_error is not None:
            self._thread = None
            raise RuntimeError(f"{type(self).__name__} failed to start") from self._startup_error
        return self

    def stop(self) -> None:
        self._shut_down(self._request_stop)

    def kill(self) -> None:
        """Die at once: stop listening (new connections are refused) and cut open ones."""
        if self._thread is not None and threading.current_thread() is self._thread:
            self._kill_now()  # called from a reply callable on the server's own loop
            return
        self._shut_down(self._kill_now)

    def _shut_down(self, action: Callable[[], None]) -> None:
        thread, loop = self._thread, self._loop
        if thread is None:
            return
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop already ended (an earlier kill)
                loop.call_soon_threadsafe(action)
        thread.join(timeout=10)
        self._thread = None

    def _request_stop(self) -> None:
        # Also releases handlers parked in a "hang" so shutdown does not wait for them.
        if self._stopping is not None:
            self._stopping.set()

    def _kill_now(self) -> None:
        """On the server loop: close the listener, abort every connection, then wind down."""
        if self._listener is not None:
            self._listener.close()
        if self._runner is not None and self._runner.server is not None:
            for handler in self._runner.server.connections:
                self._cut(handler.transport)
        self._request_stop()

    @staticmethod
    def _cut(transport: asyncio.Transport | None) -> None:
        """End a connection mid-response: no final chunk, no terminating event.

        What was written is normally with the kernel already and still reaches the client;
        anything asyncio still buffers is flushed first, so "after N chunks" holds exactly.
        """
        if transport is None:
            return
        if transport.get_write_buffer_size():
            transport.close()
        else:
            transport.abort()

    def serve_forever(self) -> None:
        """Serve in the calling thread until SIGINT/SIGTERM (the ``python -m`` entry)."""
        self._bind(1024)
        # Announced only once the socket is bound, so a script can wait for this line.
        print(f"fake {self.provider_name} listening on {self.base_url}", flush=True)
        asyncio.run(self._serve(ready=None, handle_signals=True))

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
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
        # This run's own socket, listener and runner: a restart after a kill binds new ones on
        # the same attributes, and a winding-down run must close only what is its own.
        sock = self._sock
        assert sock is not None
        loop = self._loop = asyncio.get_running_loop()
        stopping = self._stopping = asyncio.Event()
        if handle_signals:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stopping.set)
        # A short shutdown_timeout: in-flight streams are cancelled rather than awaited for
        # aiohttp's default 60 s, so a test's teardown stays fast.
        runner = self._runner = web.AppRunner(
            self._make_app(), access_log=None, shutdown_timeout=1.0
        )
        await runner.setup()
        listener: asyncio.Server | None = None
        try:
            assert runner.server is not None
            listener = self._listener = await loop.create_server(runner.server, sock=sock)
            if ready is not None:
                ready.set()
            await stopping.wait()
        finally:
            if listener is not None:
                listener.close()
            await runner.cleanup()
            sock.close()
            if self._runner is runner:
                self._listener = self._runner = None

    # -- HTTP --------------------------------------------------------------------------------

    def _make_app(self) -> web.Application:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        self._add_routes(app)
        app.router.add_get("/_fake/requests", self._admin_requests)
        app.router.add_post("/_fake/config", self._admin_config)
        app.router.add_post("/_fake/failures", self._admin_failures)
        app.router.add_post("/_fake/reset", self._admin_reset)
        app.router.add_post("/_fake/kill", self._admin_kill)
        return app

    def _record(self, request: web.Request, body: Any) -> None:
        call = RecordedRequest(
            request.method, request.path, dict(request.headers), body, request.query_string
        )
        with self._lock:
            self._calls.append(call)

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
        """Set any of the settings (a reply only as a fixed string)."""
        updates = await request.json()
        unknown = set(updates) - set(self.settings)
        if unknown:
            return self._error_response(400, f"unknown settings: {sorted(unknown)}")
        for name, value in updates.items():
            setattr(self, name, value)
        return web.json_response(
            {name: getattr(self, name) for name in self.settings if name != "reply"}
        )

    async def _admin_failures(self, request: web.Request) -> web.StreamResponse:
        """Queue failures: a Failure as JSON, or {"failures": [...]} for several."""
        payload = await request.json()
        items = payload.get("failures", [payload]) if isinstance(payload, dict) else payload
        try:
            self.script(*(Failure(**item) for item in items))
        except TypeError as exc:
            return self._error_response(400, str(exc))
        return web.json_response({"pending": len(self.pending_failures)})

    async def _admin_reset(self, request: web.Request) -> web.StreamResponse:
        self.reset()
        return web.json_response({"reset": True})

    async def _admin_kill(self, request: web.Request) -> web.StreamResponse:
        """Die a moment after answering, so the caller learns the kill was received."""
        asyncio.get_running_loop().call_later(0.05, self._kill_now)
        return web.json_response({"killed": True})
