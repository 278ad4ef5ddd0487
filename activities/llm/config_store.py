"""Routing and budgets as the gateway sees them: settings, overridden by platform_config rows
that an admin changes at run time; re-read every `ttl_s`, so no worker needs a restart."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col, select

from core.llm_config import BUDGET_KEY, ROUTING_KEY, Budget, RoutingConfig
from store.models import PlatformConfig

log = logging.getLogger("aurixa.llm")


class LlmConfigStore:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        base: RoutingConfig,
        default_budget: Budget,
        *,
        ttl_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.sessions = sessions
        self.base = base
        self.default_budget = default_budget
        self.ttl_s = ttl_s
        self._clock = clock
        self._routing: tuple[float, RoutingConfig] | None = None
        self._budgets: dict[int, tuple[float, Budget]] = {}

    def _fresh(self, read_at: float) -> bool:
        return self._clock() - read_at < self.ttl_s

    async def _row(self, tenant_id: int | None, key: str) -> str | None:
        async with self.sessions() as session:
            row = await session.scalar(
                select(PlatformConfig.value).where(
                    col(PlatformConfig.key) == key,
                    col(PlatformConfig.tenant_id).is_(None)
                    if tenant_id is None
                    else col(PlatformConfig.tenant_id) == tenant_id,
                )
            )
        return row

    async def routing(self) -> RoutingConfig:
        if self._routing is not None and self._fresh(self._routing[0]):
            return self._routing[1]
        raw = await self._row(None, ROUTING_KEY)
        config = self.base
        if raw is not None:
            try:
                config = RoutingConfig.model_validate_json(raw)
            except ValidationError:
                # The admin API validates before it writes; a hand-edited row must not stop
                # every turn, so the settings' deployments answer instead.
                log.error(
                    "stored llm routing is invalid; using settings", extra={"key": ROUTING_KEY}
                )
        self._routing = (self._clock(), config)
        return config

    async def budget(self, tenant_id: int) -> Budget:
        cached = self._budgets.get(tenant_id)
        if cached is not None and self._fresh(cached[0]):
            return cached[1]
        raw = await self._row(tenant_id, BUDGET_KEY)
        budget = self.default_budget
        if raw is not None:
            try:
                budget = Budget.model_validate_json(raw)
            except ValidationError:
                log.error(
                    "stored llm budget is invalid; using settings", extra={"tenant_id": tenant_id}
                )
        self._budgets[tenant_id] = (self._clock(), budget)
        return budget

    def invalidate(self) -> None:
        self._routing = None
        self._budgets.clear()
