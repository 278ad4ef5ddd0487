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

from .policies import DATABASE, ENGINE, ActivityOptions

with workflow.unsafe.imports_passed_through():
    from activities.intent.activity import IntentActivities
    from activities.llm.grounded import phrase_tool_result
    from activities.tools.activity import ToolActivities
    from activities.tools.registry import tool_spec
    from store.timeutil import fmt_local

ACTION_PATHS = ("agent", "handoff")
NO_OPEN_TIME = "I couldn't find an open time then. Would another day or provider work?"
# A request for a person is never held: waiting for a yes would only delay the help.
NEVER_HELD = frozenset({"escalate_to_human"})
_READ_ONLY_STEPS = {
    "get_appointments": "look up your appointments",
    "get_availability": "look up open times",
    "check_insurance": "check your insurance",
    "get_clinic_contact": "give you the front desk's numbers",
    "search_knowledge_base": "look that up in our articles",
}


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


def _when(iso: str | None) -> str:
    return fmt_local(datetime.fromisoformat(iso)) if iso else "a time to be agreed"


def describe_call(
    call: ToolCall, known: Mapping[int, AppointmentInfo], names: Mapping[int, str]
) -> str:
    """What the call will change, in the words the confirmation question uses."""
    args = call.args
    appt = known.get(args.appointment_id or 0)
    which = (
        f"your appointment with {appt.provider_name} on {_when(appt.start_local)}"
        if appt
        else f"appointment #{args.appointment_id}"
    )
    if call.name == "cancel_appointment":
        return f"cancel {which}"
    if call.name == "reschedule_appointment":
        return f"move {which} to {_when(args.start_local)}"
    if call.name == "create_appointment":
        name = names.get(args.staff_id or 0)
        who = f" with {name}" if name else ""
        return f"book an appointment{who} on {_when(args.start_local)}"
    if call.name == "schedule_callback":
        return f"have the clinic call you on {_when(args.start_local)}"
    if call.name == "request_prescription_refill":
        return "request a prescription refill"
    if call.name == "escalate_to_human":
        return "hand your request to a person at the clinic"
    return _READ_ONLY_STEPS.get(call.name, call.name.replace("_", " "))


def outcome_text(steps: list[str], results: list[ToolResult]) -> str:
    """The reply after running a plan: one result as the tools phrase it; several as what
    was done, what failed and why, and what was therefore not done."""
    if len(steps) == 1 and len(results) == 1:
        return phrase_tool_result(results[0])
    done = [phrase_tool_result(r) for r in results if r.ok]
    failed = None
    if results and not results[-1].ok:
        failed = (steps[len(results) - 1], results[-1].message)
    return outcome_reply(done, failed, steps[len(results) :])


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
        if expired:
            self._confirmation("expired", plan)
            self._say(result, expired_reply(plan.steps) if kind == "yes" else "OK.")
            return True
        if kind == "no":
            self._confirmation("declined", plan)
            self._say(result, declined_reply(plan.steps))
            return True
        self._confirmation("confirmed", plan)
        # The planning turn's id: its keys, so a repeated yes or a replay never runs twice.
        results = await self._execute_plan(inp, plan.calls, plan.turn_id)
        self._say(result, outcome_text(plan.steps, results))
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
        steps = [describe_call(c, {}, planned.names) for c in planned.calls]
        self._say(result, outcome_text(steps, results))
        return None

    async def _plan_turn(self, inp: PipelineInput, prompt: str, cls: ClassifyOutput) -> Planned:
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
                ClassifyInput(inp.turn.caller.tenant_id, clause),
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
            and wants_earliest(text)
            and only is not None
            and only.name == "get_availability"
        ):
            # "the earliest slot": the first open time becomes the booking, looked up now
            # and refused at run time if someone took it in between.
            found = await self._lookup(inp, only, f"earliest{index}")
            if not found.ok or not found.slots:
                return Planned([], found.message if not found.ok else NO_OPEN_TIME, planned.names)
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
            ExecuteToolInput(inp.turn.caller, call, key, workflow.info().workflow_id),
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
        steps = [describe_call(c, known, planned.names) for c in planned.calls]
        now = workflow.now().timestamp()
        question = confirmation_question(steps)
        result.pending = PendingPlan(
            inp.turn.turn_id,
            intent,
            planned.calls,
            steps,
            question,
            created_at=now,
            expires_at=now + inp.confirmation_timeout_s,
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
