"""One workflow per conversation: takes turns by update, runs each as a child pipeline."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError

from core import search_attributes as sa
from core.dialogue import DialogueState
from core.payloads import (
    ConversationInput,
    HistoryEntry,
    PendingPlan,
    PipelineInput,
    PipelineResult,
    TurnInput,
)
from core.workflow_refs import (
    TURN_ANSWERED,
    TURN_REJECTED,
    conversation_workflow_id,
    pipeline_workflow_id,
)

from .pipeline import PIPELINE_RUN_TIMEOUT, PipelineWorkflow

__all__ = [
    "TURN_ANSWERED",
    "TURN_REJECTED",
    "ConversationWorkflow",
    "conversation_workflow_id",
    "pipeline_workflow_id",
]


@workflow.defn(sandboxed=False)
class ConversationWorkflow:
    @workflow.init
    def __init__(self, inp: ConversationInput) -> None:
        self.inp = inp
        self.history: list[HistoryEntry] = list(inp.history)
        self.turns_this_run = 0
        self.busy = False
        self.ended = False
        self.last_activity = workflow.now()
        # A plan a turn held for the user's yes; only the next turn may confirm it.
        self.pending: PendingPlan | None = inp.pending
        self.expiry: asyncio.Task[None] | None = None
        # The language the patient has been writing in; a bare "ok" or "sí" keeps it.
        self.language: str | None = inp.language
        # The open task, what was offered, the last subject: what the next turn builds on.
        self.dialogue: DialogueState | None = inp.dialogue

    @workflow.update
    async def send_message(self, turn: TurnInput) -> PipelineResult:
        # Turns of one conversation run one at a time, in arrival order.
        await workflow.wait_condition(lambda: not self.busy)
        self.busy = True
        try:
            return await self._run_turn(turn)
        finally:
            self.busy = False
            self.turns_this_run += 1
            self.last_activity = workflow.now()

    @send_message.validator
    def _validate_send_message(self, turn: TurnInput) -> None:
        if self.ended:
            raise ApplicationError("conversation has ended", type=TURN_REJECTED)
        if turn.caller.tenant_id != self.inp.tenant_id:
            raise ApplicationError("turn belongs to another tenant", type=TURN_REJECTED)
        if turn.caller.patient_id != self.inp.patient_id:
            # The history is shared with the model: one conversation, one patient.
            raise ApplicationError(
                "this conversation belongs to another patient", type=TURN_REJECTED
            )

    @workflow.signal
    def end_conversation(self) -> None:
        self.ended = True

    @workflow.query
    def get_history(self) -> list[HistoryEntry]:
        return self.history

    @workflow.query
    def get_pending(self) -> PendingPlan | None:
        """The plan awaiting the user's yes (status awaiting), or one that expired unanswered
        (status expired) and is kept so the next turn can say so."""
        return self.pending

    @workflow.query
    def get_dialogue(self) -> DialogueState | None:
        """The dialogue state: the open task with its slots, the options last offered (numbered
        as shown), a parked task, the last knowledge subject."""
        return self.dialogue

    def _hold(self, plan: PendingPlan | None) -> None:
        self.pending = plan
        if plan is not None and plan.status == "awaiting":
            self.expiry = asyncio.create_task(self._expire(plan))

    async def _expire(self, plan: PendingPlan) -> None:
        left = max(plan.expires_at - workflow.now().timestamp(), 0.001)
        try:
            # Any next turn takes the plan (confirms, declines or drops it): no expiry then.
            await workflow.wait_condition(
                lambda: self.pending is not plan, timeout=timedelta(seconds=left)
            )
        except TimeoutError:
            if self.pending is plan:
                plan.status = "expired"

    async def _run_turn(self, turn: TurnInput) -> PipelineResult:
        child_id = pipeline_workflow_id(self.inp.tenant_id, self.inp.session_id, turn.turn_id)
        patient = str(turn.caller.patient_id) if turn.caller.patient_id is not None else ""
        # This turn answers the held plan, or drops it: either way it is no longer pending.
        pending, self.pending = self.pending, None
        try:
            result = await self._child(turn, child_id, patient, pending)
        except WorkflowAlreadyStartedError:
            self._hold(pending)  # nothing was answered in this run: the plan stays held
            raise ApplicationError(
                "this turn was answered before", child_id, type=TURN_ANSWERED, non_retryable=True
            ) from None
        self.history += [
            HistoryEntry("user", result.prompt),
            HistoryEntry("assistant", result.final_response),
        ]
        self.history = self.history[-2 * self.inp.history_turns :]
        self.language = result.language
        self.dialogue = result.dialogue
        self._hold(result.pending)
        return result

    async def _child(
        self, turn: TurnInput, child_id: str, patient: str, pending: PendingPlan | None
    ) -> PipelineResult:
        return await workflow.execute_child_workflow(
            PipelineWorkflow.run,
            PipelineInput(
                session_id=self.inp.session_id,
                turn=turn,
                history=self.history[-2 * self.inp.history_turns :],
                pending=pending,
                confirmation_timeout_s=self.inp.confirmation_timeout_s,
                language_hint=self.language,
                dialogue=self.dialogue,
            ),
            id=child_id,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            run_timeout=PIPELINE_RUN_TIMEOUT,
            search_attributes=TypedSearchAttributes(
                [
                    SearchAttributePair(sa.TENANT_ID, str(self.inp.tenant_id)),
                    SearchAttributePair(sa.SESSION_ID, self.inp.session_id),
                    SearchAttributePair(sa.PATIENT_ID, patient),
                ]
            ),
            static_summary=f"turn {self.inp.turns_done + self.turns_this_run + 1}",
        )

    def _should_continue_as_new(self) -> bool:
        return (
            self.turns_this_run >= self.inp.max_turns_per_run
            or workflow.info().is_continue_as_new_suggested()
        )

    @workflow.run
    async def run(self, inp: ConversationInput) -> int:
        idle = timedelta(seconds=inp.idle_timeout_s)
        self._hold(self.pending)  # a plan carried over from the previous run keeps its deadline
        while True:
            try:
                await workflow.wait_condition(
                    lambda: self.ended or (self._should_continue_as_new() and not self.busy),
                    timeout=idle,
                )
            except TimeoutError:
                if not self.busy and workflow.now() - self.last_activity >= idle:
                    break
                continue
            if self.ended:
                break
            # Hand the recent history to a fresh run before the event history grows large.
            await workflow.wait_condition(workflow.all_handlers_finished)
            workflow.continue_as_new(
                ConversationInput(
                    tenant_id=inp.tenant_id,
                    session_id=inp.session_id,
                    patient_id=inp.patient_id,
                    history=self.history,
                    turns_done=inp.turns_done + self.turns_this_run,
                    max_turns_per_run=inp.max_turns_per_run,
                    idle_timeout_s=inp.idle_timeout_s,
                    history_turns=inp.history_turns,
                    pending=self.pending,
                    confirmation_timeout_s=inp.confirmation_timeout_s,
                    language=self.language,
                    dialogue=self.dialogue,
                )
            )
        await workflow.wait_condition(workflow.all_handlers_finished)
        return inp.turns_done + self.turns_this_run
