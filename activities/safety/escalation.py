"""Temporal activities of the escalation workflow: record it, notify staff, close it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col
from temporalio import activity

from core.escalation import CloseInput, EscalationInput, NotifyInput, escalation_id
from store.models import Escalation, StaffNotification, utcnow


class EscalationActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    @activity.defn(name="record_escalation")
    async def record(self, inp: EscalationInput) -> bool:
        """Insert-or-keep by the escalation id; returns False when it already existed."""
        row = Escalation(
            id=escalation_id(inp.tenant_id, inp.turn_id),
            tenant_id=inp.tenant_id,
            patient_id=inp.patient_id,
            session_id=inp.session_id,
            turn_id=inp.turn_id,
            category=inp.category,
            severity=inp.severity,
            reason=inp.reason,
        )
        async with self.sessions() as session:
            session.add(row)
            try:
                await session.commit()
            except IntegrityError:
                return False
        return True

    @activity.defn(name="notify_staff")
    async def notify(self, inp: NotifyInput) -> bool:
        """One notification record per attempt (unique), so a retry never pages twice. The
        delivery channel (pager, SMS) reads these rows; the message names no patient."""
        async with self.sessions() as session:
            session.add(
                StaffNotification(
                    tenant_id=inp.tenant_id,
                    kind=inp.kind,
                    ref_id=inp.escalation_id,
                    attempt=inp.attempt,
                    recipients=",".join(inp.recipients),
                    message=inp.message,
                )
            )
            try:
                await session.commit()
            except IntegrityError:
                return False
            await session.execute(
                update(Escalation)
                .where(col(Escalation.id) == inp.escalation_id)
                .values(notifications_sent=inp.attempt, updated_at=utcnow())
            )
            await session.commit()
        activity.logger.info(
            "staff notified", extra={"escalation_id": inp.escalation_id, "attempt": inp.attempt}
        )
        return True

    @activity.defn(name="close_escalation")
    async def close(self, inp: CloseInput) -> None:
        acked_at = (
            datetime.fromtimestamp(inp.acknowledged_at, UTC).replace(tzinfo=None)
            if inp.acknowledged_at is not None
            else None
        )
        async with self.sessions() as session:
            await session.execute(
                update(Escalation)
                .where(col(Escalation.id) == inp.escalation_id)
                .values(
                    status=inp.status,
                    notifications_sent=inp.notifications_sent,
                    acknowledged_by=inp.acknowledged_by,
                    acknowledged_at=acked_at,
                    note=inp.note,
                    updated_at=utcnow(),
                )
            )
            await session.commit()
