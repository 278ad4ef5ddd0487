"""Deterministic planner: intent + slots -> tool calls, or a clarifying question."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import select

from core.payloads import Caller, PlanOutput, ToolArgs, ToolCall
from store.models import Appointment, Prescription, Staff, Tenant, utcnow
from store.timeutil import fmt_local, now_local, utc_naive_to_local

from .slots import NamedEntity, appointment_id_in, match_names, parse_when, weekday_in

PATIENT_TOOLS = {
    "list_appointments": "get_appointments",
    "insurance": "check_insurance",
}


class ToolPlanner:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def plan(self, caller: Caller, intent: str, text: str) -> PlanOutput:
        if caller.patient_id is None and intent != "availability":
            return PlanOutput(
                clarification="Which patient is this for? Staff requests need a patient_id."
            )
        async with self.sessions() as session:
            tenant = await session.get(Tenant, caller.tenant_id)
            tz = tenant.timezone if tenant else "UTC"
            if intent in PATIENT_TOOLS:
                return PlanOutput([ToolCall(PATIENT_TOOLS[intent])])
            if intent in ("book_appointment", "availability"):
                return await self._booking(session, caller, intent, text, tz)
            if intent == "cancel_appointment":
                return await self._cancel(session, caller, text, tz)
            if intent == "prescription_refill":
                return await self._refill(session, caller, text)
        return PlanOutput(clarification="I'm not sure which action you need. Could you rephrase?")

    async def _booking(
        self, session: AsyncSession, caller: Caller, intent: str, text: str, tz: str
    ) -> PlanOutput:
        providers = list(
            await session.scalars(
                select(Staff).where(Staff.tenant_id == caller.tenant_id, Staff.is_provider)
            )
        )
        named = match_names(text, [NamedEntity(p.id or 0, p.full_name) for p in providers])
        if len(named) > 1:
            names = " or ".join(p.full_name for p in providers if p.id in named)
            return PlanOutput(clarification=f"Did you mean {names}?")
        staff_id = named[0] if named else None
        when = parse_when(text, now_local(tz))
        if intent == "book_appointment" and staff_id is not None and when and when.at:
            args = ToolArgs(staff_id=staff_id, start_local=when.at.isoformat(), reason=None)
            return PlanOutput([ToolCall("create_appointment", args)])
        if intent == "book_appointment" and staff_id is None and when and when.at:
            names = ", ".join(p.full_name for p in providers)
            return PlanOutput(clarification=f"Which provider would you like to see: {names}?")
        # Without a full provider + time, show what is open so the patient can choose.
        day = when.day.isoformat() if when else None
        return PlanOutput(
            [ToolCall("get_availability", ToolArgs(staff_id=staff_id, day_local=day))]
        )

    async def _cancel(
        self, session: AsyncSession, caller: Caller, text: str, tz: str
    ) -> PlanOutput:
        explicit = appointment_id_in(text)
        if explicit is not None:
            # Passed through as said: the executor, not the planner, enforces ownership.
            return PlanOutput([ToolCall("cancel_appointment", ToolArgs(appointment_id=explicit))])
        upcoming = list(
            await session.scalars(
                select(Appointment).where(
                    Appointment.tenant_id == caller.tenant_id,
                    Appointment.patient_id == caller.patient_id,
                    Appointment.status == "confirmed",
                    Appointment.start_time >= utcnow(),
                )
            )
        )
        weekday = weekday_in(text)
        if weekday is not None:
            upcoming = [
                a for a in upcoming if utc_naive_to_local(a.start_time, tz).weekday() == weekday
            ]
        if len(upcoming) == 1:
            return PlanOutput(
                [ToolCall("cancel_appointment", ToolArgs(appointment_id=upcoming[0].id))]
            )
        if not upcoming:
            return PlanOutput(clarification="I couldn't find an upcoming appointment to cancel.")
        listing = "; ".join(
            f"#{a.id} with {a.provider_name} on {fmt_local(utc_naive_to_local(a.start_time, tz))}"
            for a in upcoming
        )
        return PlanOutput(clarification=f"Which appointment should I cancel? {listing}")

    async def _refill(self, session: AsyncSession, caller: Caller, text: str) -> PlanOutput:
        rxs = list(
            await session.scalars(
                select(Prescription).where(
                    Prescription.tenant_id == caller.tenant_id,
                    Prescription.patient_id == caller.patient_id,
                    Prescription.status == "active",
                )
            )
        )
        named = match_names(text, [NamedEntity(r.id or 0, r.medication_name) for r in rxs])
        if len(named) == 1 or (not named and len(rxs) == 1):
            rx_id = named[0] if named else rxs[0].id
            return PlanOutput(
                [ToolCall("request_prescription_refill", ToolArgs(prescription_id=rx_id))]
            )
        if not rxs:
            return PlanOutput(clarification="I don't see an active prescription on your file.")
        names = ", ".join(r.medication_name for r in rxs)
        return PlanOutput(clarification=f"Which medication should I refill: {names}?")
