"""ClassifyWorkflow: what a turn would understand, without acting on it.

Backs POST /api/v1/classify (playground and integrators). It runs on the worker so the
API uses the very engine the pipeline uses, and its history shows each step's result.
"""

from __future__ import annotations

import dataclasses

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

from .policies import DATABASE, ENGINE
from .runners import Runner, as_activity

with workflow.unsafe.imports_passed_through():
    from activities.tools.activity import ToolActivities
    from activities.understanding.activity import UnderstandingActivities


@workflow.defn
class ClassifyWorkflow:
    @workflow.run
    async def run(self, inp: ClassifyRequest) -> ClassifyResult:
        return await classify_steps(inp, as_activity)


async def classify_steps(inp: ClassifyRequest, run: Runner) -> ClassifyResult:
    """The playground's classification; also served by the engine door as local activities."""
    caller = inp.caller
    staff_without_patient = caller.role in STAFF_ROLES and caller.patient_id is None
    # The turn's own first step: screened and classified on the same features.
    understood: UnderstandOutput = await run(
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
    slots: Slots = await run(
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
