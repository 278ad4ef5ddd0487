"""First turn after a worker start against the turns after it.

Starts a Temporal dev server and a real worker process (`python worker.py`, as `make run`
does) on a seeded SQLite clinic, waits until it polls, then times turns through the same
path the API takes: the first turn of a fresh worker, then the next ones, each in a new
conversation, cycling through a knowledge question, a booking request and a Spanish
request. Prints a table and a final summary line (medians of one run).

    python bench/warm_start.py [--turns 12]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlmodel import select
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client

from activities.embedding import prepare_model
from api.turns import run_turn
from bench.stack import demo_settings, start_dev_server, stop_dev_server
from core.payloads import Caller, TurnInput
from core.settings import ROOT
from core.temporal import connect, payload_key_spec
from store.db import make_engine, make_session_factory
from store.models import User

PROMPTS = (
    "What time does the Westside office open on Saturday?",
    "Can I book with Dr. Chen next Tuesday?",
    "¿Tienen citas con la Dra. Raman el lunes por la tarde?",
)


async def wait_for_poller(client: Client, queue: str) -> float:
    began = time.perf_counter()
    for _ in range(3000):
        resp = await client.workflow_service.describe_task_queue(
            DescribeTaskQueueRequest(
                namespace=client.namespace,
                task_queue=TaskQueue(name=queue),
                task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
            )
        )
        if resp.pollers:
            return time.perf_counter() - began
        await asyncio.sleep(0.1)
    raise RuntimeError("the worker never polled")


async def main(turns: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="aurixa-warm-"))
    server, port = start_dev_server()
    model_dir = prepare_model(ROOT / "data" / "models" / "all-minilm-l6-v2-onnx")
    queue = f"warm-{uuid.uuid4().hex[:6]}"
    settings = await demo_settings(work, port, queue, model_dir)
    db = make_engine(settings.effective_database_url)
    async with make_session_factory(db)() as session:
        user = (await session.scalars(select(User).where(User.patient_id == 1))).first()
        assert user is not None
    await db.dispose()
    env = {
        **os.environ,
        "DATABASE_URL": settings.effective_database_url,
        "TEMPORAL_ADDRESS": settings.temporal_address,
        "TEMPORAL_TASK_QUEUE": queue,
        "DATA_DIR": str(work),
        "EMBEDDING_MODEL_DIR": str(model_dir),
        "LOG_LEVEL": "WARNING",
        # Its own DATA_DIR, the same payload key as the client that reads its results.
        "PAYLOAD_KEYS": payload_key_spec(settings),
    }
    log = (work / "worker.log").open("ab")
    began = time.perf_counter()
    worker = subprocess.Popen(
        [sys.executable, "worker.py"], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    rows: list[tuple[int, str, float]] = []
    try:
        client = await connect(settings)
        await wait_for_poller(client, queue)
        ready = time.perf_counter() - began
        # The clinic's articles are indexed by the worker's bootstrap; wait for it so the
        # first turn measures the models, not a half-built index.
        await asyncio.sleep(1.0)
        for _ in range(600):
            handles = [
                w async for w in client.list_workflows('WorkflowType="KnowledgeIngestWorkflow"')
            ]
            if handles and all(w.status and w.status.name == "COMPLETED" for w in handles):
                break
            await asyncio.sleep(0.5)
        caller = Caller(tenant_id=1, user_id=user.id or 0, role="patient", patient_id=1)
        for n in range(turns):
            prompt = PROMPTS[n % len(PROMPTS)]
            t0 = time.perf_counter()
            await run_turn(
                client, settings, TurnInput(uuid.uuid4().hex, prompt, caller), uuid.uuid4().hex
            )
            rows.append((n + 1, prompt, (time.perf_counter() - t0) * 1000))
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        stop_dev_server(server)
    print(f"worker start to first poll: {ready:.1f} s")
    print(f"{'turn':>4}  {'ms':>8}  prompt")
    for n, prompt, ms in rows:
        print(f"{n:>4}  {ms:>8.0f}  {prompt}")
    first = rows[0][2]
    later = statistics.median(ms for _, _, ms in rows[1:])
    same = statistics.median(ms for n, _, ms in rows[1:] if (n - 1) % len(PROMPTS) == 0)
    print(
        f"summary: first turn {first:.0f} ms, later turns median {later:.0f} ms "
        f"(same prompt {same:.0f} ms), first/later {first / later:.2f}x, "
        f"first/same-prompt {first / same:.2f}x"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=12)
    asyncio.run(main(parser.parse_args().turns))
