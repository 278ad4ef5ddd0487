"""Dialogue state: what a conversation is in the middle of, carried from turn to turn.

The conversation workflow keeps one `DialogueState` (durable, carried through
continue-as-new, shown by its `get_dialogue` query and in each turn's `dialogue` step). A
turn reads it to understand a short reply ("the second one", "actually Wednesday", "and
the other site?") and hands back the state after it. Nothing here acts: an option picked
still becomes a tool call that goes through the same confirmation and idempotency path as
a request said in one message.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, timedelta

from core.tool_payloads import Caller, Slots, ToolCall

# The tasks a dialogue can hold open across turns (slot filling).
TASKS = frozenset(
    {
        "book_appointment",
        "check_availability",
        "cancel_appointment",
        "reschedule_appointment",
        "prescription_refill",
        "schedule_callback",
    }
)
# A state left alone this long is forgotten: a reply an hour later is a new conversation.
STATE_TTL_S = 1800


@dataclass
class Option:
    """One thing the assistant offered, numbered as the user saw it."""

    number: int
    kind: str  # slot | appointment | prescription | provider
    label: str = ""  # as shown ("Dr. Maya Chen: Tuesday, December 8 at 9:00 AM")
    staff_id: int | None = None
    provider_name: str = ""
    site_name: str = ""
    start_local: str | None = None  # ISO local datetime (slots, appointments)
    appointment_id: int | None = None
    prescription_id: int | None = None


@dataclass
class Task:
    """A request still open: its intent and every constraint said so far."""

    intent: str
    slots: Slots = field(default_factory=Slots)
    offered: list[Option] = field(default_factory=list)
    # What the last turn asked for: pick (one of `offered`) | provider | time | appointment |
    # medication | confirm (a held plan) | "" (nothing pending).
    asked: str = ""
    # The patient a staff member is acting for: "the first one" books for them, not for nobody.
    acting_patient: int | None = None


@dataclass
class DialogueState:
    task: Task | None = None
    # A task set aside by a new request mid-task; offered back, resumed on "yes".
    parked: Task | None = None
    offered_resume: bool = False
    # The last knowledge question (redacted), so "and on Saturday?" keeps its subject.
    subject: str = ""
    last_kind: str = ""  # task | knowledge | other: what the last turn was about
    # The appointment the last turn booked: "actually, put it at 4" moves it.
    last_booked: Option | None = None
    updated_at: float = 0.0
    language: str = "en"

    def is_empty(self) -> bool:
        return (
            self.task is None
            and self.parked is None
            and not self.subject
            and self.last_booked is None
        )

    def expired(self, now: float) -> bool:
        return bool(self.updated_at) and now - self.updated_at > STATE_TTL_S


def merge_slots(known: Slots, said: Slots) -> Slots:
    """What a task knows after a turn: what the turn said replaces what was known ("actually
    Wednesday"), and everything it did not say is kept ("mornings" from two turns ago).

    A new day drops the old time (a time belongs to its day); a time alone keeps the day or
    span already given. Clarifications and not-on-file findings are the turn's own."""
    out = dataclasses.replace(said)
    if said.date is None or (not said.date_said and known.date):
        # "the 11am then": the time said, on the day already asked for.
        out.date, out.span_days, out.date_said = known.date, known.span_days, True
        if said.time is None:
            out.time = known.time
    if said.part_of_day is None and said.time is None:
        out.part_of_day = known.part_of_day
    if said.date is None or not said.date_said:
        out.after_local = said.after_local or known.after_local
    if said.date and said.span_days > 1 and said.weekday is None and known.weekday is not None:
        # "only Fridays for me" then "next week": that week's Friday.
        first = date.fromisoformat(said.date)
        offset = (known.weekday - first.weekday()) % 7
        if offset < said.span_days:
            out.date = (first + timedelta(days=offset)).isoformat()
            out.span_days, out.weekday = 1, known.weekday
    if not said.provider_ids and not said.unknown_provider:
        out.provider_ids, out.provider_names = list(known.provider_ids), list(known.provider_names)
    if said.site_id is None:
        out.site_id, out.site_name = known.site_id, known.site_name
    if not said.appointment_ids:
        out.appointment_ids = list(known.appointment_ids)
    if not said.prescription_ids and not said.medication_not_on_file:
        out.prescription_ids = list(known.prescription_ids)
        out.medication_names = list(known.medication_names)
        out.medication_labels = list(known.medication_labels)
    return out


def slots_summary(slots: Slots) -> dict[str, object]:
    """The constraints a task holds, for the turn's steps and a model's prompt (no PII: ids,
    dates and the clinic's own provider names only)."""
    out: dict[str, object] = {}
    if slots.date:
        out["date"] = slots.date
        if slots.span_days > 1:
            out["span_days"] = slots.span_days
    for name in ("time", "part_of_day"):
        if getattr(slots, name):
            out[name] = getattr(slots, name)
    if slots.provider_names:
        out["provider"] = " or ".join(slots.provider_names)
    if slots.site_name:
        out["site"] = slots.site_name
    if slots.appointment_ids:
        out["appointment_id"] = slots.appointment_ids[0]
    if slots.prescription_ids:
        out["prescription_id"] = slots.prescription_ids[0]
    return out


def state_summary(state: DialogueState) -> dict[str, object]:
    task = state.task
    return {
        "task": task.intent if task else None,
        "slots": slots_summary(task.slots) if task else {},
        "asked": task.asked if task else "",
        "offered": [
            {
                "number": o.number,
                "kind": o.kind,
                "staff_id": o.staff_id,
                "provider": o.provider_name,
                "start_local": o.start_local,
                "appointment_id": o.appointment_id,
                "prescription_id": o.prescription_id,
            }
            for o in (task.offered if task else [])
        ],
        "parked": state.parked.intent if state.parked else None,
        "subject": bool(state.subject),
        "last_kind": state.last_kind,
    }


@dataclass
class DialogueInput:
    caller: Caller
    text: str  # the redacted message
    state: DialogueState
    intent: str  # the classifier's reading of the message alone
    path: str
    language: str = "en"
    # The confirmation question of a held plan this message did not answer with yes or no.
    pending_intent: str = ""


@dataclass
class DialogueMove:
    """What the message means given the state.

    pick: `calls` are the picked option's tool calls (same confirmation rules as any plan) |
    fill: plan `intent` again with `known` slots merged under what the message says |
    narrow / clear / keep_parked: `reply` is the whole answer |
    followup: a knowledge question, `text` is it asked in full |
    switch: a new request; the task is parked and offered back after the answer |
    new: the message stands alone (the state does not apply)."""

    move: str
    state: DialogueState
    intent: str = ""
    text: str = ""
    calls: list[ToolCall] = field(default_factory=list)
    reply: str = ""
    known: Slots | None = None
    names: dict[int, str] = field(default_factory=dict)  # staff id -> provider, for a pick
    how: str = ""  # how a pick or narrowing was decided (ordinal | value | yes | extreme)
