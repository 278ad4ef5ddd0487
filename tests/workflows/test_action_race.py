"""Two workers racing one action with one idempotency key on PostgreSQL: one effect."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import pytest
from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.actions.activity import ActionActivities
from activities.callbacks.reminders import ReminderActivities
from activities.tools.executor import AfterCommit, ToolExecutor
from core.actions import ActionInput, ActionOutput
from core.payloads import Caller, ToolArgs, ToolCall
from core.settings import Settings
from store.db import make_engine, make_session_factory
from store.models import ActionExecution, Appointment, AuditLog, Patient
from store.timeutil import to_utc_naive
from tests.conftest import TEST_DB
from tests.helpers import bookable_slot, rows
from worker import Engines
from workflows.actions import ActionWorkflow
from workflows.reminders import AppointmentReminderWorkflow

pytestmark = pytest.mark.skipif(
    TEST_DB == "sqlite",
    reason="the race needs PostgreSQL: SQLite serializes every writer, so nothing races",
)
RUNNER = SandboxedWorkflowRunner(
    restrictions=SandboxRestrictions.default.with_passthrough_modules("core", "activities")
)


class Rendezvous:
    """Holds the first attempt of each worker until both have checked the ledger and
    found nothing: from there both write, which is the race a lone retry never shows."""

    def __init__(self, parties: int) -> None:
        self.parties = parties
        self.arrived: list[str] = []
        self.all_here = asyncio.Event()

    def gate(self, name: str) -> AfterCommit:
        async def before_write(tool: str, key: str) -> None:
            if self.all_here.is_set():
                return
            self.arrived.append(name)
            if len(self.arrived) >= self.parties:
                self.all_here.set()
            await asyncio.wait_for(self.all_here.wait(), timeout=20)

        return before_write


@asynccontextmanager
async def _racer(
    client: Client, settings: Settings, queue: str, gate: AfterCommit
) -> AsyncIterator[None]:
    # Its own engine and executor: nothing is shared with the other worker but the database.
    engine = make_engine(settings.effective_database_url, settings)
    sessions = make_session_factory(engine)
    executor = ToolExecutor(sessions, before_write=gate)
    actions = ActionActivities(executor, sessions)
    reminders = ReminderActivities(sessions)
    try:
        async with Worker(
            client,
            task_queue=queue,
            workflows=[ActionWorkflow, AppointmentReminderWorkflow],
            activities=[actions.run_action, actions.record_failure, reminders.send],
            workflow_runner=RUNNER,
        ):
            yield
    finally:
        await engine.dispose()


async def test_two_workers_racing_one_key_book_once(
    temporal_client: Client, settings: Settings, engines: Engines
) -> None:
    staff, _, start = await bookable_slot(engines, hour=13)
    patient = (await rows(engines, Patient, Patient.full_name == "Grace Liu"))[0]
    caller = Caller(tenant_id=1, user_id=1, role="patient", patient_id=patient.id)
    call = ToolCall(
        "create_appointment", ToolArgs(staff_id=staff.id, start_local=start.isoformat())
    )
    key = f"race-{uuid.uuid4().hex}"
    meet = Rendezvous(2)
    queues = {name: f"race-{name}-{uuid.uuid4().hex[:8]}" for name in ("a", "b")}
    async with AsyncExitStack() as stack:
        for name, queue in queues.items():
            await stack.enter_async_context(
                _racer(temporal_client, settings, queue, meet.gate(name))
            )
        handles = [
            await temporal_client.start_workflow(
                ActionWorkflow.run,
                ActionInput(caller, call, key),
                id=f"race-{name}-{key}",
                task_queue=queue,
            )
            for name, queue in queues.items()
        ]
        outs: list[ActionOutput] = list(await asyncio.gather(*(h.result() for h in handles)))

    assert sorted(meet.arrived) == ["a", "b"], "both workers must have reached the write"
    results = [o.result for o in outs]
    assert all(r.ok for r in results), [r.message for r in results]
    assert len({r.appointments[0].id for r in results}) == 1, "both callers see one booking"
    assert sorted(r.replayed for r in results) == [False, True]
    booked = await rows(
        engines,
        Appointment,
        Appointment.patient_id == patient.id,
        Appointment.start_time == to_utc_naive(start, "America/New_York"),
        Appointment.status != "cancelled",
    )
    assert len(booked) == 1
    ledger = await rows(engines, ActionExecution, ActionExecution.idempotency_key == key)
    assert len(ledger) == 1 and ledger[0].status == "succeeded"
    attempts = [
        a.details
        for a in await rows(engines, AuditLog, AuditLog.action == "action_attempt")
        if a.details.get("key") == key
    ]
    assert sorted(a["outcome"] for a in attempts) == ["replayed", "succeeded"]
    assert {a["workflow_id"] for a in attempts} == {h.id for h in handles}
