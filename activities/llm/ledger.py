"""The spend ledger: one llm_calls row per provider call, and a tenant's month-to-date spend."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from store.models import LlmCall


def month_start(now: datetime) -> datetime:
    """Budgets run per calendar month in UTC (naive, like every stored timestamp)."""
    return now.astimezone(UTC).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0, tzinfo=None
    )


class UsageLedger:
    """Spend is read once per `cache_s` per tenant and this worker's own calls are added as
    they happen, so the budget check costs no query on the hot path; other workers' calls
    show up within `cache_s`."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        cache_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.sessions = sessions
        self.cache_s = cache_s
        self._clock = clock
        self._spend: dict[int, tuple[float, datetime, float]] = {}

    async def record(self, call: LlmCall) -> bool:
        """Insert-or-keep by (tenant, call_key); False when the call was already recorded."""
        async with self.sessions() as session:
            session.add(call)
            try:
                await session.commit()
            except IntegrityError:
                return False
        cached = self._spend.get(call.tenant_id)
        if cached is not None:
            read_at, month, spent = cached
            self._spend[call.tenant_id] = (read_at, month, spent + call.cost_usd)
        return True

    async def month_spend(self, tenant_id: int, now: datetime | None = None) -> float:
        start = month_start(now or datetime.now(UTC))
        cached = self._spend.get(tenant_id)
        if cached is not None and cached[1] == start and self._clock() - cached[0] < self.cache_s:
            return cached[2]
        async with self.sessions() as session:
            total = await session.scalar(
                select(func.coalesce(func.sum(LlmCall.cost_usd), 0.0)).where(
                    col(LlmCall.tenant_id) == tenant_id, col(LlmCall.created_at) >= start
                )
            )
        spent = float(total or 0.0)
        self._spend[tenant_id] = (self._clock(), start, spent)
        return spent

    def forget(self) -> None:
        self._spend.clear()
