"""Killing the worker mid-turn loses nothing: a new worker finishes the turn, effects once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from temporalio.api.enums.v1 import EventType, TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from api.main import create_app
from core.settings import ROOT, Settings
from core.temporal import payload_key_spec
from store.models import ActionExecution, Appointment, ConversationTurn
from store.timeutil import to_utc_naive
from tests.conftest import key_headers
from tests.fakes.openai_server import FakeOpenAI
from tests.helpers import bookable_slot, rows
from worker import Engines
from workflows.conversation import ConversationWorkflow, conversation_workflow_id

REPLY = "All set, your appointment is booked and a confirmation is on its way to you now."


class WorkerProcess:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        out = self.log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "worker.py"],
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI(reply=REPLY, delay=0.4) as server:
        yield server


@pytest.fixture
def worker_env(settings: Settings, fake: FakeOpenAI, tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {
        **os.environ,
        "DATABASE_URL": settings.effective_database_url,
        "TEMPORAL_ADDRESS": settings.temporal_address,
        "TEMPORAL_TASK_QUEUE": f"restart-{uuid.uuid4().hex[:8]}",
        "DATA_DIR": str(tmp_path),
        "EMBEDDING_MODEL_DIR": str(settings.model_dir),
        "LLM_PROVIDER": "openai_compatible",
        "LLM_API_BASE": fake.base_url,
        "LLM_MODEL": "fake-model",
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        # Its own DATA_DIR, the same payload key as the client that reads its results.
        "PAYLOAD_KEYS": payload_key_spec(settings),
    }
    yield env


async def _wait_for_poller(client: Client, queue: str, since_pollers: int = 0) -> None:
    for _ in range(600):
        try:
            resp = await client.workflow_service.describe_task_queue(
                DescribeTaskQueueRequest(
                    namespace=client.namespace,
                    task_queue=TaskQueue(name=queue),
                    task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
                )
            )
        except RPCError as exc:
            # A loaded dev server sometimes cancels a describe call; this is a wait loop, so
            # ask again rather than fail the test on the probe itself.
            if exc.status not in (
                RPCStatusCode.CANCELLED,
                RPCStatusCode.UNAVAILABLE,
                RPCStatusCode.DEADLINE_EXCEEDED,
            ):
                raise
            await asyncio.sleep(0.1)
            continue
        if len(resp.pollers) > since_pollers:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("worker never polled")


async def test_turn_survives_worker_kill(
    settings: Settings,
    engines: Engines,
    temporal_client: Client,
    demo_keys: dict[str, str],
    fake: FakeOpenAI,
    worker_env: dict[str, str],
    tmp_path: Path,
) -> None:
    queue = worker_env["TEMPORAL_TASK_QUEUE"]
    first = WorkerProcess(worker_env, tmp_path / "worker-1.log")
    second = WorkerProcess(worker_env, tmp_path / "worker-2.log")
    app = create_app(settings.model_copy(update={"temporal_task_queue": queue}))
    staff, phrase, start = await bookable_slot(engines, hour=14)
    try:
        first.start()
        await _wait_for_poller(temporal_client, queue)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://restart.test", timeout=180
            ) as api,
        ):
            turn = asyncio.create_task(
                api.post(
                    "/api/v1/pipelines",
                    json={"prompt": f"Book me with {staff.full_name} {phrase}"},
                    headers=key_headers(demo_keys["harborview-patient-10"]),
                )
            )
            for _ in range(600):  # the tool has run once generation has begun
                if fake.requests:
                    break
                await asyncio.sleep(0.05)
            assert fake.requests, "generation never started"
            first.kill()
            fake.delay = 0.0
            second.start()
            resp = await turn
        assert resp.status_code == 200, resp.text
        body = resp.json()
        assert body["final_response"] == REPLY
    finally:
        first.stop()
        second.stop()

    patient_id = body["request"]["patient_id"]
    booked = await rows(
        engines,
        Appointment,
        Appointment.patient_id == patient_id,
        Appointment.start_time == to_utc_naive(start, "America/New_York"),
    )
    assert len(booked) == 1
    key = next(s for s in body["steps"] if s["name"] == "execute_tool")["input"]["idempotency_key"]
    assert len(await rows(engines, ActionExecution, ActionExecution.idempotency_key == key)) == 1
    turns = await rows(engines, ConversationTurn, ConversationTurn.turn_id == body["turn_id"])
    assert len(turns) == 1 and turns[0].response == REPLY
    history = await temporal_client.get_workflow_handle(body["workflow_id"]).fetch_history()
    started = [
        e for e in history.events if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
    ]
    assert any(e.activity_task_started_event_attributes.attempt >= 2 for e in started)


async def test_dialogue_state_survives_worker_restart(
    settings: Settings,
    engines: Engines,
    temporal_client: Client,
    demo_keys: dict[str, str],
    fake: FakeOpenAI,
    worker_env: dict[str, str],
    tmp_path: Path,
) -> None:
    """Times offered before a restart can be picked after it: the state is the workflow's."""
    queue = worker_env["TEMPORAL_TASK_QUEUE"]
    first = WorkerProcess(worker_env, tmp_path / "worker-1.log")
    second = WorkerProcess(worker_env, tmp_path / "worker-2.log")
    app = create_app(settings.model_copy(update={"temporal_task_queue": queue}))
    fake.delay = 0.0
    session = f"restart-dialogue-{uuid.uuid4().hex[:8]}"
    headers = key_headers(demo_keys["harborview-patient-10"])
    try:
        first.start()
        await _wait_for_poller(temporal_client, queue)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://restart.test", timeout=180
            ) as api,
        ):
            listed = await api.post(
                "/api/v1/pipelines",
                json={"prompt": "Any times with Dr. Okafor next Friday?", "session_id": session},
                headers=headers,
            )
            assert listed.status_code == 200, listed.text
            handle = temporal_client.get_workflow_handle(conversation_workflow_id(1, session))
            state = await handle.query(ConversationWorkflow.get_dialogue)
            assert state is not None and state.task is not None and state.task.offered
            chosen = state.task.offered[0]
            first.kill()
            second.start()
            await _wait_for_poller(temporal_client, queue)
            picked = await api.post(
                "/api/v1/pipelines",
                json={"prompt": "the first one", "session_id": session},
                headers=headers,
            )
        assert picked.status_code == 200, picked.text
    finally:
        first.stop()
        second.stop()
    assert chosen.start_local is not None
    start = datetime.fromisoformat(chosen.start_local).replace(tzinfo=None)
    booked = await rows(
        engines,
        Appointment,
        Appointment.staff_id == chosen.staff_id,
        Appointment.start_time == to_utc_naive(start, "America/New_York"),
        Appointment.status == "confirmed",
    )
    assert len(booked) == 1
