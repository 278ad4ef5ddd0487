"""Temporal activity for intent classification, with the tenant's own intents applied."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import select
from temporalio import activity

from core.intent_catalog import IntentDef
from core.payloads import ClassifyInput, ClassifyOutput
from store.models import AuditLog, TenantIntent

if TYPE_CHECKING:
    from .engine import IntentEngine

log = logging.getLogger("aurixa.intent")


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
        out = await asyncio.to_thread(self.engine.classify, inp.text, inp.tenant_id, custom)
        await self._audit_unfit()
        return out

    async def _audit_unfit(self) -> None:
        """A clinic whose stored intents cannot fit runs on the built-in ones; its admins
        find out from their audit log (once per change of the set, per worker), not from
        replies that ignore their intents without a word."""
        unfit = self.engine.take_unfit()
        if not unfit:
            return
        try:
            async with self.sessions() as session, session.begin():
                for tenant_id, key, error in unfit:
                    session.add(
                        AuditLog(
                            tenant_id=tenant_id,
                            service="intents",
                            action="tenant_intents_unfit",
                            actor="system:worker",
                            details={
                                "fingerprint": key[:16],
                                "error": error,
                                "using": "built-in intents",
                            },
                            severity="error",
                        )
                    )
        except SQLAlchemyError as err:  # the turn's classification stands either way
            log.warning("could not audit unfit intents", extra={"exc_type": type(err).__name__})
