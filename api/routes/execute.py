"""POST /api/v1/execute: run one action directly, once per Idempotency-Key."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Annotated

from fastapi import APIRouter, Header
from sqlmodel import select

from api.action_schemas import ExecuteRequest, ExecuteResponse
from api.auth import LimitedPrincipalDep, resolve_patient
from api.deps import StateDep, TemporalDep
from api.routes.actions import run_action_workflow
from core.actions import ActionInput, execute_workflow_id
from core.errors import Conflict, PermissionDenied, ValidationFailed
from core.logging import request_id_var
from core.payloads import Caller, ToolCall
from core.tool_registry import ArgumentError, bind_arguments, tool_spec
from store.models import ActionExecution

router = APIRouter(prefix="/api/v1", tags=["actions"])
IdempotencyHeader = Annotated[
    str | None, Header(alias="Idempotency-Key", max_length=128, pattern=r"^[\x21-\x7e]+$")
]


@router.post("/execute", response_model=ExecuteResponse)
async def execute_action(
    body: ExecuteRequest,
    state: StateDep,
    who: LimitedPrincipalDep,
    client: TemporalDep,
    idempotency_key: IdempotencyHeader = None,
) -> ExecuteResponse:
    spec = tool_spec(body.action)
    if spec is None:
        raise ValidationFailed(f"There is no action {body.action!r}.", code="unknown_action")
    try:
        args = bind_arguments(spec, body.params)
    except ArgumentError as err:
        raise ValidationFailed(str(err), code="invalid_params") from err
    if not spec.allows(who.role):
        raise PermissionDenied(f"Your role cannot run {spec.name}.")
    patient_id = await resolve_patient(state, who, body.patient_id)
    # Keys are per user: another user's "1" is another request. Without a header every
    # request is its own action.
    key = f"api:{who.user_id}:{idempotency_key or uuid.uuid4().hex}"
    call = ToolCall(spec.name, args)
    async with state.sessions() as session:
        prior = await session.scalar(
            select(ActionExecution).where(
                ActionExecution.tenant_id == who.tenant_id,
                ActionExecution.idempotency_key == key,
            )
        )
    if prior is not None and (
        prior.action != call.name
        or prior.patient_id != patient_id
        or prior.params != dataclasses.asdict(args)
    ):
        raise Conflict(
            "This Idempotency-Key was already used for a different request.",
            code="idempotency_key_reused",
        )
    caller = Caller(who.tenant_id, who.user_id, who.role, patient_id, request_id_var.get())
    wf_id = execute_workflow_id(who.tenant_id, key)
    out = await run_action_workflow(client, state.settings, ActionInput(caller, call, key), wf_id)
    action_id = None
    if spec.side_effect:
        async with state.sessions() as session:
            action_id = await session.scalar(
                select(ActionExecution.id).where(
                    ActionExecution.tenant_id == who.tenant_id,
                    ActionExecution.idempotency_key == key,
                )
            )
    res = out.result
    return ExecuteResponse(
        tool=res.tool,
        ok=res.ok,
        message=res.message,
        error_code=res.error_code,
        replayed=res.replayed,
        result=dataclasses.asdict(res),
        idempotency_key=key,
        workflow_id=wf_id,
        action_id=action_id,
    )
