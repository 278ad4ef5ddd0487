"""The spend ledger: one llm_calls row per provider call, and a tenant's month-to-date spend."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
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
    show up within `cache_s`.

    Writes are batched: `submit` queues a row and returns a future, one transaction writes
    whatever queued meanwhile. The reply's last token does not wait for a commit (an fsync
    on SQLite), and the generate activity awaits the futures before it completes, so a
    finished activity's spend is always on disk."""

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
        self._queue: list[tuple[LlmCall, asyncio.Future[bool]]] = []
        self._writer: asyncio.Task[None] | None = None

    def submit(self, call: LlmCall) -> asyncio.Future[bool]:
        """Queue a row; the future says whether it was new (False: already recorded)."""
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._queue.append((call, done))
        cached = self._spend.get(call.tenant_id)
        if cached is not None:
            read_at, month, spent = cached
            self._spend[call.tenant_id] = (read_at, month, spent + call.cost_usd)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())
        return done

    async def record(self, call: LlmCall) -> bool:
        return await self.submit(call)

    async def _write(self) -> None:
        while self._queue:
            batch, self._queue = self._queue, []
            try:
                async with self.sessions() as session:
                    new = [await self._insert(session, call) for call, _ in batch]
                    await session.commit()
            except Exception as exc:  # every waiter learns of the failure; none hangs
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
                continue
            for (_, done), inserted in zip(batch, new, strict=True):
                if not done.done():
                    done.set_result(inserted)

    @staticmethod
    async def _insert(session: AsyncSession, call: LlmCall) -> bool:
        # Insert-or-keep by (tenant, call_key) inside the batch's one transaction.
        dialect = session.get_bind().dialect.name
        insert: Any = postgresql.insert if dialect == "postgresql" else sqlite.insert
        row = {k: v for k, v in call.model_dump().items() if k != "id"}
        stmt = (
            insert(LlmCall)
            .values(**row)
            .on_conflict_do_nothing(index_elements=["tenant_id", "call_key"])
        )
        result: Any = await session.execute(stmt)
        return bool(result.rowcount)

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
