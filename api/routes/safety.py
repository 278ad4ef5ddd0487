"""POST /api/v1/safety/validate: what the safety engine finds in a text, without a turn."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.auth import LimitedPrincipalDep
from api.deps import StateDep, TemporalDep
from api.doors import call_door
from core.errors import ValidationFailed
from core.input_guard import check_input, visible
from core.payloads import ValidateRequest, ValidateResult
from core.workflow_refs import DOOR_VALIDATE

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
    workflow_id: str  # the engine door that served it (workflows/engine_door.py)
    update_id: str  # this request in that door's history


@router.post("/validate", response_model=ValidateResponse)
async def validate(
    body: ValidateBody, state: StateDep, who: LimitedPrincipalDep, client: TemporalDep
) -> ValidateResponse:
    problem = check_input(body.text, max_chars=state.settings.max_prompt_chars)
    if problem:
        raise ValidationFailed(problem.message, code=problem.code)
    body.text = visible(body.text)
    result, door = await call_door(
        client,
        state.settings,
        DOOR_VALIDATE,
        ValidateRequest(who.tenant_id, body.text, body.direction),
        ValidateResult,
        tenant_id=who.tenant_id,
        timeout_s=30,
        failed="Validation failed; please retry.",
    )
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
        workflow_id=door.workflow_id,
        update_id=door.update_id,
    )
