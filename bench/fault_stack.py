"""What bench/faults.py strikes: a Temporal dev server it can restart, worker processes it
can kill, a database behind a proxy it can cut, and two fake LLM providers it can make
fail. The API runs in the bench's process (in-process ASGI), as in the other benches."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from pydantic import SecretStr

from bench.tcp_proxy import CuttableProxy
from core.settings import Settings
from devstack.temporal import dev_server_command, free_port, wait_for_port
from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.openai_server import FakeOpenAI

ROOT = Path(__file__).resolve().parent.parent
MODEL_DIR = ROOT / "data" / "models" / "all-minilm-l6-v2-onnx"
PG_ADMIN = os.environ.get("AURIXA_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
# Where the worker holds a booking for the bench to strike (bench/fault_worker.py).
POINTS = {"worker": "after_commit", "temporal": "after_commit", "db": "before_commit"}
PRIMARY_REPLY = "Primary provider reply."
FALLBACK_REPLY = "Fallback provider reply."


class Workers:
    """Worker processes, each with its own data dir (its local Qdrant), one database."""

    def __init__(self, base_env: dict[str, str], root: Path) -> None:
        self.env, self.root = base_env, root
        self.procs: dict[int, subprocess.Popen[bytes]] = {}

    def start(self) -> None:
        data = self.root / f"worker-{uuid.uuid4().hex[:6]}"
        data.mkdir()
        log = (self.root / f"{data.name}.log").open("ab")
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "fault_worker.py")],
            cwd=ROOT,
            env={**self.env, "DATA_DIR": str(data)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.procs[proc.pid] = proc

    def kill(self, pid: int) -> None:
        proc = self.procs.pop(pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)

    async def stop(self) -> None:
        for proc in self.procs.values():
            proc.terminate()
        # Waiting off the event loop: the database proxy runs on it, and a worker's shutdown
        # still talks to the database through it.
        for proc in self.procs.values():
            await asyncio.to_thread(proc.wait, 30)


class DevServer:
    """The Temporal dev server on a fixed port with its state in a file, so a SIGKILL and a
    start again is a server restart that loses nothing it had acknowledged."""

    def __init__(self, root: Path) -> None:
        self.port = free_port()
        self.command = dev_server_command(port=self.port, ui_port=None, db_file=root / "t.db")
        self.log = root / "temporal.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.restarts = 0

    async def start(self) -> None:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT)
        await asyncio.to_thread(wait_for_port, self.port, timeout_s=60, proc=self.proc)

    async def restart(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        await asyncio.to_thread(self.proc.wait, 10)
        await self.start()
        self.restarts += 1

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=20)


@dataclass
class Stack:
    kind: str
    root: Path
    holds: Path
    server: DevServer
    db_url: str  # direct, for the bench's own checks
    settings: Settings  # the API's, through the proxy when there is one
    workers: Workers
    proxy: CuttableProxy | None = None
    primary: FakeOpenAI | None = None
    fallback: FakeAnthropic | None = None


@contextlib.asynccontextmanager
async def postgres_database() -> AsyncIterator[str]:
    admin = await asyncpg.connect(PG_ADMIN, timeout=5)
    name = f"aurixa_faults_{uuid.uuid4().hex[:10]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    try:
        yield name
    finally:
        admin = await asyncpg.connect(PG_ADMIN, timeout=5)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def llm_routing(primary: str, fallback: str) -> str:
    """Two deployments at two providers. Booking replies route to the fast tier, so the
    primary always goes first (tiers outrank latency); cooldowns are off, so every scripted
    failure reaches it (a cooled deployment would be skipped and the fault never struck)."""
    deployments = [
        {
            "name": "primary",
            "provider": "openai_compatible",
            "model": "fake-model",
            "api_base": primary,
            "api_key_env": "FAULTS_PRIMARY_KEY",
            "tier": "fast",
            "timeout_s": 2,
        },
        {
            "name": "fallback",
            "provider": "anthropic",
            "model": "claude-3-5-haiku-20241022",
            "api_base": fallback,
            "api_key_env": "FAULTS_FALLBACK_KEY",
            "tier": "premium",
            "timeout_s": 10,
        },
    ]
    routing = {"deployments": deployments, "cooldown_s": 0, "cooldown_after_failures": 100}
    return json.dumps(routing)


@contextlib.asynccontextmanager
async def open_stack(kind: str, db: str) -> AsyncIterator[Stack]:
    root = Path(tempfile.mkdtemp(prefix=f"aurixa-faults-{kind}-"))
    holds = root / "holds"
    holds.mkdir()
    server = DevServer(root)
    await server.start()
    payload_keys = "faults=" + base64.b64encode(os.urandom(32)).decode()
    queue = f"faults-{uuid.uuid4().hex[:6]}"
    async with contextlib.AsyncExitStack() as exits:
        exits.callback(server.stop)
        proxy = None
        if db == "postgres":
            name = await exits.enter_async_context(postgres_database())
            db_url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
            proxy = await CuttableProxy("127.0.0.1", 5432).start()
            exits.push_async_callback(proxy.stop)
            app_url = f"postgresql+asyncpg://postgres@127.0.0.1:{proxy.port}/{name}"
        else:
            db_url = app_url = f"sqlite+aiosqlite:///{root / 'aurixa.db'}"
        env = {
            **os.environ,
            "DATABASE_URL": app_url,
            "TEMPORAL_ADDRESS": f"127.0.0.1:{server.port}",
            "TEMPORAL_TASK_QUEUE": queue,
            "EMBEDDING_MODEL_DIR": str(MODEL_DIR),
            "LLM_PROVIDER": "offline",
            "PAYLOAD_KEYS": payload_keys,
            "FAULT_HOLD_DIR": str(holds),
            "FAULT_POINT": POINTS.get(kind, "after_commit"),
            # LLM faults strike the provider, not the booking: nothing is held.
            "FAULT_TOOLS": "create_appointment" if kind in POINTS else "none",
            "LOG_LEVEL": "WARNING",
        }
        primary = fallback = None
        if kind == "llm":
            primary = exits.enter_context(
                FakeOpenAI(reply=PRIMARY_REPLY, chunk_words=2, api_key="sk-faults-primary")
            )
            fallback = exits.enter_context(
                FakeAnthropic(reply=FALLBACK_REPLY, chunk_words=2, api_key="sk-faults-fallback")
            )
            env |= {
                "LLM_DEPLOYMENTS": llm_routing(primary.base_url, fallback.base_url),
                "FAULTS_PRIMARY_KEY": "sk-faults-primary",
                "FAULTS_FALLBACK_KEY": "sk-faults-fallback",
            }
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            data_dir=root,
            database_url=app_url,
            temporal_address=f"127.0.0.1:{server.port}",
            temporal_task_queue=queue,
            embedding_model_dir=MODEL_DIR,
            llm_provider="offline",
            llm_deployments=env.get("LLM_DEPLOYMENTS"),
            payload_keys=SecretStr(payload_keys),
            rate_limit_per_minute=100_000,
        )
        workers = Workers(env, root)
        exits.push_async_callback(workers.stop)
        yield Stack(kind, root, holds, server, db_url, settings, workers, proxy, primary, fallback)
