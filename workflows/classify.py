"""ClassifyWorkflow: what a turn would understand, without acting on it.

Backs POST /api/v1/classify (playground and integrators). It runs on the worker so the
API uses the very engine the pipeline uses, and its history shows each step's result.
"""

from __future__ import annotations

from typing import Any

from temporalio import workflow

from core.payloads import (
    ClassifyInput,
    ClassifyOutput,
    ClassifyRequest,
    ClassifyResult,
    PlanInput,
    ScreenInput,
    ScreenOutput,
    Slots,
)

from .policies import DATABASE, ENGINE, ActivityOptions

with workflow.unsafe.imports_passed_through():
    from activities.intent.activity import IntentActivities
    from activities.safety.activity import SafetyActivities
    from activities.tools.activity import ToolActivities


async def _run(fn: Any, arg: Any, opts: ActivityOptions, name: str) -> Any:
    return await workflow.execute_activity_method(
        fn,
        arg,
        start_to_close_timeout=opts.start_to_close,
        retry_policy=opts.retry,
        summary=name,
    )


@workflow.defn
class ClassifyWorkflow:
    @workflow.run
    async def run(self, inp: ClassifyRequest) -> ClassifyResult:
        tenant = inp.caller.tenant_id
        screen: ScreenOutput = await _run(
            SafetyActivities.screen_input, ScreenInput(tenant, inp.text), ENGINE, "safety_input"
        )
        # Slots and classification see the redacted text, as a turn's steps would.
        text = screen.redacted_text
        cls: ClassifyOutput = await _run(
            IntentActivities.classify, ClassifyInput(tenant, text), ENGINE, "classify"
        )
        if screen.requires_escalation:
            return ClassifyResult(cls, Slots(), text, requires_escalation=True)
        slots: Slots = await _run(
            ToolActivities.extract_slots, PlanInput(inp.caller, cls.intent, text), DATABASE, "slots"
        )
        return ClassifyResult(cls, slots, text)
