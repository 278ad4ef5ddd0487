"""Callbacks and appointment reminders fire once, at their time, and never after a cancel; run
on Temporal's time-skipping test server, so a day's wait takes no time."""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from sqlmodel import col, select
from temporalio import activity
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer, Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.callbacks.activity import CallbackActivities
from activities.callbacks.reminders import ReminderActivities
from core.callbacks import (
    INVALID_DUE_TIME,
    CallbackInput,
    CancelCallbackInput,
    CancelReminderInput,
    FireCallbackInput,
    FireCallbackOutput,
    MoveCallbackInput,
    MoveReminderInput,
    ReminderInput,
    callback_id,
    naive_utc,
    reminder_id,
    reminder_key,
)
from store.models import Appointment, Callback, Patient, Staff, StaffNotification, StaffTask
from worker import Engines
from workflows.callbacks import CallbackWorkflow
from workflows.reminders import AppointmentReminderWorkflow

TEST_SERVER = Path(sys.executable).parent / "temporal-test-server"
TENANT = 1
DAY = timedelta(days=1)
# As in worker.py: payload types (core) load once, outside the sandbox, so the converter sees
# the real datetime class in their type hints.
RUNNER = SandboxedWorkflowRunner(
    restrictions=SandboxRestrictions.default.with_passthrough_modules("core", "activities")
)


@pytest.fixture(scope="module")
async def skipping() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_time_skipping(test_server_existing_path=str(TEST_SERVER))
    yield env
    await env.shutdown()


@pytest.fixture(scope="module")
async def patient_id(engines: Engines) -> int:
    # A patient of its own, so other tests' appointments and callbacks never mix with these.
    async with engines.sessions() as session:
        patient = Patient(tenant_id=TENANT, full_name="Callback Testpatient")
        session.add(patient)
        await session.commit()
        return patient.id or 0


@asynccontextmanager
async def _worker(
    env: WorkflowEnvironment,
    engines: Engines,
    queue: str,
    *,
    fire: Any = None,
    cache: int = 1000,
) -> AsyncIterator[None]:
    callbacks, reminders = (
        CallbackActivities(engines.sessions),
        ReminderActivities(engines.sessions),
    )
    with ThreadPoolExecutor(max_workers=2) as pool:
        async with Worker(
            env.client,
            task_queue=queue,
            workflows=[CallbackWorkflow, AppointmentReminderWorkflow],
            activities=[callbacks.record, callbacks.save, fire or callbacks.fire, reminders.send],
            activity_executor=pool,
            workflow_runner=RUNNER,
            max_cached_workflows=cache,
        ):
            yield


async def _rows(engines: Engines, model: Any, *where: Any) -> list[Any]:
    async with engines.sessions() as session:
        return list(await session.scalars(select(model).where(*where)))


async def _callback(engines: Engines, ref: str) -> Callback:
    async with engines.sessions() as session:
        row = await session.get(Callback, ref, populate_existing=True)
    assert row is not None
    return row


async def _until(check: Callable[[], Awaitable[bool]], what: str) -> None:
    for _ in range(200):
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def _start_callback(
    env: WorkflowEnvironment, engines: Engines, patient_id: int, queue: str, due_in: timedelta
) -> tuple[WorkflowHandle[Any, Any], CallbackInput]:
    ref = callback_id(TENANT, uuid.uuid4().hex)
    inp = CallbackInput(ref, TENANT, patient_id, await env.get_current_time() + due_in, "labs")
    handle = await env.client.start_workflow(CallbackWorkflow.run, inp, id=ref, task_queue=queue)

    # It records its row, then starts its timer: from then on the wait is the server's.
    async def waiting() -> bool:
        history = await handle.fetch_history()
        return any(e.event_type == EventType.EVENT_TYPE_TIMER_STARTED for e in history.events)

    await _until(waiting, "the callback's timer")
    assert await _rows(engines, Callback, Callback.id == ref)
    return handle, inp


async def _fired_once(engines: Engines, ref: str) -> StaffTask:
    (task,) = await _rows(engines, StaffTask, StaffTask.ref_id == ref)
    (note,) = await _rows(engines, StaffNotification, StaffNotification.ref_id == ref)
    assert task.kind == "callback" and f"#{task.id}" in note.message
    assert "reception" in note.recipients
    row = await _callback(engines, ref)
    assert row.status == "fired" and row.task_id == task.id
    return task


async def test_callback_due_tomorrow_fires_exactly_once(
    skipping: WorkflowEnvironment, engines: Engines, patient_id: int
) -> None:
    async with _worker(skipping, engines, "callbacks"):
        handle, inp = await _start_callback(skipping, engines, patient_id, "callbacks", DAY)
        assert (await handle.query(CallbackWorkflow.get_status)).status == "scheduled"
        assert not await _rows(engines, StaffTask, StaffTask.ref_id == inp.callback_id)
        status = await handle.result()  # the test server skips the day
    assert status.status == "fired" and status.fired_at is not None
    assert status.fired_at >= inp.due_at
    task = await _fired_once(engines, inp.callback_id)
    assert status.task_id == task.id and task.due_at == naive_utc(inp.due_at)
    # The recorded history replays without non-determinism.
    replayer = Replayer(workflows=[CallbackWorkflow], workflow_runner=RUNNER)
    await replayer.replay_workflow(await handle.fetch_history())


async def test_callback_fires_once_after_a_worker_restart(
    skipping: WorkflowEnvironment, engines: Engines, patient_id: int
) -> None:
    queue = "callbacks-restart"
    # Uncached, so no sticky queue: the time-skipping server left the next task on a stopped
    # worker's sticky queue (a real server moves it within seconds). The new worker then
    # rebuilds the workflow from history alone, as after a crash.
    async with _worker(skipping, engines, queue, cache=0):
        handle, inp = await _start_callback(skipping, engines, patient_id, queue, DAY)
    # No worker now; an hour passes, the timer still waits on the server.
    await skipping.sleep(timedelta(hours=1))
    assert (await _callback(engines, inp.callback_id)).status == "scheduled"
    async with _worker(skipping, engines, queue):
        status = await handle.result()
    assert status.status == "fired"
    await _fired_once(engines, inp.callback_id)


async def test_a_retry_after_a_lost_commit_creates_one_task(
    skipping: WorkflowEnvironment, engines: Engines, patient_id: int
) -> None:
    real, calls = CallbackActivities(engines.sessions), []

    # Registered under the real name: the first attempt commits, then dies before replying.
    @activity.defn(name="fire_callback")
    async def crash_after_commit(inp: FireCallbackInput) -> FireCallbackOutput:
        out = await real.fire(inp)
        calls.append(out)
        if len(calls) == 1:
            raise RuntimeError("worker died after commit")
        return out

    async with _worker(skipping, engines, "callbacks-crash", fire=crash_after_commit):
        handle, inp = await _start_callback(skipping, engines, patient_id, "callbacks-crash", DAY)
        status = await handle.result()
    assert [c.created for c in calls] == [True, False]
    task = await _fired_once(engines, inp.callback_id)
    assert status.task_id == task.id


async def test_moved_callback_fires_at_the_new_time(
    skipping: WorkflowEnvironment, engines: Engines, patient_id: int
) -> None:
    async with _worker(skipping, engines, "callbacks-move"):
        handle, inp = await _start_callback(skipping, engines, patient_id, "callbacks-move", DAY)
        new_due = inp.due_at + 2 * DAY
        moved = await handle.execute_update(CallbackWorkflow.move, MoveCallbackInput(new_due))
        assert moved.due_at == new_due
        # The update returns once the row holds the new time.
        assert (await _callback(engines, inp.callback_id)).due_at == naive_utc(new_due)
        past = await skipping.get_current_time() - timedelta(minutes=1)
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await handle.execute_update(CallbackWorkflow.move, MoveCallbackInput(past))
        assert isinstance(refused.value.cause, ApplicationError)
        assert refused.value.cause.type == INVALID_DUE_TIME
        status = await handle.result()
    assert status.status == "fired" and status.fired_at is not None
    assert status.fired_at >= new_due
    await _fired_once(engines, inp.callback_id)


async def test_a_move_that_arrives_before_the_row_still_lands_in_it(
    skipping: WorkflowEnvironment, engines: Engines, patient_id: int
) -> None:
    # No worker yet: the move reaches the workflow in its very first task, before the row
    # exists (as when the API died between starting the workflow and writing the row).
    queue, ref = "callbacks-early", callback_id(TENANT, uuid.uuid4().hex)
    due = await skipping.get_current_time() + DAY
    inp = CallbackInput(ref, TENANT, patient_id, due)
    handle = await skipping.client.start_workflow(
        CallbackWorkflow.run, inp, id=ref, task_queue=queue
    )
    move = asyncio.create_task(
        handle.execute_update(CallbackWorkflow.move, MoveCallbackInput(due + DAY))
    )
    async with _worker(skipping, engines, queue):
        assert (await move).due_at == due + DAY
        assert (await _callback(engines, ref)).due_at == naive_utc(due + DAY)
        status = await handle.result()
    assert status.fired_at is not None and status.fired_at >= due + DAY


async def test_cancelled_callback_never_fires(
    skipping: WorkflowEnvironment, engines: Engines, patient_id: int
) -> None:
    async with _worker(skipping, engines, "callbacks-cancel"):
        handle, inp = await _start_callback(skipping, engines, patient_id, "callbacks-cancel", DAY)
        cancelled = await handle.execute_update(CallbackWorkflow.cancel, CancelCallbackInput(7))
        assert cancelled.status == "cancelled"
        status = await handle.result()
        # Well past the original time: still nothing.
        await skipping.sleep(2 * DAY)
    assert status.status == "cancelled" and status.fired_at is None
    assert not await _rows(engines, StaffTask, StaffTask.ref_id == inp.callback_id)
    assert not await _rows(engines, StaffNotification, StaffNotification.ref_id == inp.callback_id)
    assert (await _callback(engines, inp.callback_id)).status == "cancelled"


# ---- appointment reminders -------------------------------------------------------------


async def _appointment(engines: Engines, patient_id: int, start: datetime) -> Appointment:
    async with engines.sessions() as session:
        staff = await session.scalar(
            select(Staff).where(Staff.tenant_id == TENANT, Staff.is_provider).limit(1)
        )
        assert staff is not None
        # Seconds off the slot grid: never collides with a bookable slot other tests use.
        begin = naive_utc(start).replace(second=uuid.uuid4().int % 59 + 1, microsecond=0)
        appt = Appointment(
            tenant_id=TENANT,
            patient_id=patient_id,
            staff_id=staff.id or 0,
            site_id=staff.site_id,
            provider_name=staff.full_name,
            start_time=begin,
            end_time=begin + timedelta(minutes=30),
        )
        session.add(appt)
        await session.commit()
        return appt


async def _set_appointment(engines: Engines, appt_id: int, **values: Any) -> None:
    async with engines.sessions() as session:
        await session.execute(
            update(Appointment).where(col(Appointment.id) == appt_id).values(**values)
        )
        await session.commit()


async def _start_reminder(
    env: WorkflowEnvironment, engines: Engines, patient_id: int, queue: str, days: float = 3
) -> tuple[WorkflowHandle[Any, Any], ReminderInput]:
    appt = await _appointment(
        engines, patient_id, await env.get_current_time() + timedelta(days=days)
    )
    start = appt.start_time.replace(tzinfo=(await env.get_current_time()).tzinfo)
    inp = ReminderInput(TENANT, appt.id or 0, start)
    handle = await env.client.start_workflow(
        AppointmentReminderWorkflow.run,
        inp,
        id=reminder_id(TENANT, inp.appointment_id),
        task_queue=queue,
    )
    return handle, inp


async def _reminders(engines: Engines, inp: ReminderInput) -> list[StaffNotification]:
    ref = reminder_id(TENANT, inp.appointment_id)
    return await _rows(engines, StaffNotification, StaffNotification.ref_id == ref)


async def test_reminder_fires_a_day_before_the_appointment(
    skipping: WorkflowEnvironment, engines: Engines, patient_id: int
) -> None:
    async with _worker(skipping, engines, "reminders"):
        handle, inp = await _start_reminder(skipping, engines, patient_id, "reminders")
        status = await handle.result()
    assert status.status == "sent" and status.sent_at is not None
    remind_at = inp.start_at - DAY
    assert remind_at <= status.sent_at < remind_at + timedelta(minutes=1)
    (note,) = await _reminders(engines, inp)
    assert note.kind == "appointment_reminder" and note.recipients == "patient"
    assert note.attempt == reminder_key(inp.start_at) and "Reminder" in note.message


async def test_cancelled_appointment_is_never_reminded(
    skipping: WorkflowEnvironment, engines: Engines, patient_id: int
) -> None:
    async with _worker(skipping, engines, "reminders-cancel"):
        handle, inp = await _start_reminder(skipping, engines, patient_id, "reminders-cancel")
        await _set_appointment(engines, inp.appointment_id, status="cancelled")
        await handle.signal(AppointmentReminderWorkflow.cancel, CancelReminderInput())
        status = await handle.result()
        await skipping.sleep(4 * DAY)
    assert status.status == "cancelled" and status.sent_at is None
    assert not await _reminders(engines, inp)


async def test_missed_cancel_signal_still_never_reminds(
    skipping: WorkflowEnvironment, engines: Engines, patient_id: int
) -> None:
    async with _worker(skipping, engines, "reminders-missed"):
        handle, inp = await _start_reminder(skipping, engines, patient_id, "reminders-missed")
        # Cancelled in the database only: the signal was lost.
        await _set_appointment(engines, inp.appointment_id, status="cancelled")
        status = await handle.result()
    assert status.status == "cancelled" and status.sent_at is None
    assert not await _reminders(engines, inp)


@pytest.mark.parametrize("signalled", [True, False], ids=["signalled", "signal-missed"])
async def test_moved_appointment_moves_its_reminder(
    skipping: WorkflowEnvironment, engines: Engines, patient_id: int, signalled: bool
) -> None:
    queue = f"reminders-move-{signalled}"
    async with _worker(skipping, engines, queue):
        handle, inp = await _start_reminder(skipping, engines, patient_id, queue)
        new_start = inp.start_at + 2 * DAY
        await _set_appointment(
            engines,
            inp.appointment_id,
            start_time=naive_utc(new_start),
            end_time=naive_utc(new_start) + timedelta(minutes=30),
        )
        if signalled:
            await handle.signal(AppointmentReminderWorkflow.move, MoveReminderInput(new_start))
        status = await handle.result()
    assert status.status == "sent" and status.sent_at is not None
    assert status.start_at == new_start
    assert new_start - DAY <= status.sent_at < new_start - DAY + timedelta(minutes=1)
    (note,) = await _reminders(engines, inp)
    assert note.attempt == reminder_key(new_start)


async def test_appointment_booked_within_a_day_gets_no_reminder(
    skipping: WorkflowEnvironment, engines: Engines, patient_id: int
) -> None:
    async with _worker(skipping, engines, "reminders-soon"):
        handle, inp = await _start_reminder(
            skipping, engines, patient_id, "reminders-soon", days=0.5
        )
        status = await handle.result()
    assert status.status == "skipped"
    assert not await _reminders(engines, inp)
