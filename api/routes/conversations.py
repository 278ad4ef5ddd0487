"""GET /api/v1/conversations/{session_id}: the transcript with each turn's pipeline steps."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated

from fastapi import APIRouter, Path
from sqlmodel import select

from api.access_log import record_read
from api.auth import PrincipalDep
from api.deps import StateDep
from api.schemas import SESSION_PATTERN, ConversationOut, StepOut, TurnOut
from core.errors import NotFound
from core.payloads import PATIENT_ROLE
from store.models import Conversation, ConversationTurn, PipelineStep

router = APIRouter(prefix="/api/v1/conversations", tags=["conversations"])


@router.get("/{session_id}", response_model=ConversationOut)
async def get_conversation(
    session_id: Annotated[str, Path(pattern=SESSION_PATTERN)],
    state: StateDep,
    who: PrincipalDep,
) -> ConversationOut:
    async with state.sessions() as session:
        conv = await session.scalar(
            select(Conversation).where(
                Conversation.tenant_id == who.tenant_id, Conversation.session_id == session_id
            )
        )
        # Another tenant's or another patient's conversation is indistinguishable from none.
        if conv is None or (who.role == PATIENT_ROLE and conv.patient_id != who.patient_id):
            raise NotFound("No such conversation.")
        turns = list(
            await session.scalars(
                select(ConversationTurn)
                .where(ConversationTurn.conversation_id == conv.id)
                .order_by(ConversationTurn.id)  # type: ignore[arg-type]
            )
        )
        steps = await session.scalars(
            select(PipelineStep)
            .where(PipelineStep.conversation_id == conv.id)
            .order_by(PipelineStep.id)  # type: ignore[arg-type]
        )
    by_turn: dict[str, list[StepOut]] = defaultdict(list)
    for s in steps:
        by_turn[s.turn_id].append(
            StepOut(
                name=s.step_name,
                status=s.status,
                input=s.input,
                output=s.output,
                error_message=s.error_message,
                start_time=s.start_time,
                end_time=s.end_time,
            )
        )
    await record_read(state, who, "conversation", [conv.patient_id], session_id=conv.session_id)
    return ConversationOut(
        session_id=conv.session_id,
        patient_id=conv.patient_id,
        channel=conv.channel,
        created_at=conv.created_at.isoformat(),
        updated_at=conv.updated_at.isoformat(),
        turns=[
            TurnOut(
                turn_id=t.turn_id,
                workflow_id=t.workflow_id,
                prompt=t.prompt,
                response=t.response,
                intent=t.intent,
                requires_escalation=t.requires_escalation,
                created_at=t.created_at.isoformat(),
                steps=by_turn[t.turn_id],
            )
            for t in turns
        ],
    )
