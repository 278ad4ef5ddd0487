"""Mixed into the pipeline: an emergency turn's guidance first, then the page to staff."""

from __future__ import annotations

import contextlib

from temporalio import workflow
from temporalio.common import WorkflowIDReusePolicy
from temporalio.contrib.workflow_streams import WorkflowTopicHandle
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

from core import search_attributes as sa
from core.escalation import EscalationInput, escalation_id
from core.payloads import PipelineInput, PipelineResult, StepRecord, StreamEvent

from .escalation import EscalationWorkflow


class EscalationSteps:
    steps: list[StepRecord]
    events: WorkflowTopicHandle[StreamEvent]

    async def _escalate(
        self,
        inp: PipelineInput,
        result: PipelineResult,
        category: str,
        guidance: str,
        severity: float,
        reason: str,
        tier: str,
    ) -> None:
        result.intent = "emergency"
        result.requires_escalation = True
        result.escalation_category = category
        result.escalation_tier = tier
        result.final_response = guidance
        workflow.upsert_search_attributes([sa.INTENT.value_set("emergency")])
        # Guidance first: the person in danger must not wait for the paging to start.
        self.events.publish(StreamEvent("text_delta", step="escalation", delta=guidance))
        caller = inp.turn.caller
        escalation = escalation_id(caller.tenant_id, inp.turn.turn_id)
        # Abandoned, not cancelled, when the turn ends: a person must acknowledge it.
        # A duplicate means this turn's escalation is already paging staff.
        with contextlib.suppress(WorkflowAlreadyStartedError):
            await workflow.start_child_workflow(
                EscalationWorkflow.run,
                EscalationInput(
                    caller.tenant_id,
                    inp.session_id,
                    inp.turn.turn_id,
                    category,
                    severity,
                    reason,
                    patient_id=caller.patient_id,
                ),
                id=escalation,
                parent_close_policy=ParentClosePolicy.ABANDON,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            )
        now = workflow.now().timestamp()
        output = {
            "escalation_id": escalation,
            "category": category,
            "tier": tier,
            "severity": severity,
        }
        self.steps.append(StepRecord("escalation", "success", None, output, None, now, now))
