"""CallbackWorkflow: one promised call, due at a time; moved or cancelled until it fires, once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError

from core.callbacks import (
    CALLBACK_CLOSED,
    INVALID_DUE_TIME,
    CallbackInput,
    CallbackStatus,
    CancelCallbackInput,
    FireCallbackInput,
    MoveCallbackInput,
    SaveCallbackInput,
)

from .policies import DURABLE_WRITE

with workflow.unsafe.imports_passed_through():
    from activities.callbacks.activity import CallbackActivities


@workflow.defn
class CallbackWorkflow:
    @workflow.init
    def __init__(self, inp: CallbackInput) -> None:
        self._inp = inp
        self._due = inp.due_at
        self._status = "scheduled"
        self._fired_at: datetime | None = None
        self._task_id: int | None = None
        # Moves, cancellation and firing each change state and then write it; one at a time,
        # so the row never ends up holding an older change than the workflow.
        self._lock = asyncio.Lock()
        # A move or cancel arriving this early must not write before the row exists, or the
        # insert would bring back the original time.
        self._recorded = False

    @workflow.query
    def get_status(self) -> CallbackStatus:
        return CallbackStatus(
            self._inp.callback_id, self._status, self._due, self._fired_at, self._task_id
        )

    def _ensure_open(self) -> None:
        if self._status != "scheduled":
            raise ApplicationError(f"The callback is already {self._status}.", type=CALLBACK_CLOSED)

    @workflow.update
    async def move(self, inp: MoveCallbackInput) -> CallbackStatus:
        await workflow.wait_condition(lambda: self._recorded)
        async with self._lock:
            self._ensure_open()  # it may have fired while this update waited for the lock
            self._due = inp.due_at
            await self._save()
        return self.get_status()

    @move.validator
    def _validate_move(self, inp: MoveCallbackInput) -> None:
        self._ensure_open()
        if inp.due_at <= workflow.now():
            raise ApplicationError("The new time has already passed.", type=INVALID_DUE_TIME)

    @workflow.update
    async def cancel(self, inp: CancelCallbackInput) -> CallbackStatus:
        await workflow.wait_condition(lambda: self._recorded)
        async with self._lock:
            self._ensure_open()
            self._status = "cancelled"
            await self._save()
        return self.get_status()

    @cancel.validator
    def _validate_cancel(self, inp: CancelCallbackInput) -> None:
        self._ensure_open()

    def _changed_since(self, due: datetime) -> Callable[[], bool]:
        return lambda: self._due != due or self._status != "scheduled"

    async def _save(self) -> None:
        await workflow.execute_activity_method(
            CallbackActivities.save,
            SaveCallbackInput(self._inp.callback_id, self._status, self._due),
            start_to_close_timeout=DURABLE_WRITE.start_to_close,
            retry_policy=DURABLE_WRITE.retry,
            summary=f"save callback ({self._status})",
        )

    @workflow.run
    async def run(self, inp: CallbackInput) -> CallbackStatus:
        await workflow.execute_activity_method(
            CallbackActivities.record,
            inp,
            start_to_close_timeout=DURABLE_WRITE.start_to_close,
            retry_policy=DURABLE_WRITE.retry,
            summary="record callback",
        )
        self._recorded = True
        while self._status == "scheduled":
            due = self._due
            wait = due - workflow.now()
            if wait > timedelta(0):
                try:
                    # A durable timer: it survives worker restarts and is re-armed on a move.
                    await workflow.wait_condition(self._changed_since(due), timeout=wait)
                    continue
                except TimeoutError:
                    pass
            async with self._lock:
                # A move or cancel may have held the lock while the timer fired.
                if self._status != "scheduled" or self._due > workflow.now():
                    continue
                await self._fire(inp)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.get_status()

    async def _fire(self, inp: CallbackInput) -> None:
        # Closed before the write: from here on, moves and cancels are refused.
        self._status, self._fired_at = "fired", workflow.now()
        out = await workflow.execute_activity_method(
            CallbackActivities.fire,
            FireCallbackInput(
                inp.callback_id,
                inp.tenant_id,
                inp.patient_id,
                self._due,
                self._fired_at,
                inp.reason,
            ),
            start_to_close_timeout=DURABLE_WRITE.start_to_close,
            retry_policy=DURABLE_WRITE.retry,
            summary="create the staff task",
        )
        self._task_id = out.task_id
