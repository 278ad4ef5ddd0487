"""Typed inputs and outputs that cross the Temporal boundary (workflows <-> activities <-> API)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.dialogue import DialogueMove, DialogueState
from core.retrieval_payloads import Passage

# Re-exported: planning payloads live in core.tool_payloads, imported from here as before.
from core.tool_payloads import Caller as Caller
from core.tool_payloads import Choice as Choice
from core.tool_payloads import PlanInput as PlanInput
from core.tool_payloads import PlanOutput as PlanOutput
from core.tool_payloads import Slots as Slots
from core.tool_payloads import ToolArgs as ToolArgs
from core.tool_payloads import ToolCall as ToolCall

PATIENT_ROLE = "patient"
STAFF_ROLES = frozenset({"reception", "nurse", "doctor", "scheduler", "admin"})


@dataclass
class HistoryEntry:
    role: str
    content: str


@dataclass
class TurnInput:
    turn_id: str
    prompt: str
    caller: Caller
    channel: str = "rest"
    # 0: nobody is listening, so the reply is not streamed (saves a signal per batch).
    stream_batch_ms: int = 0


@dataclass
class ConversationInput:
    tenant_id: int
    session_id: str
    patient_id: int | None = None
    history: list[HistoryEntry] = field(default_factory=list)
    turns_done: int = 0
    max_turns_per_run: int = 40
    idle_timeout_s: int = 3600
    history_turns: int = 6
    # A plan held for the user's yes, carried across continue-as-new.
    pending: PendingPlan | None = None
    confirmation_timeout_s: int = 600
    # The language the conversation has been in: short replies ("sí", "ok") keep it.
    language: str | None = None
    # The dialogue state (open task, offered options, last subject), across continue-as-new.
    dialogue: DialogueState | None = None


@dataclass
class PipelineInput:
    session_id: str
    turn: TurnInput
    history: list[HistoryEntry] = field(default_factory=list)
    # The plan the previous turn held for confirmation: this turn may be the user's answer.
    pending: PendingPlan | None = None
    confirmation_timeout_s: int = 600
    # The conversation's language so far, for messages too short to tell.
    language_hint: str | None = None
    # What the conversation is in the middle of: an open task, options offered, a subject.
    dialogue: DialogueState | None = None


@dataclass
class StepRecord:
    """One pipeline step as the seed's API shows it; input/output are display summaries."""

    name: str
    status: str
    input: dict[str, Any] | None = None
    output: dict[str, Any] | None = None
    error_message: str | None = None
    start_time: float | None = None
    end_time: float | None = None


@dataclass
class Citation:
    article_id: int
    title: str


@dataclass
class PipelineResult:
    session_id: str
    turn_id: str
    workflow_id: str
    prompt: str
    final_response: str
    intent: str
    requires_escalation: bool = False
    escalation_category: str | None = None
    citations: list[Citation] = field(default_factory=list)
    steps: list[StepRecord] = field(default_factory=list)
    created_at: float = 0.0
    updated_at: float = 0.0
    error: str | None = None
    # Calls this turn planned but holds until the user confirms them in the next turn.
    pending: PendingPlan | None = None
    # The language the turn was understood and answered in (ISO 639-1).
    language: str = "en"
    # 911 | poison_control | 988 | check_in when the turn escalated.
    escalation_tier: str | None = None
    # The dialogue state after this turn; the conversation keeps it for the next one.
    dialogue: DialogueState | None = None


@dataclass
class StreamEvent:
    """One item on a pipeline's progress stream; `event` picks which fields matter."""

    event: str  # status | step | text_delta | reset | done | error
    step: str = ""
    status: str = ""
    message: str = ""
    delta: str = ""
    result: PipelineResult | None = None


# ---- safety ----------------------------------------------------------------------------


@dataclass
class SafetyIssue:
    type: str
    category: str
    severity: float
    detail: str = ""


@dataclass
class ScreenInput:
    tenant_id: int
    text: str
    # The conversation's language so far; a short message keeps it.
    language_hint: str | None = None
    # A staff caller with no patient chosen: which of the clinic's patients the text names.
    find_patients: bool = False


@dataclass
class ScreenTextsInput:
    """Texts for an engine door (/llm/route, /rag/*): the tenant's policy, no redaction."""

    tenant_id: int
    texts: list[str]


@dataclass
class ScreenTextsOutput:
    # What the caller is told when the clinic's policy refuses any of the texts.
    blocked_reply: str | None = None
    # The kinds of finding seen across the texts (pii, injection, banned_word, ...).
    screened: list[str] = field(default_factory=list)


@dataclass
class ScreenOutput:
    requires_escalation: bool
    redacted_text: str
    category: str | None = None
    severity: float = 0.0
    reason: str = ""
    guidance: str = ""
    issues: list[SafetyIssue] = field(default_factory=list)
    # The tenant's policy refused the message (banned word or topic, or a blocked finding);
    # `blocked_reply` is what the user is told instead.
    blocked: bool = False
    blocked_reply: str = ""
    injection: bool = False
    # The tenant's policy on what an external LLM provider may see.
    redact_for_llm: bool = True
    # The clinic's own staff and site names, addresses and numbers: never redacted.
    public_names: list[str] = field(default_factory=list)
    language: str = "en"
    tier: str | None = None  # 911 | poison_control | 988 | check_in, when escalating
    # Ids of the clinic's patients the text names (only with find_patients); never names.
    named_patients: list[int] = field(default_factory=list)


@dataclass
class ValidateRequest:
    tenant_id: int
    text: str
    direction: str = "input"  # input (a user's message) | output (a reply)


@dataclass
class ValidateResult:
    is_valid: bool
    requires_escalation: bool
    validated_text: str
    issues: list[SafetyIssue] = field(default_factory=list)
    category: str | None = None
    guidance: str = ""
    tier: str | None = None
    language: str = "en"


@dataclass
class CheckOutputInput:
    tenant_id: int
    text: str
    # Source texts (retrieved passages) whose phone numbers and emails are the clinic's own.
    allowed: list[str] = field(default_factory=list)
    # The generate step already redacted the reply sentence by sentence as it streamed; the
    # final check then applies the tenant's policy without analysing the text a second time.
    pii_redacted: bool = False


@dataclass
class CheckOutputOutput:
    text: str
    is_valid: bool
    issues: list[SafetyIssue] = field(default_factory=list)


# ---- intent ----------------------------------------------------------------------------


@dataclass
class ClassifyInput:
    tenant_id: int
    text: str
    language: str = "en"


@dataclass
class ClassifyOutput:
    intent: str
    confidence: float
    path: str  # knowledge | agent | smalltalk | clarify
    runner_up: str | None = None
    runner_up_confidence: float = 0.0
    decided_by: str = "similarity"  # rule | similarity | abstain
    candidates: list[str] = field(default_factory=list)
    # The name the API reports (one of the product's labels); `intent` may be finer
    # ("greeting" reports as out_of_scope, "human_handoff" as schedule_callback).
    label: str = ""


@dataclass
class UnderstandInput:
    screen: ScreenInput
    # The conversation's dialogue state, when it has one: what the message means given it
    # is read in the same activity, right after classification (a next turn then costs no
    # activity more than a first one).
    dialogue: DialogueState | None = None
    caller: Caller | None = None


@dataclass
class UnderstandOutput:
    screen: ScreenOutput
    # None when the screen escalated or blocked the message: then nothing is classified.
    classification: ClassifyOutput | None = None
    # The dialogue's reading of a classified message, when a state was given.
    move: DialogueMove | None = None


@dataclass
class ClassifyRequest:
    """POST /api/v1/classify: classification and slots, no tools, no reply."""

    caller: Caller
    text: str


@dataclass
class ClassifyResult:
    classification: ClassifyOutput
    slots: Slots
    redacted_text: str
    requires_escalation: bool = False
    language: str = "en"
    escalation_category: str | None = None
    escalation_tier: str | None = None


# ---- tools -----------------------------------------------------------------------------


@dataclass
class ExecuteToolInput:
    caller: Caller
    call: ToolCall
    idempotency_key: str
    workflow_id: str = ""


@dataclass
class AppointmentInfo:
    id: int
    provider_name: str
    site_name: str
    start_local: str
    end_local: str
    reason: str | None
    status: str


@dataclass
class SlotInfo:
    staff_id: int
    provider_name: str
    site_name: str
    start_local: str


@dataclass
class InsuranceInfo:
    plan_name: str
    payer: str | None
    member_id_last4: str
    copay: str
    status: str
    valid_until: str | None


@dataclass
class RefillInfo:
    prescription_id: int
    medication_name: str
    status: str
    refills_remaining: int
    message: str


@dataclass
class CallbackInfo:
    id: str  # the callback's workflow id
    due_local: str  # ISO datetime with offset, in the tenant's time zone
    reason: str = ""
    status: str = "scheduled"


@dataclass
class HandoffInfo:
    task_id: int  # the staff task a person picks up
    kind: str  # handoff | refill_review


@dataclass
class ToolResult:
    tool: str
    ok: bool
    message: str = ""
    error_code: str | None = None
    appointments: list[AppointmentInfo] = field(default_factory=list)
    slots: list[SlotInfo] = field(default_factory=list)
    insurance: list[InsuranceInfo] = field(default_factory=list)
    refill: RefillInfo | None = None
    callback: CallbackInfo | None = None
    replayed: bool = False
    passages: list[Passage] = field(default_factory=list)  # search_knowledge_base
    handoff: HandoffInfo | None = None
    # What `message` was made from (a core.texts key and its values), so a reply can say it
    # again in the user's language; empty for results phrased from their data.
    message_key: str = ""
    params: dict[str, str] = field(default_factory=dict)


# ---- persistence -----------------------------------------------------------------------


@dataclass
class PersistTurnInput:
    caller: Caller
    session_id: str
    turn_id: str
    workflow_id: str
    channel: str
    prompt: str
    response: str
    intent: str
    requires_escalation: bool
    escalation_category: str | None
    steps: list[StepRecord] = field(default_factory=list)


@dataclass
class PersistTurnOutput:
    conversation_id: int
    created: bool


# ---- confirmation ----------------------------------------------------------------------


@dataclass
class PendingPlan:
    """Tool calls held until the user says yes in the next turn; nothing has run yet."""

    turn_id: str  # the turn that planned them: their idempotency keys derive from it
    intent: str
    calls: list[ToolCall]
    steps: list[str]  # what each call will do, as the user was asked ("cancel your ...")
    question: str
    created_at: float = 0.0
    expires_at: float = 0.0
    status: str = "awaiting"  # awaiting | expired
    language: str = "en"
    # The patient a staff member is acting for, when the text named them (else the caller's).
    acting_patient: int | None = None
