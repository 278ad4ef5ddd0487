"""Slot extraction against the tenant's data: the one place text becomes dates and ids.

The planner and POST /api/v1/classify both use it, so what the playground shows is what a
turn would do. Ambiguity, and anything named that is not on the patient's own records (a
drug, a provider, an appointment), becomes a clarifying question that lists what is on
file: never a guess, never a substitute.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col, select

from core.payloads import Caller, Choice, Slots
from core.texts import DEFAULT_LANGUAGE, either, say
from core.texts import when as say_when
from store.models import Prescription, Site, Staff, Tenant
from store.timeutil import now_local, utc_naive_to_local

from .drugs import Prescribed, match_medication
from .queries import upcoming_appointments
from .slots import (
    AppointmentRef,
    NamedEntity,
    appointment_id_in,
    parse_when,
    resolve_appointment,
    resolve_name,
)
from .when import part_in
from .when_es import to_english_dates

PROVIDER_INTENTS = frozenset({"book_appointment", "check_availability"})
APPOINTMENT_INTENTS = frozenset({"cancel_appointment", "reschedule_appointment"})
# "move my Thursday appointment to Friday at 3": the part after "to" is the new time.
_RESCHEDULE_TARGET = re.compile(
    r"\b(?:to|for|until|into|al|para\s+el|para\s+la|a\s+otro)\b(?=[^.?!]*\b(?:\d|today|tomorrow|tonight|noon|morning|afternoon"
    r"|evening|week|month|mon|tue|wed|thu|fri|sat|sun))",
    re.IGNORECASE,
)
_VERB = {"cancel_appointment": "verb.cancel", "reschedule_appointment": "verb.move"}
# A person named with a title: "Dr. Smith", "dra lopez", "Doctor Patel", or "Dr. <PERSON>"
# when the safety screen redacted a name that is not the clinic's.
REDACTED = "<PERSON>"
_TITLED = re.compile(
    r"\b(?:dr|dra|doc|doctor|doctora|nurse|enfermera)\.?\s+"
    r"(?P<name>[A-Za-zÀ-ÿ'\-]{2,}|<PERSON>)",
    re.IGNORECASE,
)
_NOT_A_SURNAME = frozenset(
    [
        "appointment",
        "appt",
        "visit",
        "today",
        "tomorrow",
        "who",
        "that",
        "for",
        "at",
        "on",
        "in",
        "please",
        "asap",
        "soon",
        "next",
        "this",
        "my",
        "the",
        "a",
        "an",
        "visit",
        "office",
        "para",
        "en",
        "el",
        "la",
        "que",
        "de",
        "con",
        "por",
        "hoy",
        "manana",
        "cita",
        "consulta",
        "line",
        "hotline",
        "station",
        "practitioner",
        "triage",
    ]
)


def split_reschedule(text: str) -> tuple[str, str]:
    """(what identifies the appointment, what says the new time)."""
    m = _RESCHEDULE_TARGET.search(text)
    return (text[: m.start()], text[m.end() :]) if m else (text, "")


def titled_names(text: str) -> list[str]:
    """Surnames said after a title, as written ("Smith" in "book with Dr. Smith")."""
    out = []
    for m in _TITLED.finditer(text):
        name = m.group("name")
        if name.lower() not in _NOT_A_SURNAME:
            out.append(name)
    return out


def _listing(refs: list[AppointmentRef], lang: str) -> str:
    """The appointments offered in a clarifying question, one "id: provider, when" each."""
    return "; ".join(
        say(
            lang,
            "ask.listing_item",
            id=r.id,
            provider=r.provider_name,
            when=say_when(r.start_local, lang),
        )
        for r in refs
    )


class SlotExtractor:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def extract(
        self,
        caller: Caller,
        intent: str,
        text: str,
        lang: str = DEFAULT_LANGUAGE,
        *,
        continuing: bool = False,
    ) -> Slots:
        """`continuing`: the text continues an open task, so for a move it says only the
        new time ("¿tiene algo el viernes?"), never which appointment."""
        # Spanish dates become the English phrases the date parser reads; names are untouched.
        dated = to_english_dates(text)
        async with self.sessions() as session:
            tenant = await session.get(Tenant, caller.tenant_id)
            tz = tenant.timezone if tenant else "UTC"
            now = now_local(tz)
            reference, target = (
                split_reschedule(dated) if intent == "reschedule_appointment" else (dated, dated)
            )
            if continuing and not target:
                reference, target = "", dated
            elif intent == "reschedule_appointment" and not target and caller.patient_id:
                reference, target = await self._day_is_new_time(session, caller, dated, tz, now)
            slots = Slots()
            when = parse_when(target, now)
            if when is not None:
                slots.date = when.day.isoformat()
                slots.time = when.at.strftime("%H:%M") if when.at else None
                slots.part_of_day = when.part
                slots.span_days = when.span_days
                slots.date_said = when.day_said
                slots.weekday = when.weekday
            else:
                # "only evenings": a part of day alone is still what the patient wants.
                slots.part_of_day = part_in(target)
            await self._providers(session, caller, intent, target, slots, lang)
            if caller.patient_id is not None and intent in APPOINTMENT_INTENTS:
                await self._appointment(session, caller, intent, reference, tz, now, slots, lang)
            if caller.patient_id is not None and intent == "prescription_refill":
                await self._medication(session, caller, text, slots, lang)
        return slots

    async def _providers(
        self,
        session: AsyncSession,
        caller: Caller,
        intent: str,
        text: str,
        slots: Slots,
        lang: str,
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
        await self._site(session, caller, text, slots)
        # "Dr. Chen or Dr. Okafor": each named outright, so both are wanted, not a doubt.
        surnames = [_surname(p.full_name) for p in providers if p.id in named.ids]
        outright = (
            named.ambiguous
            and len(set(surnames)) == len(surnames)
            and all(s in text.lower() for s in surnames)
        )
        if named.ambiguous and intent in PROVIDER_INTENTS and not outright:
            slots.choices = [
                Choice("provider", p.id or 0, p.full_name, p.full_name)
                for p in providers
                if p.id in named.ids
            ]
            slots.clarification = say(
                lang, "ask.did_you_mean", options=either(slots.provider_names, lang)
            )
            return
        unknown = [
            n
            for n in titled_names(text)
            if n == REDACTED or not resolve_name(f"Dr. {n}", _entities(providers)).ids
        ]
        if unknown and not named.ids:
            said = (
                say(lang, "word.that_provider") if unknown[0] == REDACTED else f"Dr. {unknown[0]}"
            )
            slots.unknown_provider = said
            if intent in PROVIDER_INTENTS:
                names = ", ".join(p.full_name for p in providers)
                slots.clarification = say(lang, "ask.provider_unknown", said=said, names=names)
                # The providers listed are choices: "the second one" picks one of them.
                slots.choices = [
                    Choice("provider", p.id or 0, p.full_name, p.full_name) for p in providers
                ]

    async def _day_is_new_time(
        self, session: AsyncSession, caller: Caller, text: str, tz: str, now: datetime
    ) -> tuple[str, str]:
        """A move that marks no new time ("change Sofía's visit with Dr. Raman. Anything on
        Wednesday afternoon?"): when the day said fits none of the patient's appointments but
        the provider said names exactly one, the day is the new time, not the old."""
        upcoming = await upcoming_appointments(session, caller.tenant_id, caller.patient_id)
        refs = [
            AppointmentRef(a.id or 0, utc_naive_to_local(a.start_time, tz), a.provider_name)
            for a in upcoming
        ]
        if not resolve_appointment(text, refs, now).reason.startswith("no_match"):
            return text, ""
        named = resolve_name(text, [NamedEntity(r.id, r.provider_name) for r in refs])
        if len(named.ids) != 1:
            return text, ""
        (ref,) = [r for r in refs if r.id == named.ids[0]]
        return f"#{ref.id} with {ref.provider_name}", text

    async def _site(self, session: AsyncSession, caller: Caller, text: str, slots: Slots) -> None:
        sites = list(await session.scalars(select(Site).where(Site.tenant_id == caller.tenant_id)))
        if len(sites) < 2:
            return
        lowered = text.lower()
        said = [s for s in sites if _surname(s.name) in re.findall(r"[a-z]+", lowered)]
        if len(said) == 1:
            slots.site_id, slots.site_name = said[0].id, said[0].name

    async def _appointment(
        self,
        session: AsyncSession,
        caller: Caller,
        intent: str,
        text: str,
        tz: str,
        now: datetime,
        slots: Slots,
        lang: str,
    ) -> None:
        upcoming = await upcoming_appointments(session, caller.tenant_id, caller.patient_id)
        refs = [
            AppointmentRef(a.id or 0, utc_naive_to_local(a.start_time, tz), a.provider_name)
            for a in upcoming
        ]
        verb = say(lang, _VERB.get(intent, "verb.change"))
        listing = _listing(refs, lang)
        # Every upcoming appointment is a choice: "the one with Dr. Raman" picks among them.
        slots.choices = [
            Choice(
                "appointment",
                r.id,
                say(
                    lang,
                    "ask.listing_item",
                    id=r.id,
                    provider=r.provider_name,
                    when=say_when(r.start_local, lang),
                ),
                r.provider_name,
                r.start_local.isoformat(),
            )
            for r in refs
        ]
        # A provider named who is on none of the patient's appointments: ask, never pick
        # the other appointment.
        said = slots.unknown_provider or (slots.provider_names[0] if slots.provider_names else None)
        if said and refs:
            on_file = resolve_name(text, [NamedEntity(r.id, r.provider_name) for r in refs])
            if not on_file.ids:
                slots.appointment_reference = "no_match:provider"
                slots.clarification = say(
                    lang, "ask.appt_provider_not_found", said=said, listing=listing, verb=verb
                )
                return
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
        if not refs:
            slots.clarification = say(lang, "ask.no_upcoming", verb=verb)
            return
        if not match.ids:
            slots.clarification = say(lang, "ask.appt_not_found", listing=listing, verb=verb)
        else:
            narrowed = _listing([r for r in refs if r.id in match.ids], lang)
            slots.clarification = say(lang, "ask.which_appt", verb=verb, listing=narrowed)

    async def _medication(
        self, session: AsyncSession, caller: Caller, text: str, slots: Slots, lang: str
    ) -> None:
        rows = list(
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
        on_file = [Prescribed(r.id or 0, r.medication_name, r.dosage or "") for r in rows]
        if not on_file:
            slots.clarification = say(lang, "ask.no_rx")
            return
        found = match_medication(text, on_file)
        options = either([rx.label for rx in on_file], lang)
        slots.choices = [Choice("prescription", rx.id, rx.label) for rx in on_file]
        if found.not_on_file:
            # Never a substitute: the patient hears what is on file and chooses.
            slots.medication_not_on_file = found.said
            slots.clarification = say(lang, "ask.rx_not_on_file", said=found.said, options=options)
            return
        # Nothing named and one prescription: that one, and the confirmation names it.
        ids = found.ids or ([on_file[0].id] if len(on_file) == 1 else [])
        chosen = [rx for rx in on_file if rx.id in ids]
        slots.prescription_ids = [rx.id for rx in chosen]
        slots.medication_names = [rx.name for rx in chosen]
        slots.medication_labels = [rx.label for rx in chosen]
        if len(chosen) != 1:
            listed = chosen or on_file
            slots.clarification = say(
                lang, "ask.refill_which", options=either([rx.label for rx in listed], lang)
            )


def _surname(name: str) -> str:
    """The word that tells a provider or a site apart ("chen", "westside")."""
    return name.lower().split()[-1]


def _entities(providers: list[Staff]) -> list[NamedEntity]:
    return [NamedEntity(p.id or 0, p.full_name) for p in providers]
