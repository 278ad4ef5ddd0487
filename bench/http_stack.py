"""A stack as `make run` starts it, for benches that measure through HTTP: a Temporal dev
server, the worker (`worker.py`) and the API (uvicorn, the same factory) as processes, on a
fresh SQLite database with the demo clinic."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.stack import start_dev_server, stop_dev_server
from devstack.temporal import free_port
from store.db import make_engine, make_session_factory
from store.migrate import upgrade_async
from store.seed import seed_demo

ROOT = Path(__file__).resolve().parent.parent
MODEL_DIR = ROOT / "data" / "models" / "all-minilm-l6-v2-onnx"


@dataclass
class HttpStack:
    base_url: str
    keys: dict[str, str]  # demo API keys by label
    temporal_address: str
    task_queue: str
    env: dict[str, str]  # what the processes were started with (PAYLOAD_KEYS for a client)
    procs: dict[str, subprocess.Popen[bytes]]


async def _seed(db_url: str) -> dict[str, str]:
    await upgrade_async(db_url)
    engine = make_engine(db_url)
    try:
        return await seed_demo(make_session_factory(engine))
    finally:
        await engine.dispose()


async def _healthy(base: str, timeout_s: float = 180) -> None:
    deadline = time.monotonic() + timeout_s
    async with httpx.AsyncClient(base_url=base, timeout=10) as api:
        while True:
            with contextlib.suppress(httpx.TransportError):
                if (await api.get("/health/services")).status_code == 200:
                    return
            if time.monotonic() > deadline:
                raise TimeoutError("the stack did not become healthy")
            await asyncio.sleep(1)


@contextlib.asynccontextmanager
async def http_stack(extra_env: dict[str, str] | None = None) -> AsyncIterator[HttpStack]:
    """`extra_env`: settings for both processes on top of the bench's (a fake LLM provider)."""
    root = Path(tempfile.mkdtemp(prefix="aurixa-http-bench-"))
    db_url = f"sqlite+aiosqlite:///{root / 'aurixa.db'}"
    keys = await _seed(db_url)
    server, temporal_port = start_dev_server()
    api_port = free_port()
    env = {
        **os.environ,
        "DATA_DIR": str(root),
        "DATABASE_URL": db_url,
        "TEMPORAL_ADDRESS": f"127.0.0.1:{temporal_port}",
        "TEMPORAL_TASK_QUEUE": "http-bench",
        "EMBEDDING_MODEL_DIR": str(MODEL_DIR),
        "PAYLOAD_KEYS": "bench=" + base64.b64encode(os.urandom(32)).decode(),
        "OPENBLAS_NUM_THREADS": "1",
        "LOG_LEVEL": "WARNING",
        "RATE_LIMIT_PER_MINUTE": "100000",
        **(extra_env or {}),
    }
    log = (root / "processes.log").open("ab")
    api_cmd = [
        *(sys.executable, "-m", "uvicorn", "--factory", "api.main:create_app_with_logging"),
        *("--host", "127.0.0.1", "--port", str(api_port), "--no-access-log"),
    ]
    procs = {
        "worker": subprocess.Popen(
            [sys.executable, "worker.py"], cwd=ROOT, env=env, stdout=log, stderr=log
        ),
        "api": subprocess.Popen(api_cmd, cwd=ROOT, env=env, stdout=log, stderr=log),
    }
    try:
        base = f"http://127.0.0.1:{api_port}"
        await _healthy(base)
        yield HttpStack(base, keys, f"127.0.0.1:{temporal_port}", "http-bench", env, procs)
    finally:
        for proc in procs.values():
            proc.terminate()
        for proc in procs.values():
            await asyncio.to_thread(proc.wait, 30)
        stop_dev_server(server)
