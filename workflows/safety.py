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
from .runners import Runner, as_activity

with workflow.unsafe.imports_passed_through():
    from activities.safety.activity import SafetyActivities


@workflow.defn
class SafetyValidateWorkflow:
    @workflow.run
    async def run(self, inp: ValidateRequest) -> ValidateResult:
        return await validate_steps(inp, as_activity)


async def validate_steps(inp: ValidateRequest, run: Runner) -> ValidateResult:
    """The safety engine on one text; also served by the engine door as local activities."""
    if inp.direction == "output":
        checked: CheckOutputOutput = await run(
            SafetyActivities.check_output,
            CheckOutputInput(inp.tenant_id, inp.text),
            ENGINE,
            "check output",
        )
        return ValidateResult(checked.is_valid, False, checked.text, checked.issues)
    screen: ScreenOutput = await run(
        SafetyActivities.screen_input, ScreenInput(inp.tenant_id, inp.text), ENGINE, "screen input"
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
