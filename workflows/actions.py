"""ActionWorkflow: one action run to completion (API requests, operators' retries)."""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

from core.actions import (
    ACTION_FAILED,
    ACTION_FAILED_REPLY,
    ACTION_INPUT_REFUSED,
    ACTION_REJECTED,
    FAILED,
    REJECTED,
    ActionInput,
    ActionOutput,
    RecordFailureInput,
    RecordFailureOutput,
    RunActionInput,
)
from core.payloads import ToolResult
from core.texts import DEFAULT_LANGUAGE, say

from .failures import failure_text
from .followups import after_tool
from .policies import ACTION_READ, ACTION_WRITE, DURABLE_WRITE, ActivityOptions

with workflow.unsafe.imports_passed_through():
    from activities.actions.activity import ActionActivities, has_side_effect


def action_options(tool: str) -> ActivityOptions:
    return ACTION_WRITE if has_side_effect(tool) else ACTION_READ


def _refused_input(err: ActivityError) -> bool:
    cause = err.cause
    return isinstance(cause, ApplicationError) and cause.type == ACTION_INPUT_REFUSED


async def record_failed_action(inp: RunActionInput, err: ActivityError) -> RecordFailureOutput:
    """Retries ran out (or the input can never be stored): the row staff will see in the
    failed or rejected list. If a racing run completed the action after all, its result
    comes back instead."""
    recorded: RecordFailureOutput = await workflow.execute_activity_method(
        ActionActivities.record_failure,
        RecordFailureInput(
            inp.caller,
            inp.call,
            inp.idempotency_key,
            inp.workflow_id,
            failure_text(err),
            retry=inp.retry,
            status=REJECTED if _refused_input(err) else FAILED,
        ),
        start_to_close_timeout=DURABLE_WRITE.start_to_close,
        retry_policy=DURABLE_WRITE.retry,
        summary="record_action_failure",
    )
    return recorded


def failed_result(tool: str, recorded: RecordFailureOutput) -> ToolResult:
    if recorded.status not in (FAILED, REJECTED) and recorded.result is not None:
        recorded.result.replayed = True
        return recorded.result
    if recorded.status == REJECTED:
        key = "tool.action_rejected"
        return ToolResult(tool, False, say(DEFAULT_LANGUAGE, key), ACTION_REJECTED, message_key=key)
    return ToolResult(
        tool, False, ACTION_FAILED_REPLY, ACTION_FAILED, message_key="tool.action_failed"
    )


@workflow.defn
class ActionWorkflow:
    @workflow.run
    async def run(self, inp: ActionInput) -> ActionOutput:
        wf_id = workflow.info().workflow_id
        attempt = RunActionInput(
            inp.caller,
            inp.call,
            inp.idempotency_key,
            wf_id,
            requested_by=inp.requested_by,
            retry=inp.retry,
        )
        opts = action_options(inp.call.name)
        try:
            result: ToolResult = await workflow.execute_activity_method(
                ActionActivities.run_action,
                attempt,
                start_to_close_timeout=opts.start_to_close,
                retry_policy=opts.retry,
                summary=f"{inp.call.name} {inp.idempotency_key}",
            )
        except ActivityError as err:
            if not has_side_effect(inp.call.name):
                raise
            recorded = await record_failed_action(attempt, err)
            # Shown in the Temporal UI: this run ended with the action failed, and which row.
            if recorded.status == REJECTED:
                workflow.set_current_details(
                    f"Action rejected: the database refused its values; ledger row "
                    f"{recorded.action_id}. No retry can succeed with the same input."
                )
            else:
                workflow.set_current_details(
                    f"Action failed after retries; ledger row {recorded.action_id}. Retry it "
                    f"with POST /api/v1/actions/{recorded.action_id}/retry, or reset this "
                    "workflow."
                )
            result = failed_result(inp.call.name, recorded)
        # Replayed results too: the first run's follow-up may never have started.
        await after_tool(inp.caller, result)
        return ActionOutput(result, wf_id)
