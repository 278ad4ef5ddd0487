"""Work handed to a person: escalate_to_human, and controlled refills sent for review."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from core.payloads import Caller, HandoffInfo, ToolCall, ToolResult
from core.texts import DEFAULT_LANGUAGE, say
from store.models import StaffNotification, StaffTask, utcnow

HANDOFF_RECIPIENTS = ("reception",)
REVIEW_RECIPIENTS = ("nurse", "doctor")


def task_ref(tenant_id: int, key: str) -> str:
    """Named by the tool call's idempotency key: the ledger runs the call once, and the
    unique (kind, ref_id) on staff tasks refuses a second task for it regardless."""
    return f"{tenant_id}:{key}"


async def add_staff_task(
    session: AsyncSession,
    caller: Caller,
    kind: str,
    ref: str,
    title: str,
    recipients: tuple[str, ...],
) -> HandoffInfo:
    """A staff task and its notification, in the caller's (ledger) transaction."""
    task = StaffTask(
        tenant_id=caller.tenant_id,
        kind=kind,
        ref_id=ref,
        patient_id=caller.patient_id,
        due_at=utcnow(),
        title=title,
    )
    session.add(task)
    await session.flush()
    session.add(
        StaffNotification(
            tenant_id=caller.tenant_id,
            kind=kind,
            ref_id=ref,
            attempt=1,
            recipients=",".join(recipients),
            # No name and no reason: the task id opens the record.
            message=f"{kind.replace('_', ' ')}: open staff task #{task.id}",
        )
    )
    return HandoffInfo(task.id or 0, kind)


async def escalate_to_human(
    session: AsyncSession, caller: Caller, call: ToolCall, ref: str
) -> ToolResult:
    who = f"Patient #{caller.patient_id}" if caller.patient_id else f"User #{caller.user_id}"
    info = await add_staff_task(
        session, caller, "handoff", ref, f"{who} asked to talk to a person", HANDOFF_RECIPIENTS
    )
    key = "tool.handoff_done"
    return ToolResult(
        "escalate_to_human", True, say(DEFAULT_LANGUAGE, key), handoff=info, message_key=key
    )
