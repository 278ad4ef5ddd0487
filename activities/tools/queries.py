"""Reads shared by the planner's slot extraction and the executor, scoped to one patient."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from store.models import Appointment, utcnow


async def upcoming_appointments(
    session: AsyncSession, tenant_id: int, patient_id: int | None, *, limit: int | None = None
) -> list[Appointment]:
    """The patient's confirmed appointments from now on, soonest first."""
    query = (
        select(Appointment)
        .where(
            Appointment.tenant_id == tenant_id,
            Appointment.patient_id == patient_id,
            Appointment.status == "confirmed",
            Appointment.start_time >= utcnow(),
        )
        .order_by(col(Appointment.start_time))
        .limit(limit)
    )
    return list(await session.scalars(query))
