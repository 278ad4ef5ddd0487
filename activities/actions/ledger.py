"""The action ledger's failure side: attempts audited one by one, exhausted actions recorded."""

from __future__ import annotations

import dataclasses
import logging

from pydantic import TypeAdapter
from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col, select
from temporalio import activity

from core.actions import FAILED, REJECTED, RecordFailureInput, RecordFailureOutput
from core.payloads import Caller, ToolResult
from store.models import ActionExecution, AuditLog, utcnow

log = logging.getLogger("aurixa.actions")
_RESULT = TypeAdapter(ToolResult)
ATTEMPT = "action_attempt"


def attempt_context() -> tuple[int, str]:
    """This attempt's number and workflow id; (1, "") outside an activity (direct calls)."""
    if not activity.in_activity():
        return 1, ""
    info = activity.info()
    return info.attempt, info.workflow_id or ""


async def audit_attempt(
    sessions: async_sessionmaker[AsyncSession],
    caller: Caller,
    details: dict[str, object],
    *,
    severity: str = "info",
) -> None:
    """One audit row per attempt, in its own transaction so failed attempts leave one too.
    A database that is down loses the row (the attempt's own failure already says why)."""
    try:
        async with sessions() as session, session.begin():
            session.add(
                AuditLog(
                    tenant_id=caller.tenant_id,
                    service="actions",
                    action=ATTEMPT,
                    actor=f"user:{caller.user_id}",
                    details={**details, "patient_id": caller.patient_id},
                    severity=severity,
                    request_id=caller.request_id or None,
                )
            )
    except (SQLAlchemyError, OSError) as err:
        log.warning("attempt audit not written", extra={"exc_type": type(err).__name__})


async def count_attempts(session: AsyncSession, tenant_id: int, key: str) -> int:
    found = await session.scalar(
        select(func.count())
        .select_from(AuditLog)
        .where(
            AuditLog.tenant_id == tenant_id,
            AuditLog.action == ATTEMPT,
            AuditLog.details["key"].as_string() == key,
        )
    )
    return int(found or 0)


async def record_failure(
    sessions: async_sessionmaker[AsyncSession], inp: RecordFailureInput
) -> RecordFailureOutput:
    """Insert-or-update by (tenant, key): a second failure (an operator's retry failing too)
    updates the row; a row some other run already completed is left as it is."""
    caller, key = inp.caller, inp.idempotency_key
    for _ in range(2):  # an insert that loses a race becomes an update
        try:
            async with sessions() as session, session.begin():
                attempts = await count_attempts(session, caller.tenant_id, key)
                row = await session.scalar(
                    select(ActionExecution).where(
                        ActionExecution.tenant_id == caller.tenant_id,
                        ActionExecution.idempotency_key == key,
                    )
                )
                if row is None:
                    row = ActionExecution(
                        tenant_id=caller.tenant_id,
                        idempotency_key=key,
                        action=inp.call.name,
                        patient_id=caller.patient_id,
                        user_id=caller.user_id,
                        role=caller.role,
                        params=dataclasses.asdict(inp.call.args),
                        status=inp.status,
                        error=inp.error,
                        attempts=max(attempts, 1),
                        workflow_id=inp.workflow_id,
                        retries=inp.retry,
                    )
                    session.add(row)
                    await session.flush()
                elif row.status == FAILED:
                    await session.execute(
                        update(ActionExecution)
                        .where(col(ActionExecution.id) == row.id)
                        .values(
                            status=inp.status,
                            error=inp.error,
                            attempts=max(attempts, row.attempts),
                            workflow_id=inp.workflow_id,
                            retries=max(row.retries, inp.retry),
                            updated_at=utcnow(),
                        )
                    )
                else:
                    stored = _RESULT.validate_python(row.result) if row.result else None
                    return RecordFailureOutput(row.id or 0, row.status, stored)
                session.add(
                    AuditLog(
                        tenant_id=caller.tenant_id,
                        service="actions",
                        action="action_rejected" if inp.status == REJECTED else "action_failed",
                        actor=f"user:{caller.user_id}",
                        details={
                            "key": key,
                            "action_id": row.id,
                            "tool": inp.call.name,
                            "error": inp.error,
                            "attempts": attempts,
                            "workflow_id": inp.workflow_id,
                            "patient_id": caller.patient_id,
                        },
                        severity="error",
                        request_id=caller.request_id or None,
                    )
                )
                return RecordFailureOutput(row.id or 0, inp.status, None)
        except IntegrityError:
            continue
    raise RuntimeError("the failed action could not be recorded")  # retried by Temporal
