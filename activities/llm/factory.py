"""Builds the gateway from settings: deployments, budgets, LiteLLM (imported only if needed)."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import AsyncIterator, Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.llm_config import LEGACY_KEY_ENV, Budget, Deployment, settings_routing
from core.settings import Settings
from store.llm_ledger import UsageLedger

from .config_store import LlmConfigStore
from .gateway import LlmGateway
from .pricing import ModelCatalog
from .wire import LiteLlmClient, WireUsage


class LiteLlm:
    """LiteLLM, imported on first need: the import takes seconds and ~170 MB, which an
    offline worker never pays. A deployment added at run time triggers it then."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._module: Any = None
        self._client: LiteLlmClient | None = None
        self._lock = threading.Lock()

    def load(self) -> LiteLlmClient:
        with self._lock:
            if self._client is None:
                # Otherwise LiteLLM fetches its price list from the network at import.
                os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
                import litellm

                litellm.suppress_debug_info = True  # it prints banners on unknown models
                self._module = litellm
                self._client = LiteLlmClient(litellm, self.key_for)
            return self._client

    def key_for(self, d: Deployment) -> str | None:
        secret = self._settings.llm_api_key
        if d.api_key_env == LEGACY_KEY_ENV and secret is not None:
            return secret.get_secret_value()
        return d.api_key()

    def model_cost(self) -> Mapping[str, Mapping[str, Any]]:
        return self._module.model_cost if self._module is not None else {}

    async def stream(
        self, d: Deployment, messages: list[dict[str, str]]
    ) -> AsyncIterator[str | WireUsage]:
        client = self._client if self._client is not None else await asyncio.to_thread(self.load)
        async for item in client.stream(d, messages):
            yield item


def build_gateway(settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> LlmGateway:
    base = settings_routing(settings)
    runtime = LiteLlm(settings)
    if base.enabled():
        runtime.load()  # configured at start: pay the import now, not on the first turn
    store = LlmConfigStore(
        sessions,
        base,
        Budget(
            monthly_usd=settings.llm_monthly_budget_usd,
            policy=settings.llm_budget_policy,
            downgrade_to=settings.llm_budget_downgrade_to,
        ),
        ttl_s=settings.llm_config_ttl_s,
    )
    ledger = UsageLedger(sessions, cache_s=settings.llm_spend_cache_s)
    return LlmGateway(
        store,
        ledger,
        runtime,
        ModelCatalog(runtime.model_cost),
        max_retry_delay_s=settings.llm_max_retry_delay_s,
    )
