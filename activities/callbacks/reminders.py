"""Temporal activity of the reminder workflow: remind a patient, if the appointment still holds."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from core.callbacks import (
    REMINDER_RECIPIENTS,
    SendReminderInput,
    SendReminderOutput,
    as_utc,
    naive_utc,
    reminder_key,
)
from store.models import Appointment, Site, StaffNotification, Tenant
from store.timeutil import fmt_local, utc_naive_to_local

REMINDER_KIND = "appointment_reminder"


class ReminderActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    @activity.defn(name="send_reminder")
    async def send(self, inp: SendReminderInput) -> SendReminderOutput:
        """Re-reads the appointment before reminding: a cancel or move whose signal never
        reached the workflow must still win. One notification per (appointment, start)."""
        async with self.sessions() as session:
            appt = await session.get(Appointment, inp.appointment_id)
            if appt is None or appt.tenant_id != inp.tenant_id or appt.status != "confirmed":
                return SendReminderOutput("cancelled")
            if appt.start_time != naive_utc(inp.start_at):
                return SendReminderOutput("moved", as_utc(appt.start_time))
            tenant = await session.get(Tenant, inp.tenant_id)
            site = await session.get(Site, appt.site_id) if appt.site_id else None
            local = utc_naive_to_local(appt.start_time, tenant.timezone if tenant else "UTC")
            where = f" at {site.name}" if site else ""
            session.add(
                StaffNotification(
                    tenant_id=inp.tenant_id,
                    kind=REMINDER_KIND,
                    ref_id=inp.reminder_id,
                    attempt=reminder_key(inp.start_at),
                    recipients=",".join(REMINDER_RECIPIENTS),
                    # For the patient's own channel: their provider and time, nothing else.
                    message=(
                        f"Reminder: your appointment with {appt.provider_name}{where} is on "
                        f"{fmt_local(local)}."
                    ),
                )
            )
            try:
                await session.commit()
            except IntegrityError:
                return SendReminderOutput("already_sent", inp.start_at)
        activity.logger.info(
            "appointment reminder sent",
            extra={"reminder_id": inp.reminder_id, "appointment_id": inp.appointment_id},
        )
        return SendReminderOutput("sent", inp.start_at)
