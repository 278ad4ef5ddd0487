"""Temporal activities of the callback workflow: record it, save its changes, fire it once."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col, select
from temporalio import activity

from core.callbacks import (
    CALLBACK_RECIPIENTS,
    CallbackInput,
    FireCallbackInput,
    FireCallbackOutput,
    SaveCallbackInput,
    naive_utc,
)
from store.callback_rows import insert_or_keep
from store.models import Callback, StaffNotification, StaffTask, utcnow

TASK_KIND = "callback"


class CallbackActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    @activity.defn(name="record_callback")
    async def record(self, inp: CallbackInput) -> bool:
        """Insert-or-keep by the callback id: the chat tool or the API may have written it."""
        return await insert_or_keep(self.sessions, inp)

    @activity.defn(name="save_callback")
    async def save(self, inp: SaveCallbackInput) -> None:
        async with self.sessions() as session:
            await session.execute(
                update(Callback)
                .where(col(Callback.id) == inp.callback_id)
                .values(status=inp.status, due_at=naive_utc(inp.due_at), updated_at=utcnow())
            )
            await session.commit()

    @activity.defn(name="fire_callback")
    async def fire(self, inp: FireCallbackInput) -> FireCallbackOutput:
        """The staff task, its notification and the fired status commit together; the task is
        unique per callback, so a retry after a lost commit finds it instead of adding one."""
        try:
            async with self.sessions() as session, session.begin():
                task = StaffTask(
                    tenant_id=inp.tenant_id,
                    kind=TASK_KIND,
                    ref_id=inp.callback_id,
                    patient_id=inp.patient_id,
                    due_at=naive_utc(inp.due_at),
                    title=f"Call back patient #{inp.patient_id}",
                )
                session.add(task)
                await session.flush()
                task_id = task.id or 0
                session.add(
                    StaffNotification(
                        tenant_id=inp.tenant_id,
                        kind=TASK_KIND,
                        ref_id=inp.callback_id,
                        attempt=1,
                        recipients=",".join(CALLBACK_RECIPIENTS),
                        # No name and no reason: the task id opens the record.
                        message=f"callback due: open staff task #{task_id}",
                    )
                )
                await self._mark_fired(session, inp, task_id)
        except IntegrityError:
            async with self.sessions() as session:
                found = await session.scalar(
                    select(StaffTask.id).where(
                        StaffTask.kind == TASK_KIND, StaffTask.ref_id == inp.callback_id
                    )
                )
            if found is None:
                raise  # not our uniqueness: a real integrity problem, let Temporal retry
            return FireCallbackOutput(int(found), created=False)
        activity.logger.info(
            "callback fired", extra={"callback_id": inp.callback_id, "task_id": task_id}
        )
        return FireCallbackOutput(task_id, created=True)

    @staticmethod
    async def _mark_fired(session: AsyncSession, inp: FireCallbackInput, task_id: int) -> None:
        await session.execute(
            update(Callback)
            .where(col(Callback.id) == inp.callback_id)
            .values(
                status="fired",
                task_id=task_id,
                fired_at=naive_utc(inp.fired_at),
                updated_at=utcnow(),
            )
        )
