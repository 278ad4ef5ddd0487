"""The request_prescription_refill tool: refills left, intervals, controlled drugs to review."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from core.payloads import Caller, RefillInfo, ToolCall, ToolResult
from core.texts import DEFAULT_LANGUAGE, say
from store.models import Prescription, utcnow

from .errors import ToolRefused
from .handoff_tool import REVIEW_RECIPIENTS, add_staff_task

TOOL = "request_prescription_refill"
# Refills are not re-requested inside this window: the pharmacy is already working on one.
REFILL_MIN_INTERVAL = timedelta(days=2)
# A supply filled this recently cannot be running out yet; an early refill is a clinician's call.
MIN_SINCE_LAST_FILL = timedelta(days=7)


async def request_refill(
    session: AsyncSession, caller: Caller, call: ToolCall, ref: str
) -> ToolResult:
    rx = await session.get(Prescription, call.args.prescription_id or 0)
    if rx is None or rx.tenant_id != caller.tenant_id or rx.patient_id != caller.patient_id:
        raise ToolRefused("prescription_not_found")
    now = utcnow()
    if rx.refill_requested_at and now - rx.refill_requested_at < REFILL_MIN_INTERVAL:
        raise ToolRefused("already_requested", medication=rx.medication_name)
    if rx.controlled:
        # Not refused: routed. A clinician reviews every controlled refill, so the request
        # becomes their task; the result stays not-ok because nothing was refilled.
        title = f"Review refill of prescription #{rx.id} for patient #{caller.patient_id}"
        handoff = await add_staff_task(
            session, caller, "refill_review", ref, title, REVIEW_RECIPIENTS
        )
        rx.refill_requested_at = rx.updated_at = now
        params = {"medication": rx.medication_name}
        message = say(DEFAULT_LANGUAGE, "tool.needs_review", **params)
        info = RefillInfo(
            rx.id or 0, rx.medication_name, "needs_review", rx.refills_remaining, message
        )
        return ToolResult(
            TOOL,
            False,
            message,
            "needs_review",
            refill=info,
            handoff=handoff,
            message_key="tool.needs_review",
            params=params,
        )
    if rx.refills_remaining <= 0:
        raise ToolRefused("no_refills", medication=rx.medication_name)
    if rx.last_filled_at and now - rx.last_filled_at < MIN_SINCE_LAST_FILL:
        raise ToolRefused("too_soon", medication=rx.medication_name, days=MIN_SINCE_LAST_FILL.days)
    rx.refills_remaining -= 1
    rx.refill_requested_at = now
    rx.updated_at = now
    info = RefillInfo(
        rx.id or 0,
        rx.medication_name,
        "requested",
        rx.refills_remaining,
        "Refill requested; allow 2 business days.",
    )
    return ToolResult(TOOL, True, "Refill requested.", refill=info)
