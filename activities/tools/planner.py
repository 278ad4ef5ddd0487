"""Deterministic planner: intent + slots -> tool calls, or a clarifying question."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import select

from core.dialogue import merge_slots
from core.payloads import Caller, Choice, PlanOutput, Slots, ToolArgs, ToolCall
from core.texts import DEFAULT_LANGUAGE, either, say
from store.models import Appointment, Prescription, Staff

from ..dialogue.cues import names_task
from .callback_tool import REASON_CHARS
from .drugs import Prescribed
from .extractor import SlotExtractor, titled_names
from .slots import NamedEntity, resolve_name

PATIENT_TOOLS = {
    "list_appointments": "get_appointments",
    "check_insurance": "check_insurance",
}
# Asking for a person gets the front desk's numbers; asking to be called back books a call.
CONTACT_INTENTS = frozenset({"human_handoff"})
# Intents that need no patient: a staff member may ask them for the clinic as a whole.
NO_PATIENT_INTENTS = frozenset({"check_availability"})


def _start(slots: Slots) -> str | None:
    # A time within a span ("11am, next week") names no day: the open times are shown.
    if slots.span_days > 1:
        return None
    return f"{slots.date}T{slots.time}:00" if slots.date and slots.time else None


def _availability(slots: Slots, staff_id: int | None) -> PlanOutput:
    several = slots.provider_ids if staff_id is not None and len(slots.provider_ids) > 1 else []
    args = ToolArgs(
        staff_id=None if several else staff_id,
        staff_ids=list(several),
        # A provider said outranks a site said: "Dr. Chen at Westside" shows Dr. Chen's times.
        site_id=None if slots.provider_ids else slots.site_id,
        day_local=slots.date,
        part_of_day=slots.part_of_day,
        span_days=slots.span_days,
        after_local=slots.after_local,
    )
    return PlanOutput([ToolCall("get_availability", args)])


class ToolPlanner:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions
        self.extractor = SlotExtractor(sessions)

    async def plan(
        self,
        caller: Caller,
        intent: str,
        text: str,
        *,
        lang: str = DEFAULT_LANGUAGE,
        named_patients: Sequence[int] = (),
        known: Slots | None = None,
    ) -> PlanOutput:
        plan = await self._plan(caller, intent, text, lang, named_patients, known)
        return plan

    async def _plan(
        self,
        caller: Caller,
        intent: str,
        text: str,
        lang: str,
        named_patients: Sequence[int],
        known: Slots | None,
    ) -> PlanOutput:
        if intent in CONTACT_INTENTS:
            return PlanOutput([ToolCall("get_clinic_contact", ToolArgs(reason=intent))])
        if caller.patient_id is None and intent not in NO_PATIENT_INTENTS:
            return PlanOutput(clarification=_which_patient(named_patients, lang))
        # A task being continued keeps its intent: "the one with Dr. Ortega" picks a booking.
        if known is None and intent in EXISTING and await self._asks_for_new(caller, intent, text):
            intent = "book_appointment"
        elif known is None and intent == "book_appointment" and _moves_a_booking(text):
            intent = "reschedule_appointment"
        if intent in PATIENT_TOOLS:
            return PlanOutput([ToolCall(PATIENT_TOOLS[intent])], intent=intent)
        slots = await self.extractor.extract(
            caller, intent, text, lang, continuing=known is not None
        )
        if known is not None:
            slots = _continue(known, slots)
        if slots.clarification:
            return PlanOutput(clarification=slots.clarification, slots=slots, intent=intent)
        out = await self._from_slots(caller, intent, text, lang, slots)
        out.slots, out.intent = slots, intent
        return out

    async def _from_slots(
        self, caller: Caller, intent: str, text: str, lang: str, slots: Slots
    ) -> PlanOutput:
        staff_id = slots.provider_ids[0] if slots.provider_ids else None
        start = _start(slots)
        if intent == "book_appointment":
            if len(slots.provider_ids) > 1 and start:
                # Two providers named and one time: which of them, never the first.
                slots.choices = [
                    Choice("provider", i, n, n)
                    for i, n in zip(slots.provider_ids, slots.provider_names, strict=False)
                ]
                names = either(slots.provider_names, lang)
                return PlanOutput(clarification=say(lang, "ask.did_you_mean", options=names))
            if staff_id is not None and start:
                args = ToolArgs(staff_id=staff_id, start_local=start)
                return PlanOutput([ToolCall("create_appointment", args)])
            if start:
                ask, slots.choices = await self._which_provider(caller, lang)
                return PlanOutput(clarification=ask)
            # Without a provider and an exact time, show what is open so the patient can choose.
            return _availability(slots, staff_id)
        if intent == "check_availability":
            return _availability(slots, staff_id)
        if intent == "schedule_callback":
            if not start:  # a day or a part of day is not a time someone can be called at
                return PlanOutput(clarification=say(lang, "ask.callback_time"))
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
            # Confirmed before it runs, naming the drug and strength (the registry holds it).
            args = ToolArgs(prescription_id=slots.prescription_ids[0])
            subject = slots.medication_labels[0] if slots.medication_labels else ""
            return PlanOutput([ToolCall("request_prescription_refill", args, subject=subject)])
        return PlanOutput(clarification=say(lang, "ask.rephrase"))

    async def _asks_for_new(self, caller: Caller, intent: str, text: str) -> bool:
        """A move, cancel or listing that names no booking of the patient's and no word of its
        own, but asks for a provider and a day ("raman, saturday am?", "me da cita con el dr
        ortega el jueves"): a new booking, never a change to an existing one."""
        if names_task(text, intent) or _MY_BOOKING.search(text):
            return False
        if names_task(text, "book_appointment") or titled_names(text):
            return True
        if intent == "reschedule_appointment" and _DAY_WORD.search(text):
            return True  # a day asked for, nothing said about moving: a new booking
        async with self.sessions() as session:
            providers = await session.scalars(
                select(Staff).where(Staff.tenant_id == caller.tenant_id, Staff.is_provider)
            )
            named = resolve_name(text, [NamedEntity(p.id or 0, p.full_name) for p in providers])
        return bool(named.ids) and _DAY_WORD.search(text) is not None

    async def describe_prescription(self, caller: Caller, prescription_id: int) -> str:
        """Name and strength of one of the caller's prescriptions (for a model's proposal)."""
        async with self.sessions() as session:
            rx = await session.get(Prescription, prescription_id)
        if rx is None or rx.tenant_id != caller.tenant_id or rx.patient_id != caller.patient_id:
            return ""
        return Prescribed(rx.id or 0, rx.medication_name, rx.dosage or "").label

    async def _which_provider(self, caller: Caller, lang: str) -> tuple[str, list[Choice]]:
        async with self.sessions() as session:
            providers = list(
                await session.scalars(
                    select(Staff).where(Staff.tenant_id == caller.tenant_id, Staff.is_provider)
                )
            )
        names = either([p.full_name for p in providers], lang)
        choices = [Choice("provider", p.id or 0, p.full_name, p.full_name) for p in providers]
        return say(lang, "ask.which_provider", names=names), choices

    async def _provider_of(self, caller: Caller, appointment_id: int) -> int | None:
        async with self.sessions() as session:
            appt = await session.get(Appointment, appointment_id)
        if appt is None or appt.patient_id != caller.patient_id:
            return None
        return appt.staff_id


# Intents about a booking the patient already has.
EXISTING = frozenset({"reschedule_appointment", "cancel_appointment", "list_appointments"})
_MY_BOOKING = re.compile(
    r"\b(?:my|mi|mis|our|su|sus|the|la|el)\s+(?:[\w'-]+\s+){0,3}?(?:appointments?|appts?|visits?"
    r"|citas?|consultas?|physical|check-?ups?|follow-?ups?|exams?|booking)\b",
    re.IGNORECASE,
)
_DAY_WORD = re.compile(
    r"\b(?:mon|tue|wed|thu|fri|sat|sun|lun|mar|mie|jue|vie|sab|dom)\w*|\b(?:today|tomorrow|tmrw"
    r"|morning|afternoon|week|hoy|manana|mañana|tarde|semana)\b",
    re.IGNORECASE,
)


_INSTEAD = re.compile(r"\b(?:instead|en\s+vez|en\s+lugar)\b", re.IGNORECASE)


def _moves_a_booking(text: str) -> bool:
    """A "booking" that moves one the patient has: "change an appointment", "I have my exam
    on Thursday, could it be Friday instead?"."""
    if names_task(text, "reschedule_appointment"):
        return True
    return bool(_MY_BOOKING.search(text) and _INSTEAD.search(text))


def _continue(known: Slots, said: Slots) -> Slots:
    """A task's next turn: what it says over what was known. A question the extractor asks
    only because this message named no appointment or drug is moot when the task already
    holds one."""
    merged = merge_slots(known, said)
    vague_appt = said.appointment_reference in ("all", None) or (
        said.appointment_reference or ""
    ).startswith("no_match")
    if known.appointment_ids and vague_appt:
        # The task already holds its appointment; a text naming none keeps it.
        merged.appointment_ids = list(known.appointment_ids)
        merged.clarification = None
    if known.prescription_ids and not said.prescription_ids and not said.medication_not_on_file:
        merged.clarification = None
    return merged


def _which_patient(named: Sequence[int], lang: str) -> str:
    if len(named) > 1:
        return say(lang, "ask.which_patient_of", options=either([f"#{p}" for p in named], lang))
    return say(lang, "ask.which_patient")
