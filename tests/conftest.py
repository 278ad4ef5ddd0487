"""Real components for the suite: a Temporal dev server, SQLite or PostgreSQL, the real model."""

from __future__ import annotations

import asyncio
import os
import subprocess
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.exc import OperationalError
from temporalio.client import Client

from activities.embedding import Embedder, prepare_model
from activities.embedding.features import TextFeatures
from activities.embedding.fit_cache import FitCache
from activities.embedding.multilingual import MultilingualEmbedder
from api.main import create_app
from core.settings import ROOT, Settings
from core.temporal import connect
from devstack.temporal import dev_server_command, free_port, wait_for_port
from store.db import make_engine, make_session_factory
from store.migrate import upgrade_async
from store.seed import seed_demo
from worker import Engines, bootstrap_knowledge, build_engines, create_worker

# LiteLLM fetches a price list from the network at import unless told otherwise.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

TEST_DB = os.environ.get("AURIXA_TEST_DB", "sqlite")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The suite runs twice, once per database; the slow engine evaluations that touch no
    database (dev-set gates) and the voice tests run in the SQLite pass only, and
    are deselected, not skipped."""
    if TEST_DB != "postgres":
        return

    def once(item: pytest.Item) -> bool:
        return any(item.get_closest_marker(m) for m in ("engine_only", "sqlite_pass"))

    if picked := [item for item in items if once(item)]:
        config.hook.pytest_deselected(items=picked)
        items[:] = [item for item in items if not once(item)]


IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
PG_ADMIN = os.environ.get("AURIXA_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
MODEL_DIR = ROOT / "data" / "models" / "all-minilm-l6-v2-onnx"


def require_service(reason: str) -> None:
    """Skip locally; in CI a missing service is a failure, never a silent skip."""
    if IN_CI:
        pytest.fail(f"required service missing in CI: {reason}")
    pytest.skip(reason)


class Faults:
    """Crashes chosen tools right after their transaction commits, a set number of times."""

    def __init__(self) -> None:
        self.armed: dict[str, int] = {}
        self.fired: list[str] = []
        # Tools whose next attempts fail as if the database dropped the connection mid-write.
        self.failing: dict[str, int] = {}
        self.failed: list[str] = []

    def arm(self, tool: str, times: int = 1) -> None:
        self.armed[tool] = times

    async def after_commit(self, tool: str, key: str) -> None:
        if self.armed.get(tool, 0) > 0:
            self.armed[tool] -= 1
            self.fired.append(key)
            raise RuntimeError("injected crash after commit")

    def fail(self, tool: str, times: int) -> None:
        self.failing[tool] = times

    def heal(self, tool: str) -> None:
        self.failing.pop(tool, None)

    async def before_write(self, tool: str, key: str) -> None:
        if self.failing.get(tool, 0) > 0:
            self.failing[tool] -= 1
            self.failed.append(key)
            # What SQLAlchemy raises when the server goes away: transient, so retried.
            raise OperationalError("injected", None, ConnectionResetError("connection lost"))


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="session")
async def database_url(data_dir: Path) -> AsyncIterator[str]:
    if TEST_DB == "sqlite":
        yield f"sqlite+aiosqlite:///{data_dir / 'aurixa-test.db'}"
        return
    try:
        admin = await asyncpg.connect(PG_ADMIN, timeout=5)
    except (OSError, asyncpg.PostgresError) as err:
        require_service(f"PostgreSQL at 127.0.0.1:5432 is unavailable ({type(err).__name__})")
    name = f"aurixa_test_{uuid.uuid4().hex[:12]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    yield f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    admin = await asyncpg.connect(PG_ADMIN, timeout=5)
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()


@pytest.fixture(scope="session")
def temporal_address(data_dir: Path) -> Iterator[str]:
    port = free_port()
    log = (data_dir / "temporal.log").open("wb")
    # A database file, as under `make run`, so a test can read what Temporal really stores.
    db_file = data_dir / "temporal.db"
    proc = subprocess.Popen(
        dev_server_command(port=port, ui_port=None, db_file=db_file), stdout=log, stderr=log
    )
    wait_for_port(port, timeout_s=60, proc=proc)
    yield f"127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="session")
def settings(data_dir: Path, database_url: str, temporal_address: str) -> Settings:
    prepare_model(MODEL_DIR)
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=data_dir,
        database_url=database_url,
        temporal_address=temporal_address,
        temporal_task_queue=f"test-{uuid.uuid4().hex[:8]}",
        embedding_model_dir=MODEL_DIR,
        llm_provider="offline",
        stream_batch_ms=20,
        # Routing and budgets an API test stores apply to the very next request.
        llm_config_ttl_s=0,
        platform_admin_tenant_id=1,  # Harborview operates the test platform
    )


@pytest.fixture(scope="session")
async def demo_keys(settings: Settings) -> dict[str, str]:
    await upgrade_async(settings.effective_database_url)
    engine = make_engine(settings.effective_database_url)
    keys = await seed_demo(make_session_factory(engine))
    await engine.dispose()
    assert keys, "the test database must be fresh"
    return keys


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    prepare_model(MODEL_DIR)
    return Embedder(MODEL_DIR)


@pytest.fixture(scope="session")
def features(embedder: Embedder) -> TextFeatures:
    return TextFeatures(embedder, MultilingualEmbedder())


@pytest.fixture(scope="session")
def fit_cache() -> FitCache:
    # The same directory the worker uses: a suite run reads the fits instead of refitting.
    return FitCache(MODEL_DIR.parent / "fitted")


@pytest.fixture(scope="session")
async def engines(
    settings: Settings, demo_keys: dict[str, str], embedder: Embedder, features: TextFeatures
) -> AsyncIterator[Engines]:
    built = await build_engines(settings, embedder=embedder, features=features)
    yield built
    await built.close()


@pytest.fixture(scope="session")
async def temporal_client(settings: Settings) -> Client:
    # The port opens a moment before the frontend is healthy ("Frontend is not healthy yet"),
    # longer with a database file to open: retry that, not anything else.
    for _ in range(100):
        try:
            return await connect(settings)
        except RuntimeError as err:
            if "not healthy" not in str(err):
                raise
            await asyncio.sleep(0.2)
    return await connect(settings)


@pytest.fixture(scope="session")
def faults() -> Faults:
    return Faults()


@pytest.fixture(scope="session")
async def worker(
    temporal_client: Client, engines: Engines, settings: Settings, faults: Faults
) -> AsyncIterator[None]:
    with ThreadPoolExecutor(max_workers=8) as executor:
        running = create_worker(
            temporal_client,
            engines,
            task_queue=settings.temporal_task_queue,
            executor=executor,
            after_commit=faults.after_commit,
            before_write=faults.before_write,
            # The suite runs every workflow in the sandbox: a call it forbids (the clock,
            # randomness, I/O) in the turn's workflows fails here, not in production.
            sandbox_all=True,
        )
        async with running:
            # A fresh test database has seeded articles and no index: build it the way a
            # deployment does, through the ingestion workflow, before any test asks.
            for workflow_id in await bootstrap_knowledge(temporal_client, engines, settings):
                await temporal_client.get_workflow_handle(workflow_id).result()
            yield


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="session")
async def api(app: FastAPI, worker: None) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://aurixa.test", timeout=60
    ) as client:
        yield client


def key_headers(key: str) -> dict[str, str]:
    return {"X-API-Key": key}


# The voice worker is shared by every voice test module: one worker per queue and session.
from tests.voice_fixtures import stt, voice_worker  # noqa: E402

__all__ = ["key_headers", "stt", "voice_worker"]
