"""Pipeline steps for plans: clauses planned in order, held for a yes, run once when confirmed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from temporalio import workflow
from temporalio.contrib.workflow_streams import WorkflowTopicHandle

from core.confirmation import (
    confirmation_question,
    declined_reply,
    expired_reply,
    outcome_reply,
    reply_kind,
    split_clauses,
    wants_earliest,
)
from core.payloads import (
    AppointmentInfo,
    Caller,
    ClassifyInput,
    ClassifyOutput,
    ExecuteToolInput,
    PendingPlan,
    PipelineInput,
    PipelineResult,
    PlanOutput,
    StepRecord,
    StreamEvent,
    ToolArgs,
    ToolCall,
    ToolResult,
)
from core.texts import say
from core.texts import when as say_when

from .policies import DATABASE, ENGINE, ActivityOptions

with workflow.unsafe.imports_passed_through():
    from activities.intent.activity import IntentActivities
    from activities.llm.grounded import phrase_tool_result
    from activities.tools.activity import ToolActivities
    from core.tool_registry import tool_spec

ACTION_PATHS = ("agent", "handoff")
# A request for a person is never held: waiting for a yes would only delay the help.
NEVER_HELD = frozenset({"escalate_to_human"})
_READ_ONLY_STEPS = frozenset(
    {
        "get_appointments",
        "get_availability",
        "check_insurance",
        "get_clinic_contact",
        "search_knowledge_base",
    }
)


def needs_confirmation(call: ToolCall) -> bool:
    """The one rule for what waits for the user's yes: destructive tools (cancel,
    reschedule), and any change a model proposed rather than the user's own words."""
    spec = tool_spec(call.name)
    if spec is None:  # the executor refuses unknown tools; nothing to hold
        return False
    if spec.confirm:
        return True
    proposed = getattr(call, "source", "planner") == "model"
    return spec.side_effect and proposed and call.name not in NEVER_HELD


def _when(iso: str | None, lang: str) -> str:
    return say_when(datetime.fromisoformat(iso), lang) if iso else say(lang, "step.time_tbd")


def describe_call(
    call: ToolCall,
    known: Mapping[int, AppointmentInfo],
    names: Mapping[int, str],
    lang: str = "en",
    patient: int | None = None,
) -> str:
    """What the call will change, in the words the confirmation question uses. `patient`:
    the patient a staff member is acting for, named so the staff member can check it."""
    args = call.args
    appt = known.get(args.appointment_id or 0)
    if appt and patient is not None:
        which = say(
            lang,
            "step.patient_appointment",
            patient=patient,
            provider=appt.provider_name,
            when=_when(appt.start_local, lang),
        )
    elif appt:
        which = say(
            lang,
            "step.your_appointment",
            provider=appt.provider_name,
            when=_when(appt.start_local, lang),
        )
    else:
        which = say(lang, "step.appointment_id", id=args.appointment_id)
    if call.name == "cancel_appointment":
        return say(lang, "step.cancel", which=which)
    if call.name == "reschedule_appointment":
        return say(lang, "step.move", which=which, when=_when(args.start_local, lang))
    if call.name in _READ_ONLY_STEPS:
        return say(lang, f"step.{call.name}")
    if call.name == "create_appointment":
        name = names.get(args.staff_id or 0)
        when = _when(args.start_local, lang)
        step = (
            say(lang, "step.book_with", provider=name, when=when)
            if name
            else say(lang, "step.book", when=when)
        )
    elif call.name == "schedule_callback":
        step = say(lang, "step.callback", when=_when(args.start_local, lang))
    elif call.name == "request_prescription_refill":
        step = (
            say(lang, "step.refill", medication=call.subject)
            if call.subject
            else say(lang, "step.refill_unnamed")
        )
    elif call.name == "escalate_to_human":
        step = say(lang, "step.handoff")
    else:
        step = call.name.replace("_", " ")
    return say(lang, "step.for_patient", step=step, patient=patient) if patient else step


def outcome_text(steps: list[str], results: list[ToolResult], lang: str = "en") -> str:
    """The reply after running a plan: one result as the tools phrase it; several as what
    was done, what failed and why, and what was therefore not done."""
    if len(steps) == 1 and len(results) == 1:
        return phrase_tool_result(results[0], lang)
    done = [phrase_tool_result(r, lang) for r in results if r.ok]
    failed = None
    if results and not results[-1].ok:
        failed = (steps[len(results) - 1], phrase_tool_result(results[-1], lang))
    return outcome_reply(done, failed, steps[len(results) :], lang)


@dataclass
class Planned:
    """A turn's plan inside the workflow (never crosses the Temporal boundary)."""

    calls: list[ToolCall] = field(default_factory=list)
    clarification: str | None = None
    names: dict[int, str] = field(default_factory=dict)  # staff id -> provider, as looked up


class PlanSteps:
    """The pipeline's planning, confirmation and plan-running steps (mixed into it)."""

    steps: list[StepRecord]
    events: WorkflowTopicHandle[StreamEvent]
    # The turn's language, and the patient a staff member is acting for (named in the text).
    lang: str
    acting_patient: int | None
    # An option the dialogue resolved ("the second one"): the plan, without planning.
    picked: Planned | None
    earliest: bool

    if TYPE_CHECKING:

        async def _step(
            self,
            name: str,
            fn: Callable[..., Any],
            arg: Any,
            opts: ActivityOptions,
            summary: dict[str, Any] | None = None,
        ) -> Any: ...

        async def _plan_tools(self, inp: PipelineInput, prompt: str, intent: str) -> PlanOutput: ...

        async def _execute_plan(
            self, inp: PipelineInput, calls: list[ToolCall], turn_id: str
        ) -> list[ToolResult]: ...

        def _caller(self, inp: PipelineInput) -> Caller: ...

    # ---- the answer to a held plan -----------------------------------------------------

    async def _answer_pending(
        self, inp: PipelineInput, prompt: str, result: PipelineResult
    ) -> bool:
        """Handles a reply to the plan the last turn held. False: the message is a new
        request (the held plan is dropped, nothing of it runs)."""
        plan = inp.pending
        assert plan is not None
        kind = reply_kind(prompt)
        # The conversation marks the plan expired on its timer; the clock check covers a
        # reply that raced the timer.
        expired = plan.status != "awaiting" or workflow.now().timestamp() >= plan.expires_at
        if kind == "other":
            self._confirmation("expired" if expired else "dropped", plan)
            return False
        result.intent = plan.intent
        # A "sí" or "ok" says too little to tell a language: the plan's own language wins.
        self.lang = result.language = plan.language
        self.acting_patient = plan.acting_patient
        if expired:
            self._confirmation("expired", plan)
            reply = expired_reply(plan.steps, self.lang) if kind == "yes" else None
            self._say(result, reply or say(self.lang, "confirm.ok"))
            return True
        if kind == "no":
            self._confirmation("declined", plan)
            self._say(result, declined_reply(plan.steps, self.lang))
            return True
        self._confirmation("confirmed", plan)
        # The planning turn's id: its keys, so a repeated yes or a replay never runs twice.
        results = await self._execute_plan(inp, plan.calls, plan.turn_id)
        self._say(result, outcome_text(plan.steps, results, self.lang))
        return True

    # ---- planning ----------------------------------------------------------------------

    async def _plan_and_act(
        self, inp: PipelineInput, prompt: str, cls: ClassifyOutput, result: PipelineResult
    ) -> tuple[Planned, list[ToolResult]] | None:
        """Plans the turn's actions and runs them unless they must wait for a yes. None:
        the reply is already given (a held plan's question, or a multi-step outcome)."""
        planned = await self._plan_turn(inp, prompt, cls)
        if planned.clarification or not planned.calls:
            return planned, []
        if any(needs_confirmation(c) for c in planned.calls):
            await self._hold(inp, cls.intent, planned, result)
            return None
        results = await self._execute_plan(inp, planned.calls, inp.turn.turn_id)
        if len(planned.calls) == 1:
            return planned, results
        steps = [
            describe_call(c, {}, planned.names, self.lang, self.acting_patient)
            for c in planned.calls
        ]
        self._say(result, outcome_text(steps, results, self.lang))
        return None

    async def _plan_turn(self, inp: PipelineInput, prompt: str, cls: ClassifyOutput) -> Planned:
        if self.picked is not None:
            return self.picked
        clauses = split_clauses(prompt)
        if len(clauses) > 1:
            planned = await self._plan_clauses(inp, clauses)
            if planned is not None:
                return planned
        return await self._plan_clause(inp, prompt, cls.intent, 0, Planned())

    async def _plan_clauses(self, inp: PipelineInput, clauses: list[str]) -> Planned | None:
        """Each clause classified and planned, in order, into one plan; the first question
        stops planning. None: not every clause is an action, so the text is one request."""
        intents: list[str] = []
        for index, clause in enumerate(clauses):
            cls: ClassifyOutput = await self._step(
                "classify",
                IntentActivities.classify,
                ClassifyInput(inp.turn.caller.tenant_id, clause, self.lang),
                ENGINE,
            )
            self.steps[-1].output = {
                "clause": index,
                "intent": cls.intent,
                "confidence": cls.confidence,
                "path": cls.path,
                "decided_by": cls.decided_by,
            }
            if cls.path not in ACTION_PATHS:
                return None
            intents.append(cls.intent)
        planned = Planned()
        for index, (clause, intent) in enumerate(zip(clauses, intents, strict=True)):
            planned = await self._plan_clause(inp, clause, intent, index, planned)
            if planned.clarification:
                break
        return planned

    async def _plan_clause(
        self, inp: PipelineInput, text: str, intent: str, index: int, planned: Planned
    ) -> Planned:
        plan = await self._plan_tools(inp, text, intent)
        if plan.clarification:
            return Planned([], plan.clarification, planned.names)
        calls = plan.calls
        only = calls[0] if len(calls) == 1 else None
        if (
            intent == "book_appointment"
            and (wants_earliest(text) or self.earliest)
            and only is not None
            and only.name == "get_availability"
        ):
            # "the earliest slot": the first open time becomes the booking, looked up now
            # and refused at run time if someone took it in between.
            found = await self._lookup(inp, only, f"earliest{index}")
            if not found.ok or not found.slots:
                why = (
                    phrase_tool_result(found, self.lang)
                    if not found.ok
                    else say(self.lang, "reply.no_open_time")
                )
                return Planned([], why, planned.names)
            slot = found.slots[0]
            planned.names[slot.staff_id] = slot.provider_name
            args = ToolArgs(staff_id=slot.staff_id, start_local=slot.start_local)
            calls = [ToolCall("create_appointment", args)]
        return Planned(planned.calls + calls, None, planned.names)

    async def _lookup(self, inp: PipelineInput, call: ToolCall, label: str) -> ToolResult:
        """A read-only tool run to plan or to word a question; it never changes anything."""
        key = f"{inp.session_id}:{inp.turn.turn_id}:lookup:{label}:{call.name}"
        found: ToolResult = await self._step(
            "lookup",
            ToolActivities.execute_tool,
            ExecuteToolInput(self._caller(inp), call, key, workflow.info().workflow_id),
            DATABASE,
            summary={"tool": call.name},
        )
        self.steps[-1].output = {"tool": found.tool, "ok": found.ok, "error_code": found.error_code}
        return found

    # ---- holding for a yes -------------------------------------------------------------

    async def _hold(
        self, inp: PipelineInput, intent: str, planned: Planned, result: PipelineResult
    ) -> None:
        """Nothing runs: the user is asked, and the plan goes back to the conversation."""
        known: dict[int, AppointmentInfo] = {}
        if any(c.args.appointment_id for c in planned.calls):
            listed = await self._lookup(inp, ToolCall("get_appointments"), "confirm")
            known = {a.id: a for a in listed.appointments}
        for call in planned.calls:
            staff = call.args.staff_id
            if call.name == "create_appointment" and staff and staff not in planned.names:
                day = (call.args.start_local or "")[:10] or None
                ask = ToolCall("get_availability", ToolArgs(staff_id=staff, day_local=day))
                slots = (await self._lookup(inp, ask, f"provider{staff}")).slots
                planned.names.update({s.staff_id: s.provider_name for s in slots[:1]})
        steps = [
            describe_call(c, known, planned.names, self.lang, self.acting_patient)
            for c in planned.calls
        ]
        now = workflow.now().timestamp()
        question = confirmation_question(steps, self.lang)
        result.pending = PendingPlan(
            inp.turn.turn_id,
            intent,
            planned.calls,
            steps,
            question,
            created_at=now,
            expires_at=now + inp.confirmation_timeout_s,
            language=self.lang,
            acting_patient=self.acting_patient,
        )
        self._confirmation("awaiting", result.pending)
        self._say(result, question)

    def _confirmation(self, status: str, plan: PendingPlan) -> None:
        """The turn's record of the held plan: awaiting | confirmed | declined | expired |
        dropped."""
        now = workflow.now().timestamp()
        output = {
            "planned_by_turn": plan.turn_id,
            "calls": [c.name for c in plan.calls],
            "steps": plan.steps,
            "expires_at": plan.expires_at,
        }
        self.steps.append(StepRecord("confirmation", status, None, output, None, now, now))

    def _say(self, result: PipelineResult, text: str) -> None:
        # Exact words, not a model's: the user must know what a yes changes.
        result.final_response = text
        self.events.publish(StreamEvent("text_delta", step="confirmation", delta=text))
