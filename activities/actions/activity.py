"""Temporal activities of actions: one audited attempt, and the record of an exhausted one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from core.actions import RecordFailureInput, RecordFailureOutput, RunActionInput
from core.payloads import ToolResult
from core.tool_registry import tool_spec

from .ledger import audit_attempt, record_failure

if TYPE_CHECKING:
    from activities.tools.executor import ToolExecutor


def has_side_effect(tool: str) -> bool:
    """The one place that asks whether a tool writes (the registry decides)."""
    spec = tool_spec(tool)
    return spec is not None and spec.side_effect


class ActionActivities:
    def __init__(self, executor: ToolExecutor, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.executor = executor
        self.sessions = sessions

    @activity.defn(name="run_action")
    async def run_action(self, inp: RunActionInput) -> ToolResult:
        """Runs the tool once per key; every attempt at a side effect leaves an audit row,
        failed ones included, so the audit log shows what Temporal retried."""
        call, key = inp.call, inp.idempotency_key
        if not has_side_effect(call.name):
            return await self.executor.execute(inp.caller, call, key)
        info = activity.info()
        details: dict[str, object] = {
            "key": key,
            "tool": call.name,
            "attempt": info.attempt,
            "workflow_id": info.workflow_id,
            "activity_id": info.activity_id,
            "retry": inp.retry,
            "requested_by": inp.requested_by,
        }
        try:
            result = await self.executor.execute(inp.caller, call, key)
        except Exception as err:
            failure = err.type if isinstance(err, ApplicationError) else type(err).__name__
            await audit_attempt(
                self.sessions,
                inp.caller,
                details | {"outcome": "error", "error": failure},
                severity="warning",
            )
            raise
        outcome = ("replayed" if result.replayed else "succeeded") if result.ok else "refused"
        await audit_attempt(
            self.sessions, inp.caller, details | {"outcome": outcome, "code": result.error_code}
        )
        return result

    @activity.defn(name="record_action_failure")
    async def record_failure(self, inp: RecordFailureInput) -> RecordFailureOutput:
        return await record_failure(self.sessions, inp)
