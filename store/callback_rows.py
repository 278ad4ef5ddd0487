"""Building and inserting callbacks rows, shared by the workflow, the chat tool and the API."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.callbacks import CallbackInput, naive_utc
from store.models import Callback


def callback_row(inp: CallbackInput) -> Callback:
    return Callback(
        id=inp.callback_id,
        tenant_id=inp.tenant_id,
        patient_id=inp.patient_id,
        requested_by=inp.requested_by,
        source=inp.source,
        reason=inp.reason,
        due_at=naive_utc(inp.due_at),
    )


async def insert_or_keep(sessions: async_sessionmaker[AsyncSession], inp: CallbackInput) -> bool:
    """Inserts the row unless one with this id exists (never overwrites: the workflow may
    already have moved, cancelled or fired it); returns True when it inserted."""
    async with sessions() as session:
        session.add(callback_row(inp))
        try:
            await session.commit()
        except IntegrityError:
            return False
    return True
