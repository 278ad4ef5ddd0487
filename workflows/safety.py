"""SafetyValidateWorkflow behind POST /api/v1/safety/validate: the worker's own safety engine."""

from __future__ import annotations

from temporalio import workflow

from core.payloads import (
    CheckOutputInput,
    CheckOutputOutput,
    ScreenInput,
    ScreenOutput,
    ValidateRequest,
    ValidateResult,
)

from .policies import ENGINE

with workflow.unsafe.imports_passed_through():
    from activities.safety.activity import SafetyActivities


@workflow.defn
class SafetyValidateWorkflow:
    @workflow.run
    async def run(self, inp: ValidateRequest) -> ValidateResult:
        if inp.direction == "output":
            checked: CheckOutputOutput = await workflow.execute_activity_method(
                SafetyActivities.check_output,
                CheckOutputInput(inp.tenant_id, inp.text),
                start_to_close_timeout=ENGINE.start_to_close,
                retry_policy=ENGINE.retry,
                summary="check output",
            )
            return ValidateResult(checked.is_valid, False, checked.text, checked.issues)
        screen: ScreenOutput = await workflow.execute_activity_method(
            SafetyActivities.screen_input,
            ScreenInput(inp.tenant_id, inp.text),
            start_to_close_timeout=ENGINE.start_to_close,
            retry_policy=ENGINE.retry,
            summary="screen input",
        )
        return ValidateResult(
            not screen.blocked,
            screen.requires_escalation,
            screen.redacted_text,
            screen.issues,
            screen.category,
            screen.guidance,
            screen.tier,
            screen.language,
        )
