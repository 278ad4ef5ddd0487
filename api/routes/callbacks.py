"""/api/v1/callbacks: schedule, list, move and cancel calls the clinic promised a patient."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Header, Query
from sqlmodel import col, select
from temporalio.client import WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from api.access_log import record_read
from api.auth import Principal, PrincipalDep, resolve_patient
from api.callback_schemas import CallbackCreate, CallbackMove, CallbackPublic, CallbackState
from api.deps import StateDep, TemporalDep
from core.callbacks import (
    CALLBACK_CLOSED,
    INVALID_DUE_TIME,
    MAX_AHEAD,
    CallbackInput,
    CancelCallbackInput,
    MoveCallbackInput,
    callback_id,
)
from core.errors import Conflict, NotFound, ValidationFailed
from core.logging import request_id_var
from core.workflow_refs import CALLBACK, CALLBACK_CANCEL, CALLBACK_MOVE
from store.callback_rows import insert_or_keep
from store.models import AuditLog, Callback, Tenant
from store.timeutil import to_utc_naive

router = APIRouter(prefix="/api/v1/callbacks", tags=["callbacks"])
IdempotencyHeader = Annotated[
    str | None, Header(alias="Idempotency-Key", max_length=128, pattern=r"^[\x21-\x7e]+$")
]


async def _tz(state: StateDep, tenant_id: int) -> str:
    async with state.sessions() as session:
        tenant = await session.get(Tenant, tenant_id)
    return tenant.timezone if tenant else "UTC"


async def _own(state: StateDep, who: Principal, cb_id: str) -> Callback:
    async with state.sessions() as session:
        row = await session.get(Callback, cb_id, populate_existing=True)
    # Another clinic's callback, or another patient's, looks exactly like a missing one.
    if row is None or row.tenant_id != who.tenant_id:
        raise NotFound("No such callback.")
    if not who.is_staff and row.patient_id != who.patient_id:
        raise NotFound("No such callback.")
    return row


def _due_utc(due: datetime, tz: str) -> datetime:
    """The requested time as aware UTC; a time without an offset is the clinic's wall clock."""
    try:
        due = due.astimezone(UTC) if due.tzinfo else to_utc_naive(due, tz).replace(tzinfo=UTC)
    except OverflowError:  # 9999-12-31 in a zone west of UTC is past the last datetime
        raise ValidationFailed(
            "Callbacks can be scheduled up to a year ahead.", code="too_far"
        ) from None
    now = datetime.now(UTC)
    if due <= now:
        raise ValidationFailed("The callback time has already passed.", code="in_the_past")
    if due > now + MAX_AHEAD:
        raise ValidationFailed("Callbacks can be scheduled up to a year ahead.", code="too_far")
    return due


@contextlib.contextmanager
def _update_errors() -> Iterator[None]:
    """The workflow's refusals, by failure type, as the API's typed errors."""
    try:
        yield
    except RPCError as err:
        if err.status == RPCStatusCode.NOT_FOUND:  # the workflow has completed
            raise Conflict(
                "This callback can no longer be changed.", code="callback_closed"
            ) from err
        raise
    except WorkflowUpdateFailedError as err:
        cause = err.cause
        if isinstance(cause, ApplicationError) and cause.type == INVALID_DUE_TIME:
            raise ValidationFailed(cause.message, code="in_the_past") from err
        if isinstance(cause, ApplicationError) and cause.type == CALLBACK_CLOSED:
            raise Conflict(cause.message, code="callback_closed") from err
        raise


def _ensure_open(row: Callback) -> None:
    if row.status != "scheduled":
        raise Conflict(f"The callback is already {row.status}.", code="callback_closed")


async def _audit(state: StateDep, who: Principal, action: str, row: Callback) -> None:
    async with state.sessions() as session:
        session.add(
            AuditLog(
                tenant_id=who.tenant_id,
                service="callbacks",
                action=action,
                actor=f"user:{who.user_id}",
                details={"callback_id": row.id, "patient_id": row.patient_id},
                request_id=request_id_var.get(),
            )
        )
        await session.commit()


@router.get("", response_model=list[CallbackPublic])
async def list_callbacks(
    state: StateDep,
    who: PrincipalDep,
    status: Annotated[CallbackState | None, Query()] = None,
    patient_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[CallbackPublic]:
    query = select(Callback).where(Callback.tenant_id == who.tenant_id)
    if not who.is_staff:
        query = query.where(Callback.patient_id == who.patient_id)  # patients see their own
    elif patient_id is not None:
        query = query.where(Callback.patient_id == patient_id)
    if status:
        query = query.where(Callback.status == status)
    query = query.order_by(col(Callback.due_at)).limit(limit)
    tz = await _tz(state, who.tenant_id)
    async with state.sessions() as session:
        items = [CallbackPublic.from_row(r, tz) for r in await session.scalars(query)]
    await record_read(state, who, "callbacks", [c.patient_id for c in items], status=status)
    return items


@router.get("/{cb_id}", response_model=CallbackPublic)
async def get_callback(cb_id: str, state: StateDep, who: PrincipalDep) -> CallbackPublic:
    row = await _own(state, who, cb_id)
    await record_read(state, who, "callbacks", [row.patient_id], callback_id=row.id)
    return CallbackPublic.from_row(row, await _tz(state, who.tenant_id))


@router.post("", response_model=CallbackPublic, status_code=201)
async def schedule_callback(
    body: CallbackCreate,
    state: StateDep,
    who: PrincipalDep,
    client: TemporalDep,
    idempotency_key: IdempotencyHeader = None,
) -> CallbackPublic:
    patient_id = await resolve_patient(state, who, body.patient_id)
    if patient_id is None:
        raise ValidationFailed(
            "Say which patient to call back (patient_id).", code="patient_required"
        )
    tz = await _tz(state, who.tenant_id)
    # A retry with the same Idempotency-Key (per user) names the same callback: it is
    # scheduled once, and the retry gets it back as it is now.
    key = f"api:{who.user_id}:{idempotency_key}" if idempotency_key else uuid.uuid4().hex
    cb_id = callback_id(who.tenant_id, key)
    async with state.sessions() as session:
        if await session.get(Callback, cb_id) is not None:
            return await get_callback(cb_id, state, who)
    inp = CallbackInput(
        cb_id,
        who.tenant_id,
        patient_id,
        _due_utc(body.due_at, tz),
        body.reason,
        requested_by=who.user_id,
        source="api",
    )
    # The workflow first, then the row: if this request dies in between, the workflow
    # records the row itself; both writes keep whichever came first.
    with contextlib.suppress(WorkflowAlreadyStartedError):
        await client.start_workflow(
            CALLBACK,
            inp,
            id=cb_id,
            task_queue=state.settings.temporal_task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )
    await insert_or_keep(state.sessions, inp)
    row = await _own(state, who, cb_id)
    await _audit(state, who, "schedule_callback", row)
    return CallbackPublic.from_row(row, tz)


@router.patch("/{cb_id}", response_model=CallbackPublic)
async def move_callback(
    cb_id: str, body: CallbackMove, state: StateDep, who: PrincipalDep, client: TemporalDep
) -> CallbackPublic:
    row = await _own(state, who, cb_id)
    _ensure_open(row)
    tz = await _tz(state, who.tenant_id)
    due = _due_utc(body.due_at, tz)
    handle = client.get_workflow_handle(cb_id)
    with _update_errors():
        # The update returns once the workflow has re-armed its timer and saved the row.
        await handle.execute_update(CALLBACK_MOVE, MoveCallbackInput(due, who.user_id))
    await _audit(state, who, "move_callback", row)
    return CallbackPublic.from_row(await _own(state, who, cb_id), tz)


@router.delete("/{cb_id}", response_model=CallbackPublic)
async def cancel_callback(
    cb_id: str, state: StateDep, who: PrincipalDep, client: TemporalDep
) -> CallbackPublic:
    row = await _own(state, who, cb_id)
    _ensure_open(row)
    handle = client.get_workflow_handle(cb_id)
    with _update_errors():
        await handle.execute_update(CALLBACK_CANCEL, CancelCallbackInput(who.user_id))
    await _audit(state, who, "cancel_callback", row)
    return CallbackPublic.from_row(await _own(state, who, cb_id), await _tz(state, who.tenant_id))
