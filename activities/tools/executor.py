"""Runs one tool for a verified caller; side effects happen once per idempotency key."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta

from pydantic import TypeAdapter
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col, select
from temporalio.exceptions import ApplicationError

from activities.actions.ledger import attempt_context
from activities.actions.transient import (
    is_refused_input,
    is_transient,
    refused_input_failure,
    transient_failure,
)
from core.actions import ACTION_REJECTED, ACTION_TRANSIENT, FAILED, REJECTED, SUCCEEDED
from core.callbacks import callback_id
from core.payloads import (
    AppointmentInfo,
    Caller,
    InsuranceInfo,
    SlotInfo,
    ToolCall,
    ToolResult,
)
from core.texts import DEFAULT_LANGUAGE, say
from core.tool_registry import tool_spec
from store.models import (
    ActionExecution,
    Appointment,
    AuditLog,
    PatientInsurance,
    Site,
    Staff,
    Tenant,
    utcnow,
)
from store.timeutil import now_local, to_utc_naive, utc_naive_to_local

from .availability import free_slots, is_bookable_start
from .callback_tool import schedule_callback
from .errors import ToolRefused
from .handoff_tool import escalate_to_human, task_ref
from .knowledge_tool import KnowledgeSearch, search_knowledge_base
from .queries import upcoming_appointments
from .refill_tool import request_refill
from .when import part_window

_RESULT = TypeAdapter(ToolResult)


AfterCommit = Callable[[str, str], Awaitable[None]]


class ToolExecutor:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        after_commit: AfterCommit | None = None,
        before_write: AfterCommit | None = None,
        before_commit: AfterCommit | None = None,
        knowledge: KnowledgeSearch | None = None,
    ) -> None:
        self.sessions = sessions
        self.knowledge = knowledge
        # Test seam: lets a test crash the activity after its transaction committed, the
        # exact window in which a naive retry would book twice.
        self.after_commit = after_commit
        # Test seam: runs inside the effect's transaction before it writes; a test makes
        # attempts fail transiently with it, or holds racing attempts at the same point.
        self.before_write = before_write
        # Test seam: runs inside the effect's transaction after its statements reached the
        # database and before the commit; the fault bench cuts the connection there.
        self.before_commit = before_commit

    async def execute(self, caller: Caller, call: ToolCall, idempotency_key: str) -> ToolResult:
        # The registry decides what exists, who may run it and whether it writes; the
        # caller comes from credentials, so no planner can widen it.
        spec = tool_spec(call.name)
        if spec is None:
            key = "tool.unknown_tool"
            return ToolResult(
                call.name, False, say(DEFAULT_LANGUAGE, key), "unknown_tool", message_key=key
            )
        try:
            if not spec.allows(caller.role):
                raise ToolRefused("forbidden_role")
            if spec.needs_patient and caller.patient_id is None:
                raise ToolRefused("patient_required")
            if not spec.side_effect:
                async with self.sessions() as session:
                    return await getattr(self, f"_{call.name}")(session, caller, call)
            return await self._once(caller, call, idempotency_key)
        except ToolRefused as refused:
            if spec.side_effect:
                # Refusals are audited apart: the refused transaction rolled back.
                async with self.sessions() as session, session.begin():
                    details = {
                        "key": idempotency_key,
                        "code": refused.code,
                        **dataclasses.asdict(call.args),
                    }
                    session.add(_audit(caller, f"{call.name}_refused", details, "warning"))
            return ToolResult(
                call.name,
                False,
                refused.message,
                refused.code,
                message_key=refused.key,
                params=refused.params,
            )

    async def _once(self, caller: Caller, call: ToolCall, key: str) -> ToolResult:
        try:
            return await self._once_unguarded(caller, call, key)
        except (SQLAlchemyError, OSError, OverflowError, UnicodeEncodeError) as err:
            # A hiccup rolled the transaction back: Temporal retries the attempt with backoff.
            # Values the database can never store end the action at once, as `rejected`.
            # Anything else (a bug) propagates as it is and is retried too: the ledger makes
            # retries safe, and the attempts run out into an operator's failed list.
            if is_transient(err):
                raise transient_failure(err) from err
            if is_refused_input(err):
                raise refused_input_failure(err) from None
            raise

    async def _once_unguarded(self, caller: Caller, call: ToolCall, key: str) -> ToolResult:
        async with self.sessions() as session:
            prior = await _find_action(session, caller.tenant_id, key)
        if prior is not None and prior.status == SUCCEEDED:
            return _replayed(prior)
        if prior is not None and prior.status == REJECTED:
            raise ToolRefused(ACTION_REJECTED)  # the same key carries the same refused values
        if prior is not None and prior.status != FAILED:
            raise ToolRefused("action_abandoned")
        attempt, workflow_id = attempt_context()
        try:
            async with self.sessions() as session, session.begin():
                if self.before_write is not None:
                    await self.before_write(call.name, key)
                # A failed row is claimed before the effect: a racing run that claims it
                # second sees it `succeeded` (its update waits on the first's row lock).
                if prior is not None and not await _claim_failed(session, prior.id or 0):
                    raise _LostClaim
                result: ToolResult = await self._side_effect(session, caller, call, key)
                stored = _RESULT.dump_python(result, mode="json")
                if prior is None:
                    session.add(
                        ActionExecution(
                            tenant_id=caller.tenant_id,
                            idempotency_key=key,
                            action=call.name,
                            patient_id=caller.patient_id,
                            user_id=caller.user_id,
                            role=caller.role,
                            params=dataclasses.asdict(call.args),
                            result=stored,
                            attempts=attempt,
                            workflow_id=workflow_id or None,
                        )
                    )
                else:
                    # The operator's retry (or a late replay) completes the failed row itself.
                    await session.execute(
                        update(ActionExecution)
                        .where(col(ActionExecution.id) == prior.id)
                        .values(
                            result=stored,
                            error=None,
                            attempts=prior.attempts + attempt,
                            workflow_id=workflow_id or prior.workflow_id,
                        )
                    )
                session.add(_audit(caller, call.name, {"key": key, "ok": result.ok}))
                if self.before_commit is not None:
                    await session.flush()
                    await self.before_commit(call.name, key)
        except (IntegrityError, _LostClaim) as clash:
            # Either a racing attempt recorded this key first (replay its result) or the
            # slot was taken in between (a business refusal).
            async with self.sessions() as session:
                latest = await _find_action(session, caller.tenant_id, key)
            if latest is not None and latest.status == SUCCEEDED:
                return _replayed(latest)
            if latest is not None and latest.status != FAILED:
                raise ToolRefused("action_abandoned") from None
            if latest is not None and (prior is None or isinstance(clash, _LostClaim)):
                # A failure was recorded while this attempt ran: the next attempt claims it.
                raise ApplicationError(
                    "the action's ledger row changed", type=ACTION_TRANSIENT
                ) from None
            raise ToolRefused("slot_taken") from None
        if self.after_commit is not None:
            await self.after_commit(call.name, key)
        return result

    async def _side_effect(
        self, session: AsyncSession, caller: Caller, call: ToolCall, key: str
    ) -> ToolResult:
        if call.name == "schedule_callback":
            # Named by the key: a retried turn finds the same callback and the same workflow.
            tz = await _tenant_tz(session, caller.tenant_id)
            return await schedule_callback(
                session, caller, call, tz, callback_id(caller.tenant_id, key)
            )
        if call.name == "request_prescription_refill":
            return await request_refill(session, caller, call, task_ref(caller.tenant_id, key))
        if call.name == "escalate_to_human":
            return await escalate_to_human(session, caller, call, task_ref(caller.tenant_id, key))
        result: ToolResult = await getattr(self, f"_{call.name}")(session, caller, call)
        return result

    # ---- read-only tools ---------------------------------------------------------------

    async def _get_appointments(
        self, session: AsyncSession, caller: Caller, call: ToolCall
    ) -> ToolResult:
        tz = await _tenant_tz(session, caller.tenant_id)
        rows = await upcoming_appointments(session, caller.tenant_id, caller.patient_id, limit=10)
        infos = [await _appt_info(session, a, tz) for a in rows]
        msg = f"{len(infos)} upcoming appointment(s)."
        return ToolResult("get_appointments", True, msg, appointments=infos)

    async def _get_clinic_contact(
        self, session: AsyncSession, caller: Caller, call: ToolCall
    ) -> ToolResult:
        sites = list(
            await session.scalars(
                select(Site).where(Site.tenant_id == caller.tenant_id).order_by(col(Site.id))
            )
        )
        numbers = "; ".join(f"{s.name}: {s.phone}" for s in sites if s.phone)
        if not numbers:
            key = "tool.contact_none"
            return ToolResult(
                "get_clinic_contact", True, say(DEFAULT_LANGUAGE, key), message_key=key
            )
        params = {"numbers": numbers}
        return ToolResult(
            "get_clinic_contact",
            True,
            say(DEFAULT_LANGUAGE, "tool.contact", **params),
            message_key="tool.contact",
            params=params,
        )

    async def _get_availability(
        self, session: AsyncSession, caller: Caller, call: ToolCall
    ) -> ToolResult:
        tz = await _tenant_tz(session, caller.tenant_id)
        query = select(Staff).where(Staff.tenant_id == caller.tenant_id, Staff.is_provider)
        if call.args.staff_id is not None:
            query = query.where(Staff.id == call.args.staff_id)
        if call.args.staff_ids:
            query = query.where(col(Staff.id).in_(call.args.staff_ids))
        if call.args.site_id is not None:
            query = query.where(Staff.site_id == call.args.site_id)
        providers = list(await session.scalars(query.order_by(col(Staff.id))))
        if not providers:
            raise ToolRefused("provider_not_found")
        now = now_local(tz)
        first = date.fromisoformat(call.args.day_local) if call.args.day_local else now.date()
        span = min(max(call.args.span_days, 1), 31) if call.args.day_local else 14
        days = [first + timedelta(days=i) for i in range(span)]
        window = part_window(call.args.part_of_day) if call.args.part_of_day else None
        not_before = now + timedelta(hours=1)
        if call.args.after_local:
            # "anything later?": strictly after the last time already offered.
            after = datetime.fromisoformat(call.args.after_local)
            after = after if after.tzinfo else after.replace(tzinfo=now.tzinfo)
            not_before = max(not_before, after + timedelta(minutes=1))
        slots: list[SlotInfo] = []
        for staff in providers:
            booked = await _booked_local(session, staff, tz)
            site = await session.get(Site, staff.site_id) if staff.site_id else None
            starts = free_slots(staff, days, booked, tz=tz, not_before=not_before, limit=200)
            if window is not None:
                starts = [s for s in starts if window[0] <= s.time() < window[1]]
            for start in starts[:4]:
                slots.append(
                    SlotInfo(
                        staff.id or 0, staff.full_name, site.name if site else "", start.isoformat()
                    )
                )
        slots.sort(key=lambda s: s.start_local)
        return ToolResult("get_availability", True, f"{len(slots)} open slot(s).", slots=slots[:8])

    async def _search_knowledge_base(
        self, session: AsyncSession, caller: Caller, call: ToolCall
    ) -> ToolResult:
        return await search_knowledge_base(self.knowledge, caller, call)

    async def _check_insurance(
        self, session: AsyncSession, caller: Caller, call: ToolCall
    ) -> ToolResult:
        rows = await session.scalars(
            select(PatientInsurance).where(
                PatientInsurance.tenant_id == caller.tenant_id,
                PatientInsurance.patient_id == caller.patient_id,
            )
        )
        infos = [
            InsuranceInfo(
                plan_name=r.plan_name,
                payer=r.payer,
                member_id_last4=(r.member_id or "")[-4:],
                copay=r.copay,
                status=r.status,
                valid_until=r.valid_until.isoformat() if r.valid_until else None,
            )
            for r in rows
        ]
        if not infos:
            return ToolResult("check_insurance", True, "No insurance on file.")
        return ToolResult("check_insurance", True, "Insurance on file.", insurance=infos)

    # ---- side-effecting tools (called inside _once's transaction) ----------------------

    async def _create_appointment(
        self, session: AsyncSession, caller: Caller, call: ToolCall
    ) -> ToolResult:
        tz = await _tenant_tz(session, caller.tenant_id)
        staff = await session.get(Staff, call.args.staff_id) if call.args.staff_id else None
        if staff is None or staff.tenant_id != caller.tenant_id or not staff.is_provider:
            raise ToolRefused("provider_not_found")
        ask = "tool.time_required"
        begin = _bookable_start(staff, call.args.start_local, tz, ask)
        appt = Appointment(
            tenant_id=caller.tenant_id,
            patient_id=caller.patient_id or 0,
            staff_id=staff.id or 0,
            site_id=staff.site_id,
            provider_name=staff.full_name,
            start_time=begin,
            end_time=begin + timedelta(minutes=staff.slot_minutes),
            reason=call.args.reason,
        )
        session.add(appt)
        await session.flush()
        info = await _appt_info(session, appt, tz)
        return ToolResult("create_appointment", True, "Booked.", appointments=[info])

    async def _cancel_appointment(
        self, session: AsyncSession, caller: Caller, call: ToolCall
    ) -> ToolResult:
        tz = await _tenant_tz(session, caller.tenant_id)
        appt = await _own_appointment(session, caller, call.args.appointment_id)
        if appt.status == "cancelled":
            raise ToolRefused("already_cancelled")
        appt.status = "cancelled"
        appt.updated_at = utcnow()
        info = await _appt_info(session, appt, tz)
        return ToolResult("cancel_appointment", True, "Cancelled.", appointments=[info])

    async def _reschedule_appointment(
        self, session: AsyncSession, caller: Caller, call: ToolCall
    ) -> ToolResult:
        tz = await _tenant_tz(session, caller.tenant_id)
        appt = await _own_appointment(session, caller, call.args.appointment_id)
        if appt.status != "confirmed":
            raise ToolRefused("not_confirmed")
        staff = await session.get(Staff, appt.staff_id)
        if staff is None:
            raise ToolRefused("provider_not_found")
        ask = "tool.time_required_move"
        # Moved in place: the partial unique index on (provider, start) still refuses a
        # slot someone else holds, and the appointment keeps its id and history.
        appt.start_time = _bookable_start(staff, call.args.start_local, tz, ask)
        appt.end_time = appt.start_time + timedelta(minutes=staff.slot_minutes)
        appt.updated_at = utcnow()
        await session.flush()
        info = await _appt_info(session, appt, tz)
        return ToolResult("reschedule_appointment", True, "Moved.", appointments=[info])


async def _own_appointment(
    session: AsyncSession, caller: Caller, appointment_id: int | None
) -> Appointment:
    appt = await session.get(Appointment, appointment_id or 0)
    # Another patient's or tenant's appointment looks exactly like a missing one.
    if appt is None or appt.tenant_id != caller.tenant_id or appt.patient_id != caller.patient_id:
        raise ToolRefused("appointment_not_found")
    return appt


def _bookable_start(staff: Staff, start_local: str | None, tz: str, ask: str) -> datetime:
    """The requested start as naive UTC, if it is a future slot of the provider's hours."""
    if not start_local:
        raise ToolRefused("time_required", key=ask)
    start = datetime.fromisoformat(start_local)
    start = start if start.tzinfo else utc_naive_to_local(to_utc_naive(start, tz), tz)
    if start <= now_local(tz):
        raise ToolRefused("in_the_past")
    if not is_bookable_start(staff, start, tz):
        raise ToolRefused("outside_hours", provider=staff.full_name)
    return to_utc_naive(start, tz)


async def _find_action(session: AsyncSession, tenant_id: int, key: str) -> ActionExecution | None:
    return await session.scalar(
        select(ActionExecution).where(
            ActionExecution.tenant_id == tenant_id, ActionExecution.idempotency_key == key
        )
    )


class _LostClaim(Exception):
    """Another run completed (or closed) the failed ledger row first."""


async def _claim_failed(session: AsyncSession, action_id: int) -> bool:
    claimed = await session.execute(
        update(ActionExecution)
        .where(col(ActionExecution.id) == action_id, col(ActionExecution.status) == FAILED)
        .values(status=SUCCEEDED, updated_at=utcnow())
    )
    return bool(getattr(claimed, "rowcount", 0))


def _replayed(action: ActionExecution) -> ToolResult:
    result = _RESULT.validate_python(action.result or {})
    result.replayed = True
    return result


async def _tenant_tz(session: AsyncSession, tenant_id: int) -> str:
    tenant = await session.get(Tenant, tenant_id)
    return tenant.timezone if tenant else "UTC"


async def _booked_local(session: AsyncSession, staff: Staff, tz: str) -> set[datetime]:
    rows = await session.scalars(
        select(Appointment.start_time).where(
            Appointment.staff_id == staff.id,
            Appointment.status != "cancelled",
            Appointment.start_time >= utcnow(),
        )
    )
    return {utc_naive_to_local(r, tz) for r in rows}


async def _appt_info(session: AsyncSession, appt: Appointment, tz: str) -> AppointmentInfo:
    site = await session.get(Site, appt.site_id) if appt.site_id else None
    return AppointmentInfo(
        id=appt.id or 0,
        provider_name=appt.provider_name,
        site_name=site.name if site else "",
        start_local=utc_naive_to_local(appt.start_time, tz).isoformat(),
        end_local=utc_naive_to_local(appt.end_time, tz).isoformat(),
        reason=appt.reason,
        status=appt.status,
    )


def _audit(
    caller: Caller, action: str, details: dict[str, object], severity: str = "info"
) -> AuditLog:
    return AuditLog(
        tenant_id=caller.tenant_id,
        service="tools",
        action=action,
        actor=f"user:{caller.user_id}",
        details={**details, "patient_id": caller.patient_id},
        severity=severity,
        request_id=caller.request_id or None,
    )
