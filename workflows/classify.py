"""ClassifyWorkflow: what a turn would understand, without acting on it.

Backs POST /api/v1/classify (playground and integrators). It runs on the worker so the
API uses the very engine the pipeline uses, and its history shows each step's result.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from temporalio import workflow

from core.payloads import (
    STAFF_ROLES,
    ClassifyOutput,
    ClassifyRequest,
    ClassifyResult,
    PlanInput,
    ScreenInput,
    Slots,
    UnderstandInput,
    UnderstandOutput,
)

from .policies import DATABASE, ENGINE, ActivityOptions

with workflow.unsafe.imports_passed_through():
    from activities.tools.activity import ToolActivities
    from activities.understanding.activity import UnderstandingActivities


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
        caller = inp.caller
        staff_without_patient = caller.role in STAFF_ROLES and caller.patient_id is None
        # The turn's own first step: screened and classified on the same features.
        understood: UnderstandOutput = await _run(
            UnderstandingActivities.understand,
            UnderstandInput(
                ScreenInput(caller.tenant_id, inp.text, find_patients=staff_without_patient)
            ),
            ENGINE,
            "understand",
        )
        screen = understood.screen
        # Slots and classification see the redacted text, as a turn's steps would.
        text = screen.redacted_text
        if screen.requires_escalation:
            # As in a turn: an emergency is not classified further; triage decided it.
            emergency = ClassifyOutput(
                "emergency", 1.0, "emergency", decided_by="triage", label="emergency"
            )
            return ClassifyResult(
                emergency,
                Slots(),
                text,
                requires_escalation=True,
                language=screen.language,
                escalation_category=screen.category,
                escalation_tier=screen.tier,
            )
        cls = understood.classification or ClassifyOutput(
            "blocked", 0.0, "blocked", decided_by="policy", label="blocked"
        )
        if staff_without_patient and len(screen.named_patients) == 1:
            caller = dataclasses.replace(caller, patient_id=screen.named_patients[0])
        slots: Slots = await _run(
            ToolActivities.extract_slots,
            PlanInput(
                caller,
                cls.intent,
                text,
                language=screen.language,
                named_patients=screen.named_patients,
            ),
            DATABASE,
            "slots",
        )
        return ClassifyResult(cls, slots, text, language=screen.language)
