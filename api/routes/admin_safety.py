"""/api/v1/admin/safety/policy: a tenant's banned words and topics and its finding actions."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field, model_validator
from sqlmodel import select

from api.auth import Principal, PrincipalDep
from api.deps import StateDep
from core.errors import PermissionDenied
from core.logging import request_id_var
from core.safety_policy import ACTIONS, PII_OPERATORS, POLICY_KEY, SafetyPolicy
from store.models import AuditLog, PlatformConfig, utcnow
from store.safety_policy import load_policy

router = APIRouter(prefix="/api/v1/admin/safety", tags=["admin"])

Word = Annotated[str, Field(min_length=1, max_length=60)]
Topic = Annotated[str, Field(min_length=3, max_length=200)]
Entity = Annotated[str, Field(pattern=r"^[A-Z][A-Z_]{1,40}$")]


class PolicyBody(BaseModel):
    banned_words: list[Word] = Field(default_factory=list, max_length=200)
    banned_topics: list[Topic] = Field(default_factory=list, max_length=50)
    actions: dict[str, str] = Field(default_factory=dict)
    pii_operators: dict[Entity, str] = Field(default_factory=dict)
    redact_for_llm: bool = True
    blocked_reply: str = Field(default=SafetyPolicy().blocked_reply, min_length=1, max_length=500)

    @model_validator(mode="after")
    def _known_choices(self) -> PolicyBody:
        for finding, action in self.actions.items():
            if action not in ACTIONS.get(finding, ()):
                allowed = ", ".join(f"{k}: {'|'.join(v)}" for k, v in ACTIONS.items())
                raise ValueError(f"unknown action {finding}={action}; allowed: {allowed}")
        for entity, op in self.pii_operators.items():
            if op not in PII_OPERATORS:
                raise ValueError(f"{entity}: operator must be one of {', '.join(PII_OPERATORS)}")
        return self


def _staff(who: PrincipalDep) -> Principal:
    if not who.is_staff:
        raise PermissionDenied("Only clinic staff can read the safety policy.")
    return who


def _admin(who: PrincipalDep) -> Principal:
    # A dependency, so a caller without the role learns nothing from body validation.
    if who.role != "admin":
        raise PermissionDenied("Only an admin can change the safety policy.")
    return who


@router.get("/policy", response_model=PolicyBody)
async def get_policy(state: StateDep, who: Annotated[Principal, Depends(_staff)]) -> PolicyBody:
    policy = await load_policy(state.sessions, who.tenant_id)
    return PolicyBody(**policy.to_json())


@router.put("/policy", response_model=PolicyBody)
async def put_policy(
    body: PolicyBody, state: StateDep, who: Annotated[Principal, Depends(_admin)]
) -> PolicyBody:
    policy = SafetyPolicy.from_json(body.model_dump())
    value = json.dumps(policy.to_json())
    async with state.sessions() as session:
        row = await session.scalar(
            select(PlatformConfig).where(
                PlatformConfig.tenant_id == who.tenant_id, PlatformConfig.key == POLICY_KEY
            )
        )
        if row is None:
            row = PlatformConfig(
                tenant_id=who.tenant_id, key=POLICY_KEY, value=value, category="safety"
            )
            session.add(row)
        else:
            row.value, row.updated_at = value, utcnow()
        # The words themselves are policy, not personal data: recording them is the audit.
        session.add(
            AuditLog(
                tenant_id=who.tenant_id,
                service="safety",
                action="update_policy",
                actor=f"user:{who.user_id}",
                details={"policy": policy.to_json()},
                request_id=request_id_var.get(),
            )
        )
        await session.commit()
    return PolicyBody(**policy.to_json())
