"""Deterministic planner: intent + slots -> tool calls, or a clarifying question."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import select

from core.payloads import Caller, PlanOutput, Slots, ToolArgs, ToolCall
from store.models import Appointment, Staff

from .callback_tool import REASON_CHARS
from .extractor import SlotExtractor

PATIENT_TOOLS = {
    "list_appointments": "get_appointments",
    "insurance": "check_insurance",
}
# Asking for a person gets the front desk's numbers; asking to be called back books a call.
CONTACT_INTENTS = frozenset({"human_handoff"})
ASK_CALLBACK_TIME = "When should we call you back? For example: tomorrow at 10am."


def _start(slots: Slots) -> str | None:
    return f"{slots.date}T{slots.time}:00" if slots.date and slots.time else None


def _availability(slots: Slots, staff_id: int | None) -> PlanOutput:
    args = ToolArgs(
        staff_id=staff_id,
        day_local=slots.date,
        part_of_day=slots.part_of_day,
        span_days=slots.span_days,
    )
    return PlanOutput([ToolCall("get_availability", args)])


class ToolPlanner:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions
        self.extractor = SlotExtractor(sessions)

    async def plan(self, caller: Caller, intent: str, text: str) -> PlanOutput:
        if intent in CONTACT_INTENTS:
            return PlanOutput([ToolCall("get_clinic_contact", ToolArgs(reason=intent))])
        if caller.patient_id is None and intent != "availability":
            return PlanOutput(
                clarification="Which patient is this for? Staff requests need a patient_id."
            )
        if intent in PATIENT_TOOLS:
            return PlanOutput([ToolCall(PATIENT_TOOLS[intent])])
        slots = await self.extractor.extract(caller, intent, text)
        if slots.clarification:
            return PlanOutput(clarification=slots.clarification)
        staff_id = slots.provider_ids[0] if slots.provider_ids else None
        start = _start(slots)
        if intent == "book_appointment":
            if staff_id is not None and start:
                args = ToolArgs(staff_id=staff_id, start_local=start)
                return PlanOutput([ToolCall("create_appointment", args)])
            if start:
                return PlanOutput(clarification=await self._which_provider(caller))
            # Without a provider and an exact time, show what is open so the patient can choose.
            return _availability(slots, staff_id)
        if intent == "availability":
            return _availability(slots, staff_id)
        if intent == "callback":
            if not start:  # a day or a part of day is not a time someone can be called at
                return PlanOutput(clarification=ASK_CALLBACK_TIME)
            # The caller's own patient id is used by the executor; the (already redacted)
            # words become the note staff see.
            args = ToolArgs(start_local=start, reason=text[:REASON_CHARS])
            return PlanOutput([ToolCall("schedule_callback", args)])
        if intent == "cancel_appointment" and slots.appointment_ids:
            args = ToolArgs(appointment_id=slots.appointment_ids[0])
            return PlanOutput([ToolCall("cancel_appointment", args)])
        if intent == "reschedule_appointment" and slots.appointment_ids:
            appointment_id = slots.appointment_ids[0]
            if start:
                args = ToolArgs(appointment_id=appointment_id, start_local=start)
                return PlanOutput([ToolCall("reschedule_appointment", args)])
            # No new time yet: offer the same provider's open times for the day said, if any.
            return _availability(slots, await self._provider_of(caller, appointment_id))
        if intent == "prescription_refill" and slots.prescription_ids:
            args = ToolArgs(prescription_id=slots.prescription_ids[0])
            return PlanOutput([ToolCall("request_prescription_refill", args)])
        return PlanOutput(clarification="I'm not sure which action you need. Could you rephrase?")

    async def _which_provider(self, caller: Caller) -> str:
        async with self.sessions() as session:
            providers = await session.scalars(
                select(Staff).where(Staff.tenant_id == caller.tenant_id, Staff.is_provider)
            )
            names = ", ".join(p.full_name for p in providers)
        return f"Which provider would you like to see: {names}?"

    async def _provider_of(self, caller: Caller, appointment_id: int) -> int | None:
        async with self.sessions() as session:
            appt = await session.get(Appointment, appointment_id)
        if appt is None or appt.patient_id != caller.patient_id:
            return None
        return appt.staff_id
