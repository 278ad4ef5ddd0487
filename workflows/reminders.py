"""AppointmentReminderWorkflow: reminds the patient 24 h before a booked appointment starts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from temporalio import workflow

from core.callbacks import (
    CancelReminderInput,
    MoveReminderInput,
    ReminderInput,
    ReminderStatus,
    SendReminderInput,
)

from .policies import DURABLE_WRITE

with workflow.unsafe.imports_passed_through():
    from activities.callbacks.reminders import ReminderActivities


@workflow.defn
class AppointmentReminderWorkflow:
    @workflow.init
    def __init__(self, inp: ReminderInput) -> None:
        self._lead = timedelta(seconds=inp.lead_s)
        self._start = inp.start_at
        self._status = "scheduled"
        self._sent_at: datetime | None = None

    # Signals, not updates: the pipeline workflow sends them, and workflows cannot send
    # updates. Late ones (after the reminder finished) change nothing.
    @workflow.signal
    def move(self, inp: MoveReminderInput) -> None:
        if self._status == "scheduled":
            self._start = inp.start_at

    @workflow.signal
    def cancel(self, inp: CancelReminderInput) -> None:
        if self._status == "scheduled":
            self._status = "cancelled"

    @workflow.query
    def get_status(self) -> ReminderStatus:
        return ReminderStatus(
            workflow.info().workflow_id,
            self._status,
            self._start,
            self._start - self._lead,
            self._sent_at,
        )

    def _changed_since(self, start: datetime) -> Callable[[], bool]:
        return lambda: self._start != start or self._status != "scheduled"

    @workflow.run
    async def run(self, inp: ReminderInput) -> ReminderStatus:
        while self._status == "scheduled":
            start = self._start
            wait = start - self._lead - workflow.now()
            if wait <= timedelta(0):
                # Booked or moved to less than 24 h ahead: the patient was told the time in
                # that very reply, so a "reminder" minutes later would be noise. (A timer
                # that fires late, say after an outage, does not come here: it sends.)
                self._status = "skipped"
                break
            try:
                await workflow.wait_condition(self._changed_since(start), timeout=wait)
                continue  # moved or cancelled: plan again
            except TimeoutError:
                pass
            if workflow.now() >= start:
                self._status = "skipped"  # the timer ran so late the appointment has begun
                break
            out = await workflow.execute_activity_method(
                ReminderActivities.send,
                SendReminderInput(
                    workflow.info().workflow_id, inp.tenant_id, inp.appointment_id, start
                ),
                start_to_close_timeout=DURABLE_WRITE.start_to_close,
                retry_policy=DURABLE_WRITE.retry,
                summary="remind the patient",
            )
            if out.outcome == "moved" and out.start_at is not None:
                # The move's signal never arrived; the database knows the new start.
                self._start = out.start_at
            elif out.outcome == "cancelled":
                self._status = "cancelled"
            else:
                self._status, self._sent_at = "sent", workflow.now()
        return self.get_status()
