"""/api/v1/actions: staff see the action ledger, retry failed actions, or abandon them."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from sqlalchemy import func, update
from sqlmodel import col, select
from temporalio.client import Client, WorkflowFailureError
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError

from api.access_log import record_read
from api.action_schemas import ActionList, ActionPublic, ActionState, rerun_input
from api.auth import Principal, PrincipalDep
from api.deps import StateDep, TemporalDep
from core import search_attributes as sa
from core.actions import (
    ABANDONED,
    FAILED,
    REJECTED,
    SUCCEEDED,
    ActionInput,
    ActionOutput,
    retry_workflow_id,
)
from core.errors import ActionStillRunning, Conflict, NotFound, PermissionDenied, TurnFailed
from core.logging import request_id_var
from core.settings import Settings
from core.workflow_refs import ACTION
from store.models import ActionExecution, AuditLog, utcnow

router = APIRouter(prefix="/api/v1/actions", tags=["actions"])
# Re-running a patient's action is front-desk work; clinicians see the list but hand it on.
RETRY_ROLES = frozenset({"admin", "reception", "scheduler"})
# Row ids are 32-bit in PostgreSQL: a larger one is a 422, not a failed query.
ActionId = Annotated[int, Path(ge=1, le=2**31 - 1)]
MAX_OFFSET = 10_000


def _staff(who: PrincipalDep) -> Principal:
    if not who.is_staff:
        raise PermissionDenied("Only clinic staff can see the action ledger.")
    return who


def _operator(who: PrincipalDep) -> Principal:
    if who.role not in RETRY_ROLES:
        raise PermissionDenied("Only the front desk or an admin can retry or close actions.")
    return who


StaffDep = Annotated[Principal, Depends(_staff)]
OperatorDep = Annotated[Principal, Depends(_operator)]


async def _own(state: StateDep, who: Principal, action_id: int) -> ActionExecution:
    async with state.sessions() as session:
        row = await session.get(ActionExecution, action_id, populate_existing=True)
    # Another clinic's action looks exactly like a missing one.
    if row is None or row.tenant_id != who.tenant_id:
        raise NotFound("No such action.")
    return row


async def _audit(
    state: StateDep, who: Principal, action: str, row: ActionExecution, **extra: object
) -> None:
    async with state.sessions() as session:
        session.add(
            AuditLog(
                tenant_id=who.tenant_id,
                service="actions",
                action=action,
                actor=f"user:{who.user_id}",
                details={
                    "action_id": row.id,
                    "key": row.idempotency_key,
                    "tool": row.action,
                    "patient_id": row.patient_id,
                    **extra,
                },
                request_id=request_id_var.get(),
            )
        )
        await session.commit()


def action_search_attributes(inp: ActionInput) -> TypedSearchAttributes:
    """TenantId and PatientId: an operator finds a clinic's or a patient's actions in the UI."""
    caller = inp.caller
    return TypedSearchAttributes(
        [
            SearchAttributePair(sa.TENANT_ID, str(caller.tenant_id)),
            SearchAttributePair(sa.PATIENT_ID, str(caller.patient_id or "")),
        ]
    )


async def run_action_workflow(
    client: Client, settings: Settings, inp: ActionInput, workflow_id: str
) -> ActionOutput:
    """Starts (or joins, for the same id) the action's workflow and waits for its result."""
    try:
        handle = await client.start_workflow(
            ACTION,
            inp,
            id=workflow_id,
            task_queue=settings.temporal_task_queue,
            result_type=ActionOutput,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            # A later request with the same key runs again and replays the ledger.
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
            search_attributes=action_search_attributes(inp),
            static_summary=f"{inp.call.name} {inp.idempotency_key}",
        )
    except WorkflowAlreadyStartedError:
        handle = client.get_workflow_handle(workflow_id, result_type=ActionOutput)
    try:
        return await asyncio.wait_for(handle.result(), timeout=settings.turn_timeout_s)
    except TimeoutError as err:
        raise ActionStillRunning(
            f"The action is still running in workflow {workflow_id}; repeat the request "
            "with the same Idempotency-Key for its result."
        ) from err
    except WorkflowFailureError as err:
        # The workflow records its own failures; this is a bug or a terminated run.
        raise TurnFailed(
            "The action's workflow failed; nothing beyond the ledger changed."
        ) from err


@router.get("", response_model=ActionList)
async def list_actions(
    state: StateDep,
    who: StaffDep,
    status: Annotated[ActionState | None, Query()] = None,
    patient_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> ActionList:
    query = select(ActionExecution).where(ActionExecution.tenant_id == who.tenant_id)
    if status is not None:
        query = query.where(ActionExecution.status == status)
    if patient_id is not None:
        query = query.where(ActionExecution.patient_id == patient_id)
    queue = state.settings.temporal_task_queue
    async with state.sessions() as session:
        total = await session.scalar(select(func.count()).select_from(query.subquery()))
        rows = await session.scalars(
            query.order_by(col(ActionExecution.created_at).desc(), col(ActionExecution.id).desc())
            .limit(limit)
            .offset(offset)
        )
        items = [ActionPublic.from_row(r, queue) for r in rows]
    await record_read(state, who, "actions", [a.patient_id for a in items], status=status)
    return ActionList(actions=items, total=int(total or 0), limit=limit, offset=offset)


@router.get("/{action_id:int}", response_model=ActionPublic)
async def get_action(action_id: ActionId, state: StateDep, who: StaffDep) -> ActionPublic:
    row = await _own(state, who, action_id)
    await record_read(state, who, "actions", [row.patient_id], action_id=row.id)
    return ActionPublic.from_row(row, state.settings.temporal_task_queue)


@router.post("/{action_id:int}/retry", response_model=ActionPublic)
async def retry_action(
    action_id: ActionId, state: StateDep, who: OperatorDep, client: TemporalDep
) -> ActionPublic:
    """Runs the failed action again, as its original caller and with its original key: if
    an earlier attempt did commit after all, the ledger replays it instead of acting twice."""
    row = await _own(state, who, action_id)
    if row.status == REJECTED:
        raise Conflict(
            "The database refused this action's values; a retry with the same input would "
            "fail the same way. Ask for the request again with corrected details."
        )
    if row.status != FAILED:
        raise Conflict(f"Only a failed action can be retried; this one {row.status}.")
    inp = rerun_input(row, requested_by=who.user_id)
    wf_id = retry_workflow_id(row.tenant_id, action_id, inp.retry)
    async with state.sessions() as session:
        # Numbers the retry; a second click loses this race and joins the same workflow.
        await session.execute(
            update(ActionExecution)
            .where(
                col(ActionExecution.id) == action_id,
                col(ActionExecution.status) == FAILED,
                col(ActionExecution.retries) == inp.retry - 1,
            )
            .values(retries=inp.retry, updated_at=utcnow())
        )
        await session.commit()
    await _audit(state, who, "action_retry_requested", row, retry=inp.retry, workflow_id=wf_id)
    # Two clicks on the same retry share one workflow id, hence one run.
    out = await run_action_workflow(client, state.settings, inp, wf_id)
    await _audit(
        state, who, "action_retried", row, retry=inp.retry, ok=out.result.ok, workflow_id=wf_id
    )
    return ActionPublic.from_row(
        await _own(state, who, action_id), state.settings.temporal_task_queue
    )


@router.post("/{action_id:int}/abandon", response_model=ActionPublic)
async def abandon_action(action_id: ActionId, state: StateDep, who: OperatorDep) -> ActionPublic:
    """Closes a failed action unfinished: nothing runs it again, and a late retry of its key
    is refused rather than acting."""
    row = await _own(state, who, action_id)
    if row.status == SUCCEEDED:
        raise Conflict("The action succeeded; there is nothing to abandon.")
    async with state.sessions() as session:
        done = await session.execute(
            update(ActionExecution)
            .where(col(ActionExecution.id) == action_id, col(ActionExecution.status) == FAILED)
            .values(status=ABANDONED, updated_at=utcnow())
        )
        await session.commit()
    if getattr(done, "rowcount", 0):
        await _audit(state, who, "action_abandoned", row)
    row = await _own(state, who, action_id)
    if row.status == SUCCEEDED:  # a retry completed it in between
        raise Conflict("The action succeeded; there is nothing to abandon.")
    return ActionPublic.from_row(row, state.settings.temporal_task_queue)
