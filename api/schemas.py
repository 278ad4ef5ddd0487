"""Request and response bodies of the public API, in the seed's shapes."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from core.payloads import PipelineResult

SESSION_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"


class PipelineRequest(BaseModel):
    prompt: str = Field(min_length=1, max_length=8000)
    session_id: str | None = Field(default=None, pattern=SESSION_PATTERN)
    patient_id: int | None = Field(default=None, ge=1)
    channel: str = Field(default="rest", pattern=r"^(rest|chat|voice|ws)$")


class RequestEcho(BaseModel):
    session_id: str
    prompt: str
    tenant_id: int
    user_id: int
    patient_id: int | None


class StepOut(BaseModel):
    name: str
    status: str
    input: dict[str, Any] | None = None
    output: dict[str, Any] | None = None
    error_message: str | None = None
    start_time: float | None = None
    end_time: float | None = None


class CitationOut(BaseModel):
    article_id: int
    title: str


class PipelineResponse(BaseModel):
    session_id: str
    turn_id: str
    workflow_id: str
    request: RequestEcho
    intent: str
    requires_escalation: bool
    escalation_category: str | None
    # 911 | poison_control | 988 | check_in when requires_escalation
    escalation_tier: str | None = None
    # The language the turn was understood and answered in (ISO 639-1).
    language: str = "en"
    final_response: str
    citations: list[CitationOut]
    steps: list[StepOut]
    created_at: float
    updated_at: float

    @classmethod
    def from_result(cls, result: PipelineResult, echo: RequestEcho) -> PipelineResponse:
        return cls(
            session_id=result.session_id,
            turn_id=result.turn_id,
            workflow_id=result.workflow_id,
            request=echo.model_copy(update={"prompt": result.prompt}),
            intent=result.intent,
            requires_escalation=result.requires_escalation,
            escalation_category=result.escalation_category,
            escalation_tier=result.escalation_tier,
            language=result.language,
            final_response=result.final_response,
            citations=[
                CitationOut(article_id=c.article_id, title=c.title) for c in result.citations
            ],
            steps=[StepOut(**vars(s)) for s in result.steps],
            created_at=result.created_at,
            updated_at=result.updated_at,
        )


class TurnOut(BaseModel):
    turn_id: str
    workflow_id: str
    prompt: str
    response: str
    intent: str | None
    requires_escalation: bool
    created_at: str
    steps: list[StepOut]


class ConversationOut(BaseModel):
    session_id: str
    patient_id: int | None
    channel: str
    created_at: str
    updated_at: str
    turns: list[TurnOut]
