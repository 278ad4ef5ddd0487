"""schemathesis over the OpenAPI, with a patient key and an admin key: no 5xx, and every
response inside its documented schema.

It runs against its own stack (a fresh database, seeded, its own worker and task queue and a
real uvicorn), since the fuzzer writes: policies, intents, articles, callbacks. Examples
are bounded and the seed fixed so CI stays short and a failure can be replayed.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import asyncpg
import pytest
import uvicorn
from pydantic import SecretStr
from temporalio.client import Client

from activities.embedding import Embedder
from activities.embedding.features import TextFeatures
from activities.voice.activity import VoiceActivities
from activities.voice.stt import SpeechToText
from activities.voice.tts import TextToSpeech
from activities.voice.worker import create_voice_worker
from api.main import create_app
from core.blobs import BlobStore
from core.settings import Settings
from core.temporal import payload_key_spec
from devstack.temporal import free_port
from store.db import make_engine, make_session_factory
from store.migrate import upgrade_async
from store.seed import seed_demo
from tests.conftest import PG_ADMIN, TEST_DB
from worker import bootstrap_knowledge, build_engines, create_worker

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
EXAMPLES = "5"
SEED = "20261205"


async def _database(data: Path) -> tuple[str, str | None]:
    if TEST_DB == "sqlite":
        return f"sqlite+aiosqlite:///{data / 'fuzz.db'}", None
    name = f"aurixa_fuzz_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(PG_ADMIN, timeout=5)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    return f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}", name


@pytest.fixture(scope="module")
async def fuzz_stack(
    settings: Settings,
    temporal_client: Client,
    embedder: Embedder,
    features: TextFeatures,
    stt: SpeechToText,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[tuple[str, dict[str, str]]]:
    data = tmp_path_factory.mktemp("fuzz")
    url, pg_name = await _database(data)
    own = settings.model_copy(
        update={
            "data_dir": data,
            "database_url": url,
            "temporal_task_queue": f"fuzz-{uuid.uuid4().hex[:8]}",
            # Its own voice worker: fuzzed speech requests are answered, not left waiting.
            "voice_task_queue": f"fuzz-voice-{uuid.uuid4().hex[:8]}",
            # The fuzzer sends thousands of requests a minute; the limiter has its own tests.
            "rate_limit_per_minute": 1_000_000,
            "payload_keys": SecretStr(payload_key_spec(settings)),
        }
    )
    await upgrade_async(url)
    db = make_engine(url)
    keys = await seed_demo(make_session_factory(db))
    await db.dispose()
    engines = await build_engines(own, embedder=embedder, features=features)
    server = uvicorn.Server(
        uvicorn.Config(create_app(own), host="127.0.0.1", port=free_port(), log_level="error")
    )
    try:
        with ThreadPoolExecutor(max_workers=4) as executor:
            worker = create_worker(
                temporal_client, engines, task_queue=own.temporal_task_queue, executor=executor
            )
            blobs = BlobStore(own.blob_path, payload_key_spec(own))
            voice = VoiceActivities(stt, TextToSpeech(), blobs, tts_reason="tts_not_installed")
            async with worker, create_voice_worker(temporal_client, own, voice, executor):
                for workflow_id in await bootstrap_knowledge(temporal_client, engines, own):
                    await temporal_client.get_workflow_handle(workflow_id).result()
                thread = threading.Thread(target=server.run, daemon=True)
                thread.start()
                deadline = time.monotonic() + 30
                while not server.started:
                    assert time.monotonic() < deadline, "uvicorn did not start"
                    await asyncio.sleep(0.05)
                yield f"http://127.0.0.1:{server.config.port}", keys
                server.should_exit = True
                await asyncio.to_thread(thread.join, 10)
    finally:
        await engines.close()
        if pg_name:
            admin = await asyncpg.connect(PG_ADMIN, timeout=5)
            await admin.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
            await admin.close()


@pytest.mark.timeout(600)
@pytest.mark.parametrize("label", ["harborview-patient-1", "harborview-admin"])
async def test_no_5xx_and_every_response_in_its_schema(
    fuzz_stack: tuple[str, dict[str, str]], label: str
) -> None:
    base, keys = fuzz_stack
    # Awaited as a subprocess: the worker serving the fuzzed turns runs on this loop.
    proc = await asyncio.create_subprocess_exec(
        str(SCHEMATHESIS),
        "run",
        f"{base}/openapi.json",
        "--header",
        f"X-API-Key: {keys[label]}",
        "--checks",
        "not_a_server_error,response_schema_conformance,status_code_conformance,"
        "content_type_conformance",
        "--max-examples",
        EXAMPLES,
        "--seed",
        SEED,
        "--generation-allow-x00",
        "true",
        # Generated turns share session ids and queue behind each other on a loaded runner.
        "--request-timeout",
        "120",
        # Revoking keys would lock the fuzzer out mid-run; reindexing is a long background job;
        # /pipelines/stream takes /pipelines' body (fuzzed there), and its generated turns,
        # all on a few session ids, queue for minutes behind each other.
        "--exclude-path-regex",
        "/admin/api-keys/|/reindex$|/pipelines/stream$",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), timeout=900)
    report = out.decode(errors="replace")
    assert proc.returncode == 0, report[-6000:]
    assert "passed" in report
