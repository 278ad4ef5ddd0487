"""/api/v1/escalations: staff see the emergencies turns raised and acknowledge them."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import col, select
from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from api.access_log import record_read
from api.auth import Principal, PrincipalDep
from api.deps import StateDep, TemporalDep
from api.times import UtcDateTime
from core.errors import Conflict, NotFound, PermissionDenied
from core.escalation import AckInput, EscalationStatus
from core.logging import request_id_var
from core.workflow_refs import ESCALATION_ACKNOWLEDGE
from store.models import AuditLog, Escalation

router = APIRouter(prefix="/api/v1/escalations", tags=["safety"])


class EscalationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    patient_id: int | None
    session_id: str
    turn_id: str
    category: str
    severity: float
    reason: str
    status: str
    notifications_sent: int
    acknowledged_by: int | None
    acknowledged_at: UtcDateTime | None
    note: str | None
    created_at: UtcDateTime


class AckBody(BaseModel):
    note: str = Field(default="", max_length=500)


def _staff(who: PrincipalDep) -> Principal:
    if not who.is_staff:
        raise PermissionDenied("Only clinic staff can see and acknowledge escalations.")
    return who


StaffDep = Annotated[Principal, Depends(_staff)]


async def _own(state: StateDep, who: Principal, escalation_id: str) -> Escalation:
    async with state.sessions() as session:
        row = await session.get(Escalation, escalation_id)
    if row is None or row.tenant_id != who.tenant_id:
        raise NotFound("No such escalation.")
    return row


@router.get("", response_model=list[EscalationOut])
async def list_escalations(
    state: StateDep,
    who: StaffDep,
    status: Annotated[Literal["open", "acknowledged", "unacknowledged"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[EscalationOut]:
    query = select(Escalation).where(Escalation.tenant_id == who.tenant_id)
    if status:
        query = query.where(Escalation.status == status)
    query = query.order_by(col(Escalation.created_at).desc()).limit(limit)
    async with state.sessions() as session:
        items = [EscalationOut.model_validate(r) for r in await session.scalars(query)]
    await record_read(state, who, "escalations", [e.patient_id for e in items], status=status)
    return items


@router.get("/{escalation_id}", response_model=EscalationOut)
async def get_escalation(escalation_id: str, state: StateDep, who: StaffDep) -> EscalationOut:
    row = await _own(state, who, escalation_id)
    await record_read(state, who, "escalations", [row.patient_id], escalation_id=row.id)
    return EscalationOut.model_validate(row)


@router.post("/{escalation_id}/acknowledge", response_model=EscalationOut)
async def acknowledge(
    escalation_id: str, body: AckBody, state: StateDep, who: StaffDep, client: TemporalDep
) -> EscalationOut:
    await _own(state, who, escalation_id)
    handle = client.get_workflow_handle(escalation_id)
    try:
        status: EscalationStatus = await handle.execute_update(
            ESCALATION_ACKNOWLEDGE, AckInput(who.user_id, body.note), result_type=EscalationStatus
        )
    except RPCError as err:
        if err.status == RPCStatusCode.NOT_FOUND:
            raise Conflict("This escalation is closed; it can no longer be acknowledged.") from err
        raise
    except WorkflowUpdateFailedError as err:
        raise Conflict("The acknowledgement was refused.") from err
    async with state.sessions() as session:
        session.add(
            AuditLog(
                tenant_id=who.tenant_id,
                service="safety",
                action="acknowledge_escalation",
                actor=f"user:{who.user_id}",
                details={"escalation_id": escalation_id, "status": status.status},
                request_id=request_id_var.get(),
            )
        )
        await session.commit()
    # The workflow records the acknowledgement in the row as it completes; answer from its
    # own state so the caller sees it at once.
    row = await _own(state, who, escalation_id)
    out = EscalationOut.model_validate(row)
    out.status, out.acknowledged_by = status.status, status.acknowledged_by
    return out
