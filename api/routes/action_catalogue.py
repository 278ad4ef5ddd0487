"""GET /api/v1/actions/catalogue: the tools the caller's role may use, with their schemas."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from api.auth import PrincipalDep
from core.tool_registry import ToolSpec, tools_for

router = APIRouter(prefix="/api/v1/actions", tags=["actions"])


class ToolPublic(BaseModel):
    name: str
    description: str
    parameters: dict[str, Any]  # JSON schema; identity (patient, tenant) is never a parameter
    roles: list[str]
    side_effect: bool
    confirm: bool
    needs_patient: bool


class Catalogue(BaseModel):
    role: str
    tools: list[ToolPublic]


def _public(spec: ToolSpec) -> ToolPublic:
    return ToolPublic(
        name=spec.name,
        description=spec.description,
        parameters=spec.parameters,
        roles=sorted(spec.roles),
        side_effect=spec.side_effect,
        confirm=spec.confirm,
        needs_patient=spec.needs_patient,
    )


@router.get("/catalogue", response_model=Catalogue)
async def get_catalogue(who: PrincipalDep) -> Catalogue:
    # Only what this caller could run: the same list a model is offered for them, so a
    # client never shows an action the executor would refuse for the role.
    return Catalogue(role=who.role, tools=[_public(t) for t in tools_for(who.role)])
