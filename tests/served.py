"""The API on a real uvicorn, on its own thread and loop, for tests that need a socket
(WebSockets): the suite's workers keep running the turns on the test loop meanwhile."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

import uvicorn

from api.main import create_app
from core.settings import Settings
from devstack.temporal import free_port


@contextlib.contextmanager
def served(settings: Settings) -> Iterator[int]:
    """Yields the port; stops the server on exit."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=10)
