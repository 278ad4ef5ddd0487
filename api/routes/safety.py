"""POST /api/v1/safety/validate: what the safety engine finds in a text, without a turn."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field
from temporalio.client import WorkflowFailureError

from api.auth import LimitedPrincipalDep
from api.deps import StateDep, TemporalDep
from core.errors import TurnFailed, ValidationFailed
from core.input_guard import check_input, visible
from core.payloads import ValidateRequest, ValidateResult
from core.workflow_refs import SAFETY_VALIDATE

router = APIRouter(prefix="/api/v1/safety", tags=["safety"])


class ValidateBody(BaseModel):
    text: str
    direction: Literal["input", "output"] = "input"


class IssueOut(BaseModel):
    type: str
    category: str
    severity: float = Field(ge=0, le=1)
    detail: str


class ValidateResponse(BaseModel):
    is_valid: bool
    requires_escalation: bool
    validated_text: str
    issues: list[IssueOut]
    category: str | None
    # 911 | poison_control | 988 | check_in when requires_escalation
    tier: str | None = None
    guidance: str
    language: str = "en"
    workflow_id: str


@router.post("/validate", response_model=ValidateResponse)
async def validate(
    body: ValidateBody, state: StateDep, who: LimitedPrincipalDep, client: TemporalDep
) -> ValidateResponse:
    problem = check_input(body.text, max_chars=state.settings.max_prompt_chars)
    if problem:
        raise ValidationFailed(problem.message, code=problem.code)
    body.text = visible(body.text)
    workflow_id = f"safety-validate-{who.tenant_id}-{uuid.uuid4().hex}"
    try:
        result: ValidateResult = await client.execute_workflow(
            SAFETY_VALIDATE,
            ValidateRequest(who.tenant_id, body.text, body.direction),
            id=workflow_id,
            task_queue=state.settings.temporal_task_queue,
            result_type=ValidateResult,
            execution_timeout=timedelta(seconds=30),
        )
    except WorkflowFailureError as err:
        raise TurnFailed("Validation failed; please retry.") from err
    return ValidateResponse(
        is_valid=result.is_valid,
        requires_escalation=result.requires_escalation,
        validated_text=result.validated_text,
        issues=[
            IssueOut(type=i.type, category=i.category, severity=i.severity, detail=i.detail)
            for i in result.issues
        ],
        category=result.category,
        tier=result.tier,
        guidance=result.guidance,
        language=result.language,
        workflow_id=workflow_id,
    )
