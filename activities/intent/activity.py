"""Temporal activity for intent classification, with the tenant's own intents applied."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import select
from temporalio import activity

from core.payloads import ClassifyInput, ClassifyOutput
from store.models import TenantIntent

from .catalog import IntentDef

if TYPE_CHECKING:
    from .engine import IntentEngine


def intent_from_row(row: TenantIntent) -> IntentDef:
    return IntentDef(
        name=row.name,
        path=row.path or "",
        description=row.description or "",
        examples=tuple(row.examples or ()),
        rules=tuple(row.rules or ()),
        priority=row.priority or 0,
    )


async def tenant_intents(
    sessions: async_sessionmaker[AsyncSession], tenant_id: int
) -> list[IntentDef]:
    async with sessions() as session:
        rows = await session.scalars(
            select(TenantIntent)
            .where(TenantIntent.tenant_id == tenant_id)
            .order_by(TenantIntent.name)
        )
        return [intent_from_row(r) for r in rows]


class IntentActivities:
    def __init__(self, engine: IntentEngine, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.engine = engine
        self.sessions = sessions

    @activity.defn(name="classify")
    async def classify(self, inp: ClassifyInput) -> ClassifyOutput:
        # Read on every call (one indexed query): an admin's change applies to the next turn.
        custom = await tenant_intents(self.sessions, inp.tenant_id)
        # Embedding and scoring are CPU work; keep them off the worker's event loop.
        return await asyncio.to_thread(self.engine.classify, inp.text, inp.tenant_id, custom)
