"""Request and response bodies of /api/v1/actions and /api/v1/execute."""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

from pydantic import BaseModel, Field

from api.times import UtcDateTime
from core.actions import ActionInput, retry_workflow_id
from core.callbacks import as_utc
from core.payloads import Caller, ToolArgs, ToolCall
from store.models import ActionExecution

ActionState = Literal["succeeded", "failed", "rejected", "abandoned"]


class RerunHint(BaseModel):
    """How to run this action again from Temporal itself (UI "Start Workflow", or
    `temporal workflow start`): same workflow type, same input, same idempotency key."""

    workflow_type: str = "ActionWorkflow"
    workflow_id: str
    task_queue: str
    input: dict[str, Any]


class ActionPublic(BaseModel):
    id: int
    idempotency_key: str
    action: str
    patient_id: int | None
    params: dict[str, Any]
    status: ActionState
    result: dict[str, Any] | None
    error: str | None
    attempts: int
    retries: int
    workflow_id: str | None  # the run that last recorded it (a pipeline or an action)
    created_at: UtcDateTime
    updated_at: UtcDateTime
    rerun: RerunHint | None = None  # failed actions only

    @classmethod
    def from_row(cls, row: ActionExecution, task_queue: str) -> ActionPublic:
        rerun = None
        if row.status == "failed":
            inp = rerun_input(row, requested_by=None)
            rerun = RerunHint(
                workflow_id=retry_workflow_id(row.tenant_id, row.id or 0, row.retries + 1),
                task_queue=task_queue,
                input=dataclasses.asdict(inp),
            )
        return cls(
            id=row.id or 0,
            idempotency_key=row.idempotency_key,
            action=row.action,
            patient_id=row.patient_id,
            params=row.params or {},
            status=row.status,  # type: ignore[arg-type]  # the ledger writes only these
            result=row.result,
            error=row.error,
            attempts=row.attempts,
            retries=row.retries,
            workflow_id=row.workflow_id,
            created_at=as_utc(row.created_at),
            updated_at=as_utc(row.updated_at),
            rerun=rerun,
        )


def rerun_input(row: ActionExecution, *, requested_by: int | None) -> ActionInput:
    """The action as it first ran: its caller (who it acted for), tool, arguments and key."""
    caller = Caller(
        tenant_id=row.tenant_id,
        user_id=row.user_id or 0,
        role=row.role or "patient",
        patient_id=row.patient_id,
    )
    fields = {f.name for f in dataclasses.fields(ToolArgs)}
    args = ToolArgs(**{k: v for k, v in (row.params or {}).items() if k in fields})
    return ActionInput(
        caller,
        ToolCall(row.action, args),
        row.idempotency_key,
        requested_by=requested_by,
        retry=row.retries + 1,
    )


class ActionList(BaseModel):
    actions: list[ActionPublic]
    total: int
    limit: int
    offset: int


class ExecuteRequest(BaseModel):
    action: str = Field(min_length=1, max_length=64)
    params: dict[str, Any] = Field(default_factory=dict)
    # Patients leave it out (they act for themselves); staff name a patient of their clinic.
    patient_id: int | None = Field(default=None, ge=1)


class ExecuteResponse(BaseModel):
    """The tool's result, plus where the action lives: its key and its workflow."""

    tool: str
    ok: bool
    message: str
    error_code: str | None
    replayed: bool
    result: dict[str, Any]
    idempotency_key: str
    workflow_id: str
    action_id: int | None  # the ledger row, for side effects
