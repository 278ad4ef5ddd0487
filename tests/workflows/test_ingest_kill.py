"""A worker killed with SIGKILL mid-ingestion, then replaced, leaves every chunk stored once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pydantic import SecretStr
from temporalio.api.enums.v1 import EventType, PendingActivityState
from temporalio.client import Client

from activities.embedding import Embedder
from activities.retrieval.chunking import chunk_article
from core.knowledge import IngestRequest, IngestWorkflowInput
from core.knowledge_client import ingestion_row
from core.settings import ROOT, Settings
from core.temporal import payload_key_spec
from store.models import KnowledgeBaseArticle, KnowledgeIngestion, Tenant
from worker import Engines, build_engines, create_worker
from workflows.knowledge import KnowledgeIngestWorkflow

SECTIONS = 24


def long_article(marker: str) -> str:
    parts = [f"# Vaccination schedule {marker}"]
    for i in range(SECTIONS):
        sentences = " ".join(
            f"Dose {i}.{j} of the {marker} protocol is given at week {i * 4 + j}."
            for j in range(14)
        )
        parts.append(f"## Stage {i}\n\n{sentences}")
    return "\n\n".join(parts)


def spawn_worker(settings: Settings, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATA_DIR": str(settings.data_dir),
        "DATABASE_URL": settings.database_url,
        "TEMPORAL_ADDRESS": settings.temporal_address,
        "TEMPORAL_TASK_QUEUE": settings.temporal_task_queue,
        "EMBEDDING_MODEL_DIR": str(settings.embedding_model_dir),
        "OPENBLAS_NUM_THREADS": "1",
        # Its own DATA_DIR, the same payload key as the client that reads its results.
        "PAYLOAD_KEYS": payload_key_spec(settings),
    }
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, str(ROOT / "worker.py")], cwd=ROOT, env=env, stdout=out, stderr=out
        )


async def wait_for(check: Callable[[], Awaitable[bool]], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def test_killed_worker_leaves_no_duplicate_chunks(
    settings: Settings,
    engines: Engines,
    embedder: Embedder,
    temporal_client: Client,
    tmp_path: Path,
) -> None:
    # Its own Qdrant directory and task queue: local mode locks its directory per process.
    own = settings.model_copy(
        update={
            "data_dir": tmp_path,
            "temporal_task_queue": f"kill-{uuid.uuid4().hex[:8]}",
            # The suite's payload key, not a new one made in tmp_path.
            "payload_keys": SecretStr(payload_key_spec(settings)),
        }
    )
    marker = f"Vexmorin{uuid.uuid4().hex[:6]}"
    async with engines.sessions() as session:
        tenant = Tenant(name=f"kill-test-{marker}", domain=f"{marker.lower()}.test")
        session.add(tenant)
        await session.flush()
        article = KnowledgeBaseArticle(
            tenant_id=tenant.id or 0, title=f"Vaccines {marker}", content=long_article(marker)
        )
        session.add(article)
        await session.flush()
        row = ingestion_row(tenant.id or 0, "create", "test", article.id)
        session.add(row)
        await session.commit()
        tenant_id, article_id, request_id = tenant.id or 0, article.id or 0, row.id
    expected = len(
        chunk_article(article_id, article.title, article.content, engines.retrieval.spans)
    )
    assert expected >= 12

    proc = spawn_worker(own, tmp_path / "worker.log")
    try:
        handle = await temporal_client.start_workflow(
            KnowledgeIngestWorkflow.run,
            # Small batches and a short heartbeat timeout: the kill lands mid-article and the
            # retry does not wait the production 30 s.
            IngestWorkflowInput(tenant_id, heartbeat_timeout_s=2.0, batch_size=6),
            id=f"knowledge-ingest-{tenant_id}",
            task_queue=own.temporal_task_queue,
            start_signal="enqueue",
            start_signal_args=[IngestRequest(request_id, "article", article_id)],
        )

        stored_at_kill = [0]

        async def mid_batch() -> bool:
            """Some batches stored and the next one running right now: the kill lands inside
            an activity, never between two."""
            async with engines.sessions() as s:
                done = await s.get(KnowledgeIngestion, request_id, populate_existing=True)
            if done is None or not 0 < done.chunks_done < expected:
                return False
            stored_at_kill[0] = done.chunks_done
            desc = await handle.describe()
            return any(
                a.activity_type.name == "knowledge_upsert_chunks"
                and a.state == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED
                for a in desc.raw_description.pending_activities
            )

        await wait_for(mid_batch, 120, "a batch in flight after the first ones were stored")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    # On a loaded machine the batch seen running can finish between the look and the kill;
    # then there is no interrupted attempt to retry (the chunks were stored before the kill).
    async with engines.sessions() as session:
        at_kill = await session.get(KnowledgeIngestion, request_id, populate_existing=True)
    interrupted = at_kill is not None and at_kill.chunks_done == stored_at_kill[0]

    replacement = await build_engines(own, embedder=embedder)
    try:
        with ThreadPoolExecutor(max_workers=4) as executor:
            worker = create_worker(
                temporal_client, replacement, task_queue=own.temporal_task_queue, executor=executor
            )
            async with worker:
                results = await asyncio.wait_for(handle.result(), timeout=180)
        # The new tenant had no index yet, so the spawned worker's bootstrap may also have
        # queued a re-index behind the article: the same chunks, stored once either way.
        ours = [(r.status, r.chunks) for r in results if r.request_id == request_id]
        assert ours == [("indexed", expected)]
        stored = replacement.retrieval.store.load(tenant_id)
        keys = [(s.chunk.article_id, s.chunk.index) for s in stored]
        assert len(stored) == expected and len(set(keys)) == expected
        assert replacement.retrieval.store.count(tenant_id) == expected
        found = replacement.retrieval.search(
            tenant_id, f"{marker} protocol dose week", version=None
        )
        assert found.covered and found.passages[0].article_id == article_id
    finally:
        await replacement.close()

    # The history shows the kill: the batch in flight timed out on its heartbeat and its
    # next attempt ran on the replacement (history records only an activity's last attempt).
    history = await handle.fetch_history()
    attempts = [
        e.activity_task_started_event_attributes.attempt
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
    ]
    assert max(attempts) > 1 or not interrupted, attempts
    async with engines.sessions() as session:
        final = await session.get(KnowledgeIngestion, request_id, populate_existing=True)
        assert final is not None and final.status == "indexed"
