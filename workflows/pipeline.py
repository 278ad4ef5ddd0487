"""One turn: screen -> classify -> retrieve or tools -> generate -> check -> persist."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.contrib.workflow_streams import WorkflowStream
from temporalio.exceptions import ActivityError, FailureError

from core import search_attributes as sa
from core.actions import RunActionInput
from core.dialogue import DialogueMove, DialogueState
from core.llm_payloads import GenerateInput, GenerateOutput
from core.llm_report import generate_report
from core.payloads import (
    STAFF_ROLES,
    Caller,
    CheckOutputInput,
    ClassifyOutput,
    PersistTurnInput,
    PipelineInput,
    PipelineResult,
    PlanInput,
    PlanOutput,
    ScreenInput,
    ScreenOutput,
    Slots,
    StepRecord,
    StreamEvent,
    ToolCall,
    ToolResult,
    UnderstandInput,
    UnderstandOutput,
)
from core.retrieval_payloads import RetrieveInput, retrieve_report
from core.texts import language_or_default, say

from .actions import action_options, failed_result, record_failed_action
from .confirmation import Planned, PlanSteps
from .dialogue import DialogueSteps
from .escalation_steps import EscalationSteps
from .failures import failure_text
from .followups import after_tool
from .policies import DATABASE, ENGINE, LLM, PERSIST, ActivityOptions
from .runners import as_local

with workflow.unsafe.imports_passed_through():
    from activities.actions.activity import ActionActivities, has_side_effect
    from activities.llm.activity import LlmActivities, public_sources
    from activities.persist import PersistActivities
    from activities.retrieval.activity import RetrievalActivities
    from activities.safety.activity import SafetyActivities
    from activities.tools.activity import ToolActivities
    from activities.understanding.activity import UnderstandingActivities


WITHHELD_PROMPT = "[withheld: the safety screen did not complete]"

STATUS_MESSAGES = {
    "safety_input": "Checking your message...",
    "classify": "Classifying intent...",
    "retrieve": "Searching knowledge base...",
    "plan_tools": "Planning actions...",
    "execute_tool": "Running action...",
    "lookup": "Looking up details...",
    "generate": "Generating response...",
    "safety_output": "Checking the reply...",
}


@workflow.defn(sandboxed=False)
class PipelineWorkflow(PlanSteps, DialogueSteps, EscalationSteps):
    @workflow.init
    def __init__(self, inp: PipelineInput) -> None:
        # The stream must be built in __init__ so early subscribers find its handlers.
        self.stream = WorkflowStream()
        self.events = self.stream.topic("events", type=StreamEvent)
        self.steps: list[StepRecord] = []
        self.lang = language_or_default(inp.language_hint)
        self.acting_patient: int | None = None
        self.named_patients: list[int] = []
        # Dialogue: the state in, what this turn's understanding made of it, what it did.
        self.dialogue = DialogueState()
        self.move: DialogueMove | None = None
        self.early_move: DialogueMove | None = None  # read in the understanding activity
        self.known: Slots | None = None
        self.picked: Planned | None = None
        self.earliest = False  # "the first afternoon one": book the earliest match
        self.plan_seen: PlanOutput | None = None
        self.plan_intent = ""
        self.results_seen: list[ToolResult] = []
        # Decided once per run, so a history recorded before local steps replays as it ran.
        self.local_steps = False

    def _caller(self, inp: PipelineInput) -> Caller:
        """Who the tools act for: the caller, or the patient a staff member named."""
        caller = inp.turn.caller
        if self.acting_patient is None or caller.patient_id is not None:
            return caller
        return dataclasses.replace(caller, patient_id=self.acting_patient)

    @workflow.query
    def get_steps(self) -> list[StepRecord]:
        return self.steps

    async def _step(
        self,
        name: str,
        fn: Callable[..., Any],
        arg: Any,
        opts: ActivityOptions,
        summary: dict[str, Any] | None = None,
        *,
        local: bool = False,
    ) -> Any:
        """Runs one step and records it for the UI. `local`: a short read that writes nothing
        (screen and classify, retrieve, check the reply) runs as a local activity, a marker in
        the history instead of a task round trip (decision record 0015)."""
        self.events.publish(
            StreamEvent(
                "status", step=name, status="running", message=STATUS_MESSAGES.get(name, name)
            )
        )
        record = StepRecord(name, "running", summary, None, None, workflow.now().timestamp())
        self.steps.append(record)
        try:
            if local and self.local_steps:
                result = await _run_local(fn, arg, opts, name)
            else:
                result = await workflow.execute_activity_method(
                    fn,
                    arg,
                    start_to_close_timeout=opts.start_to_close,
                    retry_policy=opts.retry,
                    heartbeat_timeout=opts.heartbeat,
                    summary=name,
                )
        except ActivityError as err:
            record.status, record.error_message = "failed", failure_text(err)
            record.end_time = workflow.now().timestamp()
            raise
        record.status, record.end_time = "success", workflow.now().timestamp()
        self.events.publish(StreamEvent("step", step=name, status="success"))
        return result

    @workflow.run
    async def run(self, inp: PipelineInput) -> PipelineResult:
        turn, caller = inp.turn, inp.turn.caller
        started = workflow.now().timestamp()
        wf_id = workflow.info().workflow_id
        # The prompt is recorded only once screening has redacted it.
        result = PipelineResult(
            inp.session_id, turn.turn_id, wf_id, "", "", "unknown", created_at=started
        )
        self._open_dialogue(inp)
        self.local_steps = workflow.patched("local-engine-steps")
        try:
            await self._screen_and_answer(inp, result)
        except ActivityError as err:
            # An engine failed for good: the turn still ends with a reply and a record.
            result.error = type(err.cause or err).__name__
            result.final_response = say(self.lang, "reply.failure")
            result.prompt = result.prompt or WITHHELD_PROMPT
            self.events.publish(StreamEvent("error", step=self.steps[-1].name, message="failed"))
        result.steps = self.steps
        result.language = self.lang
        result.updated_at = workflow.now().timestamp()
        # `done` goes out before the last step: items published in a workflow's final task
        # reach subscribers only after it completes.
        self.events.publish(StreamEvent("done", result=result))
        await self._step(
            "persist",
            PersistActivities.persist_turn,
            PersistTurnInput(
                caller,
                inp.session_id,
                turn.turn_id,
                wf_id,
                turn.channel,
                result.prompt,
                result.final_response,
                result.intent,
                result.requires_escalation,
                result.escalation_category,
                list(self.steps),
            ),
            PERSIST,
        )
        result.steps = self.steps
        return result

    async def _screen_and_answer(self, inp: PipelineInput, result: PipelineResult) -> None:
        caller = inp.turn.caller
        # One activity screens and classifies (both read the same features of the message)
        # and, on a next turn, reads the message against the dialogue state too.
        folded = not self.dialogue.is_empty() and workflow.patched("dialogue-in-understand")
        understood: UnderstandOutput = await self._step(
            "safety_input",
            UnderstandingActivities.understand,
            UnderstandInput(
                ScreenInput(
                    caller.tenant_id,
                    inp.turn.prompt,
                    inp.language_hint,
                    find_patients=caller.role in STAFF_ROLES and caller.patient_id is None,
                ),
                dialogue=self.dialogue if folded else None,
                caller=caller if folded else None,
            ),
            ENGINE,
            local=True,
        )
        self.early_move = understood.move
        screen = understood.screen
        self.lang = result.language = screen.language
        self.steps[-1].output = {
            "requires_escalation": screen.requires_escalation,
            "category": screen.category,
            "severity": screen.severity,
            "blocked": screen.blocked,
            "injection": screen.injection,
            "language": screen.language,
            "tier": screen.tier,
            "named_patients": screen.named_patients,
            # Types and categories only: a finding's detail never repeats the text.
            "issues": [i.category for i in screen.issues],
            "findings": [
                {"type": i.type, "category": i.category, "severity": i.severity}
                for i in screen.issues
            ],
        }
        # Everything downstream (and the stored transcript) sees the redacted prompt only.
        result.prompt = screen.redacted_text
        if screen.blocked:
            # The tenant's policy refuses this message: no engine sees it, the user is told.
            result.intent = "blocked"
            result.final_response = screen.blocked_reply
            self.events.publish(
                StreamEvent("text_delta", step="blocked", delta=screen.blocked_reply)
            )
            return
        if not screen.requires_escalation:
            assert understood.classification is not None
            kind, question = await self._answer(
                inp, result.prompt, result, screen, understood.classification
            )
            self._close_dialogue(result, kind, question)
            return
        # Emergencies skip classification and tools: guidance goes out immediately.
        await self._escalate(
            inp,
            result,
            screen.category or "unspecified",
            screen.guidance,
            screen.severity,
            screen.reason,
            screen.tier or "911",
        )
        self._close_dialogue(result, "escalated")

    async def _answer(
        self,
        inp: PipelineInput,
        prompt: str,
        result: PipelineResult,
        screen: ScreenOutput,
        cls: ClassifyOutput,
    ) -> tuple[str, str]:
        """Answers the turn; returns what it was for the dialogue state (task | done |
        knowledge | other) and, for a knowledge question, the question as answered."""
        caller = inp.turn.caller
        # A reply to the plan the last turn held is answered before the classification is used.
        if inp.pending is not None and await self._answer_pending(inp, prompt, result):
            return "done", ""
        self._act_for(screen.named_patients, caller)
        # Classified within the screening activity: recorded as its own step for the UI.
        done = self.steps[-1].end_time
        self.steps.append(StepRecord("classify", "success", None, None, None, done, done))
        self.events.publish(StreamEvent("step", step="classify", status="success"))
        self.steps[-1].output = {
            "intent": cls.intent,
            "confidence": cls.confidence,
            "path": cls.path,
            "runner_up": cls.runner_up,
            "runner_up_confidence": cls.runner_up_confidence,
            "decided_by": cls.decided_by,
            "candidates": cls.candidates,
            "label": cls.label,
            "acting_for_patient": self.acting_patient,
        }
        question = prompt
        if not self.dialogue.is_empty() and workflow.patched("dialogue-state"):
            move = await self._follow(self._caller(inp), prompt, cls.intent, cls.path)
            task = move.state.task
            if self.acting_patient is None and task is not None and task.acting_patient:
                # A staff member continuing a task for a patient named in an earlier turn.
                self.acting_patient = task.acting_patient
            if move.move in ("narrow", "clear", "keep_parked"):
                result.intent = move.state.task.intent if move.state.task else cls.intent
                self._say(result, move.reply)
                return ("task" if move.move == "narrow" else "other"), ""
            if move.move in ("pick", "fill"):
                # The task's own intent: "the second one" is a booking, whatever it reads as.
                cls = dataclasses.replace(cls, intent=move.intent, path="agent", label="")
                if move.move == "pick":
                    self.picked = Planned(list(move.calls), None, dict(move.names))
                else:
                    self.known = move.known
                    # The reply as the dialogue read it; empty when a pick only filled a slot
                    # ("the 3rd one" chose a provider, it names no date).
                    prompt = move.text
                    self.earliest = move.how == "earliest"
            elif move.move == "followup":
                cls = dataclasses.replace(cls, path="knowledge")
                question = move.text
            elif move.move == "switch" and move.intent == "knowledge_question":
                # A question about the clinic mid-task, whatever the classifier made of it.
                cls = dataclasses.replace(cls, intent=move.intent, path="knowledge", label="")
        result.intent = cls.label or cls.intent
        workflow.upsert_search_attributes([sa.INTENT.value_set(result.intent)])
        # An instruction aimed at the assistant that asks nothing of the clinic gets the decline,
        # not whichever passage happens to share a word with it.
        if (
            screen.injection
            and result.intent == "out_of_scope"
            and cls.path == "knowledge"
            and workflow.patched("injection-out-of-scope-declines")
        ):
            cls = dataclasses.replace(cls, path="out_of_scope")
        gen = GenerateInput(
            caller.tenant_id,
            question,
            cls.intent,
            cls.path,
            history=inp.history,
            candidates=cls.candidates,
            stream_batch_ms=inp.turn.stream_batch_ms,
            redact_for_provider=screen.redact_for_llm,
            public_names=screen.public_names,
            request_key=f"{caller.tenant_id}:{inp.turn.turn_id}",
            language=self.lang,
        )
        kind = "other"
        if cls.path == "knowledge":
            kind = "knowledge"
            found = await self._step(
                "retrieve",
                RetrievalActivities.retrieve,
                RetrieveInput(caller.tenant_id, question, language=self.lang),
                ENGINE,
                local=True,
            )
            self.steps[-1].output = retrieve_report(found)
            gen.passages, gen.covered = found.passages, found.covered
            gen.answer_parts, gen.indexing = found.parts, found.indexing
        elif cls.path == "emergency":
            guidance = say(self.lang, "guidance.default")
            await self._escalate(
                inp, result, "unspecified", guidance, 0.8, "classified as emergency", "911"
            )
            return "escalated", ""
        elif cls.path in ("agent", "handoff"):
            kind = "task"
            self.plan_intent = cls.intent
            acted = await self._plan_and_act(inp, prompt, cls, result)
            result.intent = self.plan_intent if self.plan_intent != cls.intent else result.intent
            if acted is None:  # held for a yes, or a multi-step outcome: already answered
                return kind, ""
            planned, gen.tool_results = acted
            gen.tool_results = await self._nearest_if_none(inp, planned, gen.tool_results)
            gen.clarification = planned.clarification
        reply: GenerateOutput = await self._step("generate", LlmActivities.generate, gen, LLM)
        self.steps[-1].output = generate_report(reply)
        checked = await self._step(
            "safety_output",
            SafetyActivities.check_output,
            CheckOutputInput(caller.tenant_id, reply.text, public_sources(gen), pii_redacted=True),
            ENGINE,
            local=True,
        )
        self.steps[-1].output = {
            "is_valid": checked.is_valid,
            "issues": [i.category for i in checked.issues],
        }
        result.final_response = checked.text
        result.citations = reply.citations
        return kind, question

    async def _plan_tools(self, inp: PipelineInput, prompt: str, intent: str) -> PlanOutput:
        plan: PlanOutput = await self._step(
            "plan_tools",
            ToolActivities.plan_tools,
            PlanInput(
                self._caller(inp),
                intent,
                prompt,
                request_key=f"{inp.turn.caller.tenant_id}:{inp.turn.turn_id}",
                language=self.lang,
                named_patients=self.named_patients,
                known=self.known,
                offered=self._offered_lines(),
            ),
            DATABASE,
        )
        self.plan_seen = plan
        if plan.intent and plan.intent != self.plan_intent and self.plan_intent:
            self.plan_intent = plan.intent
        self.steps[-1].output = {
            "calls": [c.name for c in plan.calls],
            "clarification": plan.clarification,
            "planner": plan.planner,
            "sources": [c.source for c in plan.calls],
            "reasoning": plan.reasoning,
        }
        return plan

    async def _execute_plan(
        self, inp: PipelineInput, calls: list[ToolCall], turn_id: str
    ) -> list[ToolResult]:
        """Runs the calls in order and stops at the first that fails: later steps depended
        on it. `turn_id` is the turn that planned them, so their keys never change."""
        caller = self._caller(inp)
        results: list[ToolResult] = []
        for index, call in enumerate(calls):
            # Business keys, not randomness: a replay or retry of this step reuses the key.
            key = f"{inp.session_id}:{turn_id}:{index}:{call.name}"
            attempt = RunActionInput(caller, call, key, workflow.info().workflow_id)
            action_id: int | None = None
            try:
                # One activity per action, retried under its named policy; every attempt
                # at a side effect is audited.
                res: ToolResult = await self._step(
                    "execute_tool",
                    ActionActivities.run_action,
                    attempt,
                    action_options(call.name),
                    summary={"tool": call.name, "idempotency_key": key},
                )
            except ActivityError as err:
                if not has_side_effect(call.name):
                    raise  # a read that keeps failing: the turn's own apology covers it
                # Retries ran out: recorded for staff, and the user told so plainly.
                recorded = await record_failed_action(attempt, err)
                res, action_id = failed_result(call.name, recorded), recorded.action_id
            self.steps[-1].output = {
                "tool": res.tool,
                "ok": res.ok,
                "error_code": res.error_code,
                "replayed": res.replayed,
                "action_id": action_id,
            }
            results.append(res)
            self.results_seen.append(res)
            if not res.ok:
                break
            await after_tool(caller, res)
        return results

    def _act_for(self, named: list[int], caller: Caller) -> None:
        """A staff member who names one patient of the clinic acts for that patient (the
        registry still decides which tools their role may run); several names: the planner
        asks which."""
        self.named_patients = named
        if caller.role in STAFF_ROLES and caller.patient_id is None and len(named) == 1:
            self.acting_patient = named[0]


async def _run_local(fn: Callable[..., Any], arg: Any, opts: ActivityOptions, name: str) -> Any:
    """A local activity whose failure reads like an activity task's: a local attempt that
    runs out of retries surfaces as the application error itself, and the turn's failure
    handling (an apology, a recorded step) expects the ActivityError around it."""
    try:
        return await as_local(fn, arg, opts, name)
    except ActivityError:
        raise
    except FailureError as err:
        raise ActivityError(
            f"local activity {name} failed",
            scheduled_event_id=0,
            started_event_id=0,
            identity="",
            activity_type=name,
            activity_id="",
            retry_state=None,
        ) from err


PIPELINE_RUN_TIMEOUT = timedelta(minutes=10)
