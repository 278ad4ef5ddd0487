"""POST /api/v1/classify: intent, confidence, runner-up and slots, without running tools."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.auth import LimitedPrincipalDep, resolve_patient
from api.deps import StateDep, TemporalDep
from api.doors import call_door
from core.errors import ValidationFailed
from core.input_guard import check_input, visible
from core.logging import request_id_var
from core.payloads import Caller, ClassifyRequest, ClassifyResult
from core.workflow_refs import DOOR_CLASSIFY

router = APIRouter(prefix="/api/v1", tags=["understanding"])


class ClassifyBody(BaseModel):
    text: str = Field(min_length=1, max_length=8000)
    patient_id: int | None = Field(default=None, ge=1)


class ClassifyResponse(BaseModel):
    # One of the product's labels (or a tenant's own intent); `detail` is the finer intent
    # the pipeline acts on (greeting, human_handoff, clarify).
    intent: str
    detail: str
    confidence: float
    path: str
    runner_up: str | None
    runner_up_confidence: float
    decided_by: str
    candidates: list[str]
    requires_escalation: bool
    escalation_category: str | None
    escalation_tier: str | None
    language: str
    slots: dict[str, Any]
    clarification: str | None
    text: str  # as classified: PII already redacted
    workflow_id: str  # the engine door that served it (workflows/engine_door.py)
    update_id: str  # this request in that door's history


@router.post("/classify", response_model=ClassifyResponse)
async def classify(
    body: ClassifyBody, state: StateDep, who: LimitedPrincipalDep, client: TemporalDep
) -> ClassifyResponse:
    problem = check_input(body.text, max_chars=state.settings.max_prompt_chars)
    if problem:
        raise ValidationFailed(problem.message, code=problem.code)
    body.text = visible(body.text)
    patient_id = await resolve_patient(state, who, body.patient_id)
    caller = Caller(who.tenant_id, who.user_id, who.role, patient_id, request_id_var.get())
    result, door = await call_door(
        client,
        state.settings,
        DOOR_CLASSIFY,
        ClassifyRequest(caller, body.text),
        ClassifyResult,
        tenant_id=who.tenant_id,
        timeout_s=30,
        failed="Classification failed; please retry.",
    )
    cls, slots = result.classification, result.slots
    slot_values = {k: v for k, v in vars(slots).items() if k != "clarification"}
    return ClassifyResponse(
        intent=cls.label or cls.intent,
        detail=cls.intent,
        confidence=cls.confidence,
        path=cls.path,
        runner_up=cls.runner_up,
        runner_up_confidence=cls.runner_up_confidence,
        decided_by=cls.decided_by,
        candidates=cls.candidates,
        requires_escalation=result.requires_escalation,
        escalation_category=result.escalation_category,
        escalation_tier=result.escalation_tier,
        language=result.language,
        slots=slot_values,
        clarification=slots.clarification,
        text=result.redacted_text,
        workflow_id=door.workflow_id,
        update_id=door.update_id,
    )
