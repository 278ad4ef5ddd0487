"""Persists a finished turn: conversation, transcript entry and pipeline steps, once per turn."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import select
from temporalio import activity

from core.payloads import PersistTurnInput, PersistTurnOutput
from store.models import AuditLog, Conversation, ConversationTurn, PipelineStep, utcnow


class PersistActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def _conversation(self, inp: PersistTurnInput) -> int:
        query = select(Conversation.id).where(
            Conversation.tenant_id == inp.caller.tenant_id,
            Conversation.session_id == inp.session_id,
        )
        try:
            async with self.sessions() as session, session.begin():
                found = await session.scalar(query)
                if found is not None:
                    return int(found)
                conv = Conversation(
                    tenant_id=inp.caller.tenant_id,
                    session_id=inp.session_id,
                    user_id=inp.caller.user_id,
                    patient_id=inp.caller.patient_id,
                    channel=inp.channel,
                )
                session.add(conv)
                await session.flush()
                return int(conv.id or 0)
        except IntegrityError:
            # Another turn of the same new session created it first.
            async with self.sessions() as session:
                return int(await session.scalar(query) or 0)

    @activity.defn(name="persist_turn")
    async def persist_turn(self, inp: PersistTurnInput) -> PersistTurnOutput:
        conv_id = await self._conversation(inp)
        try:
            async with self.sessions() as session, session.begin():
                exists = await session.scalar(
                    select(ConversationTurn.id).where(ConversationTurn.turn_id == inp.turn_id)
                )
                if exists is not None:
                    return PersistTurnOutput(conv_id, created=False)
                session.add(_turn_row(inp, conv_id))
                session.add_all(_step_rows(inp, conv_id))
                conv = await session.get(Conversation, conv_id)
                if conv is not None:
                    conv.updated_at = utcnow()
                if inp.requires_escalation:
                    session.add(_escalation_audit(inp))
        except IntegrityError:
            # A concurrent attempt of this same persist won the unique turn_id.
            return PersistTurnOutput(conv_id, created=False)
        return PersistTurnOutput(conv_id, created=True)


def _step_rows(inp: PersistTurnInput, conv_id: int) -> list[PipelineStep]:
    return [
        PipelineStep(
            tenant_id=inp.caller.tenant_id,
            conversation_id=conv_id,
            turn_id=inp.turn_id,
            step_name=step.name,
            status=step.status,
            input=step.input,
            output=step.output,
            error_message=step.error_message,
            start_time=step.start_time,
            end_time=step.end_time,
        )
        for step in inp.steps
    ]


def _turn_row(inp: PersistTurnInput, conv_id: int) -> ConversationTurn:
    return ConversationTurn(
        tenant_id=inp.caller.tenant_id,
        conversation_id=conv_id,
        turn_id=inp.turn_id,
        workflow_id=inp.workflow_id,
        prompt=inp.prompt,
        response=inp.response,
        intent=inp.intent,
        requires_escalation=inp.requires_escalation,
    )


def _escalation_audit(inp: PersistTurnInput) -> AuditLog:
    return AuditLog(
        tenant_id=inp.caller.tenant_id,
        service="safety",
        action="emergency_escalation",
        actor=f"user:{inp.caller.user_id}",
        details={
            "session_id": inp.session_id,
            "turn_id": inp.turn_id,
            "category": inp.escalation_category,
            "patient_id": inp.caller.patient_id,
        },
        severity="critical",
        request_id=inp.caller.request_id or None,
    )
