"""Function calling through the gateway: one non-streaming request to a tools-capable
deployment, with the gateway's keys, health board, budget and spend ledger."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from core.llm_config import Deployment
from store.models import LlmCall

from .errors import ProviderFailure, classify
from .factory import LiteLlm
from .gateway import LlmGateway
from .pricing import estimate_tokens

log = logging.getLogger("aurixa.llm")

# Planning runs inside a database-policy activity (15 s): the model gets less than that, so
# a slow provider ends in the deterministic planner, not in an activity timeout.
PLAN_TIMEOUT_S = 8.0


@dataclass
class ProposedCall:
    name: str
    arguments: str  # the JSON text exactly as the model sent it; the registry validates it


@dataclass
class ToolCallRequest:
    tenant_id: int
    request_key: str  # the turn; the ledger's call key derives from it
    messages: list[dict[str, Any]]
    tools: list[dict[str, Any]]  # OpenAI function declarations
    attempt: int = 1
    # Tells apart several planning calls of one turn (one per clause) in the ledger's keys.
    slot: str = "plan"


@dataclass
class ToolCallReply:
    deployment: str
    calls: list[ProposedCall] = field(default_factory=list)
    text: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    usage_source: str = "provider"  # provider | estimated


class ToolCalling:
    def __init__(self, gateway: LlmGateway, *, timeout_cap_s: float = PLAN_TIMEOUT_S) -> None:
        self.gateway = gateway
        self.timeout_cap_s = timeout_cap_s
        # Only LiteLLM speaks function calling here; a gateway built on another wire client
        # (a test double) plans deterministically.
        self._runtime = gateway.client if isinstance(gateway.client, LiteLlm) else None

    async def deployment(self, tenant_id: int) -> Deployment | None:
        """The first enabled, tools-capable, healthy deployment, if the tenant has budget."""
        if self._runtime is None:
            return None
        cfg = await self.gateway.config.routing()
        budget = await self.gateway.config.budget(tenant_id)
        # Over budget, nothing is spent on planning: the rules plan for free.
        limit = budget.monthly_usd
        if limit is not None and await self.gateway.ledger.month_spend(tenant_id) >= limit:
            return None
        for d in cfg.enabled():
            if (
                d.supports_tools
                and d.provider != "offline"
                and not self.gateway.health.cooling(d.name)
            ):
                return d
        return None

    async def propose(self, req: ToolCallRequest, d: Deployment) -> ToolCallReply:
        """The model's tool calls; raises ProviderFailure, after recording it, on any failure."""
        assert self._runtime is not None
        started = time.perf_counter()
        try:
            reply = await self._call(req, d)
        except ProviderFailure as failure:
            elapsed = (time.perf_counter() - started) * 1000
            cfg = await self.gateway.config.routing()
            after = 1 if failure.kind == "rate_limited" else cfg.cooldown_after_failures
            wait = failure.retry_after if failure.retry_after is not None else cfg.cooldown_s
            self.gateway.health.failure(d.name, failure.kind, wait, after=after)
            await self._record(req, d, "failed", 0, 0, elapsed, "estimated", failure.kind)
            raise
        latency = (time.perf_counter() - started) * 1000
        self.gateway.health.success(d.name, latency, None)
        await self._record(
            req, d, "ok", reply.prompt_tokens, reply.completion_tokens, latency, reply.usage_source
        )
        return reply

    async def _call(self, req: ToolCallRequest, d: Deployment) -> ToolCallReply:
        assert self._runtime is not None
        client = await asyncio.to_thread(self._runtime.load)
        litellm = client._litellm
        timeout = min(d.timeout_s, self.timeout_cap_s)
        try:
            async with asyncio.timeout(timeout):
                response = await litellm.acompletion(
                    model=client.model_string(d),
                    api_base=d.api_base,
                    api_key=self._runtime.key_for(d) or "not-needed",
                    messages=req.messages,
                    tools=req.tools,
                    tool_choice="auto",
                    stream=False,
                    max_retries=0,  # Temporal owns retries; a failure falls back to rules
                    num_retries=0,
                    timeout=timeout,
                    max_tokens=d.max_tokens,
                    # This LiteLLM routes any request with tools through its MCP gateway,
                    # which imports the `mcp` package we do not ship; ours are plain functions.
                    _skip_mcp_handler=True,
                )
        except Exception as exc:  # every provider error becomes a typed failure, by class
            raise classify(exc, litellm) from exc
        try:
            return self._read(response, req, d)
        except (AttributeError, TypeError, ValueError) as exc:
            raise ProviderFailure("malformed", type(exc).__name__) from exc

    def _read(self, response: Any, req: ToolCallRequest, d: Deployment) -> ToolCallReply:
        choices = getattr(response, "choices", None) or []
        if not choices:
            raise ProviderFailure("malformed", "no choices in the reply")
        if choices[0].finish_reason == "content_filter":
            raise ProviderFailure("content_policy", "the provider filtered the reply")
        message = choices[0].message
        calls = [
            ProposedCall(str(tc.function.name), str(tc.function.arguments or ""))
            for tc in (getattr(message, "tool_calls", None) or [])
        ]
        text = str(getattr(message, "content", None) or "")
        reply = ToolCallReply(d.name, calls, text)
        usage = getattr(response, "usage", None)
        if usage is not None and (usage.prompt_tokens or usage.completion_tokens):
            reply.prompt_tokens = int(usage.prompt_tokens or 0)
            reply.completion_tokens = int(usage.completion_tokens or 0)
        else:
            said = text + "".join(c.name + c.arguments for c in calls)
            reply.prompt_tokens = sum(estimate_tokens(str(m.get("content"))) for m in req.messages)
            reply.completion_tokens = estimate_tokens(said)
            reply.usage_source = "estimated"
        reply.cost_usd = self.gateway.catalog.cost(d, reply.prompt_tokens, reply.completion_tokens)
        return reply

    async def _record(
        self,
        req: ToolCallRequest,
        d: Deployment,
        status: str,
        prompt_tokens: int,
        completion_tokens: int,
        latency_ms: float,
        usage_source: str,
        error_type: str | None = None,
    ) -> None:
        call = LlmCall(
            tenant_id=req.tenant_id,
            call_key=f"{req.request_key}:{req.slot}:{req.attempt}:{d.name}",
            request_key=req.request_key,
            deployment=d.name,
            provider=d.provider,
            model=d.model,
            status=status,
            usage_source=usage_source,
            streamed=False,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            cost_usd=self.gateway.catalog.cost(d, prompt_tokens, completion_tokens),
            latency_ms=latency_ms,
            error_type=error_type,
        )
        # Awaited: the planning activity completes only once its spend is on disk.
        await self.gateway.ledger.submit(call)
