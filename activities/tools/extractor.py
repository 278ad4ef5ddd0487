"""Slot extraction against the tenant's data: the one place text becomes dates and ids.

The planner and POST /api/v1/classify both use it, so what the playground shows is what a
turn would do. Ambiguity becomes a clarifying question, never a guess.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col, select

from core.payloads import Caller, Slots
from store.models import Prescription, Staff, Tenant
from store.timeutil import fmt_local, now_local, utc_naive_to_local

from .queries import upcoming_appointments
from .slots import (
    AppointmentRef,
    NamedEntity,
    appointment_id_in,
    parse_when,
    resolve_appointment,
    resolve_name,
)

PROVIDER_INTENTS = frozenset({"book_appointment", "availability"})
APPOINTMENT_INTENTS = frozenset({"cancel_appointment", "reschedule_appointment"})
# "move my Thursday appointment to Friday at 3": the part after "to" is the new time.
_RESCHEDULE_TARGET = re.compile(
    r"\b(?:to|for|until|into)\b(?=[^.?!]*\b(?:\d|today|tomorrow|tonight|noon|morning|afternoon"
    r"|evening|week|month|mon|tue|wed|thu|fri|sat|sun))",
    re.IGNORECASE,
)
_VERB = {"cancel_appointment": "cancel", "reschedule_appointment": "move"}


def split_reschedule(text: str) -> tuple[str, str]:
    """(what identifies the appointment, what says the new time)."""
    m = _RESCHEDULE_TARGET.search(text)
    return (text[: m.start()], text[m.end() :]) if m else (text, "")


class SlotExtractor:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def extract(self, caller: Caller, intent: str, text: str) -> Slots:
        async with self.sessions() as session:
            tenant = await session.get(Tenant, caller.tenant_id)
            tz = tenant.timezone if tenant else "UTC"
            now = now_local(tz)
            reference, target = (
                split_reschedule(text) if intent == "reschedule_appointment" else (text, text)
            )
            slots = Slots()
            when = parse_when(target, now)
            if when is not None:
                slots.date = when.day.isoformat()
                slots.time = when.at.strftime("%H:%M") if when.at else None
                slots.part_of_day = when.part
                slots.span_days = when.span_days
            await self._providers(session, caller, intent, target, slots)
            if caller.patient_id is not None and intent in APPOINTMENT_INTENTS:
                await self._appointment(session, caller, intent, reference, tz, now, slots)
            if caller.patient_id is not None and intent == "prescription_refill":
                await self._medication(session, caller, text, slots)
        return slots

    async def _providers(
        self, session: AsyncSession, caller: Caller, intent: str, text: str, slots: Slots
    ) -> None:
        providers = list(
            await session.scalars(
                select(Staff)
                .where(Staff.tenant_id == caller.tenant_id, Staff.is_provider)
                .order_by(col(Staff.id))
            )
        )
        named = resolve_name(text, [NamedEntity(p.id or 0, p.full_name) for p in providers])
        slots.provider_ids = named.ids
        slots.provider_names = [p.full_name for p in providers if p.id in named.ids]
        if named.ambiguous and intent in PROVIDER_INTENTS:
            slots.clarification = f"Did you mean {' or '.join(slots.provider_names)}?"

    async def _appointment(
        self,
        session: AsyncSession,
        caller: Caller,
        intent: str,
        text: str,
        tz: str,
        now: datetime,
        slots: Slots,
    ) -> None:
        upcoming = await upcoming_appointments(session, caller.tenant_id, caller.patient_id)
        refs = [
            AppointmentRef(a.id or 0, utc_naive_to_local(a.start_time, tz), a.provider_name)
            for a in upcoming
        ]
        match = resolve_appointment(text, refs, now)
        slots.appointment_ids = match.ids
        slots.appointment_reference = match.reason
        if match.reason == "id_not_found":
            # The id as said, not one of the caller's: the executor refuses it on the record
            # (audited), which a clarifying question here would hide.
            slots.appointment_ids = [appointment_id_in(text) or 0]
            return
        if slots.clarification or len(match.ids) == 1:
            return
        verb = _VERB.get(intent, "change")
        if not refs:
            slots.clarification = f"You have no upcoming appointments to {verb}."
            return
        listing = "; ".join(
            f"#{r.id} with {r.provider_name} on {fmt_local(r.start_local)}"
            for r in refs
            if not match.ids or r.id in match.ids
        )
        if not match.ids:
            slots.clarification = (
                f"I couldn't find an upcoming appointment like that. You have: {listing}. "
                f"Which one should I {verb}?"
            )
        else:
            slots.clarification = f"Which appointment should I {verb}? {listing}"

    async def _medication(
        self, session: AsyncSession, caller: Caller, text: str, slots: Slots
    ) -> None:
        rxs = list(
            await session.scalars(
                select(Prescription)
                .where(
                    Prescription.tenant_id == caller.tenant_id,
                    Prescription.patient_id == caller.patient_id,
                    Prescription.status == "active",
                )
                .order_by(col(Prescription.id))
            )
        )
        named = resolve_name(text, [NamedEntity(r.id or 0, r.medication_name) for r in rxs])
        ids = named.ids or ([rxs[0].id or 0] if len(rxs) == 1 else [])
        slots.prescription_ids = ids
        slots.medication_names = [r.medication_name for r in rxs if r.id in ids]
        if not rxs:
            slots.clarification = "I don't see an active prescription on your file."
        elif len(ids) != 1:
            options = [r.medication_name for r in rxs if not named.ids or r.id in named.ids]
            slots.clarification = f"Which medication should I refill: {', '.join(options)}?"
