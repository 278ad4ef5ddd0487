"""What a successful tool result sets going after the turn: reminders and callbacks."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

from temporalio import workflow
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import FailureError, WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

from core.callbacks import (
    CallbackInput,
    CancelReminderInput,
    MoveReminderInput,
    ReminderInput,
    reminder_id,
)
from core.payloads import AppointmentInfo, CallbackInfo, Caller, ToolResult

from .callbacks import CallbackWorkflow
from .reminders import AppointmentReminderWorkflow


async def after_tool(caller: Caller, result: ToolResult) -> None:
    """Runs after every ok result, replayed ones included: a replayed result means the first
    attempt's never reached the workflow, so its follow-up may not have started either."""
    if not result.ok:
        return
    if result.tool == "schedule_callback" and result.callback and caller.patient_id:
        await _start_callback(caller, caller.patient_id, result.callback)
    elif result.tool in ("create_appointment", "reschedule_appointment") and result.appointments:
        await _plan_reminder(caller, result.appointments[0])
    elif result.tool == "cancel_appointment" and result.appointments:
        await _cancel_reminder(caller, result.appointments[0])


async def _start_callback(caller: Caller, patient_id: int, info: CallbackInfo) -> None:
    # Abandoned, not cancelled, when the turn ends: the call is due long after it. A callback
    # id never runs twice (REJECT_DUPLICATE), so a repeat start after it fired does nothing.
    with contextlib.suppress(WorkflowAlreadyStartedError):
        await workflow.start_child_workflow(
            CallbackWorkflow.run,
            CallbackInput(
                info.id,
                caller.tenant_id,
                patient_id,
                _utc(info.due_local),
                info.reason,
                requested_by=caller.user_id,
                source="chat",
            ),
            id=info.id,
            parent_close_policy=ParentClosePolicy.ABANDON,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )


async def _plan_reminder(caller: Caller, appt: AppointmentInfo) -> None:
    ref = reminder_id(caller.tenant_id, appt.id)
    start = _utc(appt.start_local)
    try:
        # A new run is allowed after an earlier one finished (an appointment moved after its
        # reminder went out gets a new one); the notification's unique (reminder, start) key
        # keeps any run from reminding the same appointment time twice.
        await workflow.start_child_workflow(
            AppointmentReminderWorkflow.run,
            ReminderInput(caller.tenant_id, appt.id, start),
            id=ref,
            parent_close_policy=ParentClosePolicy.ABANDON,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
        )
    except WorkflowAlreadyStartedError:
        handle = workflow.get_external_workflow_handle_for(AppointmentReminderWorkflow.run, ref)
        # It may finish in between; its own check of the appointment then has the last word.
        with contextlib.suppress(FailureError):
            await handle.signal(AppointmentReminderWorkflow.move, MoveReminderInput(start))


async def _cancel_reminder(caller: Caller, appt: AppointmentInfo) -> None:
    ref = reminder_id(caller.tenant_id, appt.id)
    handle = workflow.get_external_workflow_handle_for(AppointmentReminderWorkflow.run, ref)
    # No reminder running (never booked through chat, or already finished) is fine: the
    # reminder re-reads the appointment before sending anyway.
    with contextlib.suppress(FailureError):
        await handle.signal(AppointmentReminderWorkflow.cancel, CancelReminderInput())


def _utc(local_iso: str) -> datetime:
    # Tool results carry the tenant's local time with its offset; the offset alone gives UTC,
    # so no time zone database is consulted inside the workflow.
    return datetime.fromisoformat(local_iso).astimezone(UTC)
