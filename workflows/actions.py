"""ActionWorkflow: one action run to completion (API requests, operators' retries)."""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import ActivityError

from core.actions import (
    ACTION_FAILED,
    ACTION_FAILED_REPLY,
    FAILED,
    ActionInput,
    ActionOutput,
    RecordFailureInput,
    RecordFailureOutput,
    RunActionInput,
)
from core.payloads import ToolResult

from .failures import failure_text
from .followups import after_tool
from .policies import ACTION_READ, ACTION_WRITE, DURABLE_WRITE, ActivityOptions

with workflow.unsafe.imports_passed_through():
    from activities.actions.activity import ActionActivities, has_side_effect


def action_options(tool: str) -> ActivityOptions:
    return ACTION_WRITE if has_side_effect(tool) else ACTION_READ


async def record_failed_action(inp: RunActionInput, err: ActivityError) -> RecordFailureOutput:
    """Retries ran out: the row staff will see in the failed list. If a racing run completed
    the action after all, its result comes back instead."""
    recorded: RecordFailureOutput = await workflow.execute_activity_method(
        ActionActivities.record_failure,
        RecordFailureInput(
            inp.caller,
            inp.call,
            inp.idempotency_key,
            inp.workflow_id,
            failure_text(err),
            retry=inp.retry,
        ),
        start_to_close_timeout=DURABLE_WRITE.start_to_close,
        retry_policy=DURABLE_WRITE.retry,
        summary="record_action_failure",
    )
    return recorded


def failed_result(tool: str, recorded: RecordFailureOutput) -> ToolResult:
    if recorded.status != FAILED and recorded.result is not None:
        recorded.result.replayed = True
        return recorded.result
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
            workflow.set_current_details(
                f"Action failed after retries; ledger row {recorded.action_id}. Retry it with "
                f"POST /api/v1/actions/{recorded.action_id}/retry, or reset this workflow."
            )
            result = failed_result(inp.call.name, recorded)
        # Replayed results too: the first run's follow-up may never have started.
        await after_tool(inp.caller, result)
        return ActionOutput(result, wf_id)
