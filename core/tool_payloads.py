"""Payloads of planning: who asks, the slots a message fills, the tool calls planned.

Split from core.payloads so core.dialogue (the state a conversation carries) can use them
while core.payloads carries that state in its pipeline input and result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

# The clinic's [start, end) wall-clock window for each part of day a message can name; the
# tool registry offers the names, the date reader applies the windows.
PART_WINDOWS: dict[str, tuple[time, time]] = {
    "morning": (time(7, 0), time(12, 0)),
    "afternoon": (time(12, 0), time(17, 0)),
    "evening": (time(17, 0), time(20, 0)),
}


@dataclass
class Caller:
    """Who is asking, taken from verified credentials; never from prompt text."""

    tenant_id: int
    user_id: int
    role: str
    patient_id: int | None = None
    request_id: str = ""


@dataclass
class ToolArgs:
    """Arguments a planner may set; identity (tenant, patient) is never among them."""

    appointment_id: int | None = None
    staff_id: int | None = None
    start_local: str | None = None  # ISO local datetime in the tenant's time zone
    day_local: str | None = None  # ISO date
    reason: str | None = None
    prescription_id: int | None = None
    part_of_day: str | None = None  # morning | afternoon | evening
    span_days: int = 1  # with day_local: how many days to search ("next week" is 7)
    # get_availability: only times after this ISO local datetime ("anything later?").
    after_local: str | None = None
    # get_availability: these providers ("Dr. Chen or Dr. Okafor"), or this site's.
    staff_ids: list[int] = field(default_factory=list)
    site_id: int | None = None
    query: str | None = None  # search_knowledge_base: what to look up


@dataclass
class ToolCall:
    name: str
    args: ToolArgs = field(default_factory=ToolArgs)
    # planner (deterministic, from intent and slots) | model (proposed by an LLM's tool call)
    source: str = "planner"
    # What the call acts on, in words, for the confirmation question ("Sertraline 50 mg").
    subject: str = ""


@dataclass
class PlanInput:
    caller: Caller
    intent: str
    text: str
    # The turn this plans for: a model call's spend-ledger keys derive from it.
    request_key: str = ""
    language: str = "en"
    # Patients a staff member's text named (several: the planner asks which).
    named_patients: list[int] = field(default_factory=list)
    # What the dialogue's open task already knows; what the text says replaces it.
    known: Slots | None = None
    # The options the conversation last offered, as shown ("1. Dr. Maya Chen: ..."), for a
    # model planner's prompt.
    offered: list[str] = field(default_factory=list)


@dataclass
class PlanOutput:
    calls: list[ToolCall] = field(default_factory=list)
    clarification: str | None = None
    planner: str = "deterministic"  # deterministic | model (the deployment is in `reasoning`)
    reasoning: list[str] = field(default_factory=list)
    # The task's slots after this turn (known merged with said); the dialogue state keeps them.
    slots: Slots | None = None
    # The intent planned, when the planner read the request differently from the classifier
    # (a "reschedule" that names no booking of the patient's and asks for a new one).
    intent: str = ""


@dataclass
class Slots:
    """What a turn said, resolved against the tenant's data (and the caller's own records).

    Dates and times are the tenant's local wall clock. More than one id in a list means the
    text was ambiguous; `clarification` then says what to ask instead of guessing.
    """

    date: str | None = None  # ISO date
    time: str | None = None  # HH:MM
    # False when the text said a time only and `date` is just the next such time.
    date_said: bool = True
    # Times after this ISO local datetime only: "anything later?" after a list.
    after_local: str | None = None
    # 0 = Monday, when the date came from a weekday name alone ("it has to be Friday").
    weekday: int | None = None
    # The clinic site said ("at Westside"): only its providers are offered.
    site_id: int | None = None
    site_name: str | None = None
    part_of_day: str | None = None
    span_days: int = 1
    provider_ids: list[int] = field(default_factory=list)
    provider_names: list[str] = field(default_factory=list)
    prescription_ids: list[int] = field(default_factory=list)
    medication_names: list[str] = field(default_factory=list)
    appointment_ids: list[int] = field(default_factory=list)
    appointment_reference: str | None = None  # how the appointment was resolved
    clarification: str | None = None
    # Said but not on file: a provider the clinic does not have, a drug the patient is not
    # prescribed. The planner then asks; it never acts on something else instead.
    unknown_provider: str | None = None
    medication_not_on_file: str | None = None
    # Name and strength of each prescription in prescription_ids ("Sertraline 50 mg").
    medication_labels: list[str] = field(default_factory=list)
    # What a clarifying question listed, in order, so a reply can pick one by ordinal or value.
    choices: list[Choice] = field(default_factory=list)


@dataclass
class Choice:
    """One item a clarifying question listed (an appointment, a prescription, a provider)."""

    kind: str  # appointment | prescription | provider
    id: int
    label: str
    provider_name: str = ""
    start_local: str | None = None
