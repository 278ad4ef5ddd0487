"""The schedule_callback tool: a patient asks the clinic to phone them at a time they name."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.callbacks import MAX_AHEAD, CallbackInput, as_utc
from core.payloads import CallbackInfo, Caller, ToolCall, ToolResult
from store.callback_rows import callback_row
from store.timeutil import now_local, to_utc_naive, utc_naive_to_local

from .errors import ToolRefused

REASON_CHARS = 200


async def schedule_callback(
    session: AsyncSession, caller: Caller, call: ToolCall, tz: str, callback_id: str
) -> ToolResult:
    """Writes the callbacks row inside the tool's ledger transaction; the turn's workflow then
    starts the callback's own workflow, which keeps the row (insert-or-keep by id)."""
    if not call.args.start_local:
        raise ToolRefused("time_required", key="ask.callback_time")
    local = datetime.fromisoformat(call.args.start_local)
    due = to_utc_naive(local, tz)  # a naive time is the clinic's wall clock
    now = now_local(tz)
    if utc_naive_to_local(due, tz) <= now:
        raise ToolRefused("in_the_past", key="tool.callback_in_the_past")
    if utc_naive_to_local(due, tz) > now + MAX_AHEAD:
        raise ToolRefused("too_far_ahead")
    inp = CallbackInput(
        callback_id,
        caller.tenant_id,
        caller.patient_id or 0,
        as_utc(due),
        (call.args.reason or "")[:REASON_CHARS],
        requested_by=caller.user_id,
        source="chat",
    )
    session.add(callback_row(inp))
    info = CallbackInfo(callback_id, utc_naive_to_local(due, tz).isoformat(), inp.reason)
    return ToolResult("schedule_callback", True, "Callback scheduled.", callback=info)
