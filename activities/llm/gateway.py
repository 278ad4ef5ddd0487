"""The LLM gateway: budget, route, stream from the chain with fallback, and count the spend."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from core.llm_config import Budget, Deployment, offline_deployment
from core.llm_payloads import GenerateInput
from core.payloads import Citation
from store.llm_ledger import UsageLedger
from store.models import LlmCall

from .config_store import LlmConfigStore
from .errors import NON_RETRYABLE, LlmRejected, LlmUnavailable, ProviderFailure
from .health import HealthBoard
from .pricing import ModelCatalog, estimate_tokens
from .prompts import build_messages
from .providers import OfflineProvider, Usage
from .routing import BudgetState, RouteDecision, RouteRequest, route
from .wire import WireUsage

log = logging.getLogger("aurixa.llm")


class WireClient(Protocol):
    def stream(
        self, d: Deployment, messages: list[dict[str, str]]
    ) -> AsyncIterator[str | WireUsage]: ...


@dataclass
class GatewayRequest:
    tenant_id: int
    request_key: str  # the turn or API request; every call's ledger key derives from it
    inp: GenerateInput
    attempt: int = 1
    last_attempt: bool = False
    deployment: str | None = None  # the caller's explicit choice, if any
    # A request a provider refuses (content policy, invalid) is answered offline rather than
    # failing; the generate API turns this off to report the refusal.
    offline_on_reject: bool = True
    # What an external provider may see (PII replaced); applied once, only if one is called.
    redact: Callable[[GenerateInput], Awaitable[GenerateInput]] | None = None


@dataclass
class Delta:
    text: str


@dataclass
class Reset:
    """Text already streamed came from a call that failed: the client discards it."""

    deployment: str
    reason: str


@dataclass
class GatewayResult:
    deployment: str
    provider: str
    model: str
    tier: str
    reasoning: list[str]
    budget: BudgetState
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    usage_source: str = "provider"
    fallbacks: list[str] = field(default_factory=list)  # "deployment: failure kind"
    citations: list[Citation] = field(default_factory=list)
    refused: bool = False
    first_token_ms: float | None = None
    latency_ms: float = 0.0
    # Ledger writes still in flight; `LlmGateway.settle` awaits them.
    writes: list[asyncio.Future[bool]] = field(default_factory=list, repr=False)


GatewayEvent = Delta | Reset | GatewayResult


class LlmGateway:
    def __init__(
        self,
        config: LlmConfigStore,
        ledger: UsageLedger,
        client: WireClient,
        catalog: ModelCatalog,
        *,
        health: HealthBoard | None = None,
        max_retry_delay_s: float = 10.0,
    ) -> None:
        self.config = config
        self.ledger = ledger
        self.client = client
        self.catalog = catalog
        self.health = health or HealthBoard()
        self.max_retry_delay_s = max_retry_delay_s
        self.offline = OfflineProvider()

    async def plan(self, req: GatewayRequest) -> RouteDecision:
        return (await self._plan(req))[0]

    async def _plan(self, req: GatewayRequest) -> tuple[RouteDecision, list[dict[str, str]]]:
        """The decision, and the messages it was estimated from (reused when unredacted)."""
        cfg = await self.config.routing()
        budget: Budget = await self.config.budget(req.tenant_id)
        if budget.allowed_deployments is not None:
            # Automatic routing and fallback stay inside the clinic's allowed deployments.
            allowed = [d for d in cfg.deployments if budget.allows(d.name)]
            cfg = cfg.model_copy(update={"deployments": allowed})
        spent = 0.0
        if budget.monthly_usd is not None:
            spent = await self.ledger.month_spend(req.tenant_id)
        state = BudgetState(budget.monthly_usd, spent, budget.policy, budget.downgrade_to)
        messages = build_messages(req.inp)
        rr = RouteRequest(
            prompt=req.inp.prompt,
            prompt_tokens=sum(estimate_tokens(m["content"]) for m in messages),
            max_tokens=max((d.max_tokens for d in cfg.enabled()), default=512),
            intent=req.inp.intent or None,
            deployment=req.deployment,
        )
        # The offline responder joins the chain on the last attempt only: earlier attempts
        # leave room for Temporal's retries to reach a recovered provider.
        offline_last = cfg.offline_last_resort and req.last_attempt
        decision = route(rr, cfg, self.health, self.catalog, state, offline_last=offline_last)
        return decision, messages

    async def stream(self, req: GatewayRequest) -> AsyncIterator[GatewayEvent]:
        started = time.perf_counter()
        decision, plain = await self._plan(req)
        result = GatewayResult(
            "none", "none", "none", decision.tier, decision.reasoning, decision.budget
        )
        if decision.refused:
            result.refused = True
            self._record(req, "refused", result, status="refused")
            yield result
            return
        messages: list[dict[str, str]] | None = None
        min_context = 0
        tried: list[tuple[str, str]] = []
        for index, d in enumerate(decision.chain):
            if d.provider == "offline":
                async for event in self._offline(req, d, result, started):
                    yield event
                return
            wait = self.health.cooling(d.name)
            if wait > 0:
                result.fallbacks.append(f"{d.name}: cooling down {wait:.0f}s")
                tried.append((d.name, "cooling"))
                continue
            if self.catalog.context_window(d) < min_context:
                result.fallbacks.append(f"{d.name}: context window too small")
                continue
            if messages is None:
                messages = build_messages(await req.redact(req.inp)) if req.redact else plain
            emitted: list[str] = []
            call_start = time.perf_counter()
            first: float | None = None
            usage = WireUsage()
            try:
                async for item in self.client.stream(d, messages):
                    if isinstance(item, WireUsage):
                        usage = item
                        continue
                    if first is None:
                        first = (time.perf_counter() - call_start) * 1000
                    emitted.append(item)
                    yield Delta(item)
            except ProviderFailure as failure:
                elapsed = (time.perf_counter() - call_start) * 1000
                result.fallbacks.append(f"{d.name}: {failure.kind}")
                tried.append((d.name, failure.kind))
                log.warning(
                    "llm deployment failed",
                    extra={"deployment": d.name, "kind": failure.kind, "partial": bool(emitted)},
                )
                self._record_failure(req, result, index, d, messages, emitted, failure, elapsed)
                if emitted:
                    yield Reset(d.name, failure.kind)
                if failure.kind in NON_RETRYABLE:
                    if not req.offline_on_reject:
                        raise LlmRejected(failure.kind, failure.detail) from failure
                    result.reasoning.append(f"{failure.kind} at {d.name}: answered offline")
                    async for event in self._offline(req, offline_deployment(), result, started):
                        yield event
                    return
                if failure.kind == "context_overflow":
                    min_context = self.catalog.context_window(d) + 1
                    continue
                cfg = await self.config.routing()
                if failure.kind == "rate_limited":
                    wait = (
                        failure.retry_after if failure.retry_after is not None else cfg.cooldown_s
                    )
                    self.health.failure(d.name, failure.kind, wait)
                else:
                    after = cfg.cooldown_after_failures
                    self.health.failure(d.name, failure.kind, cfg.cooldown_s, after=after)
                continue
            latency = (time.perf_counter() - call_start) * 1000
            self.health.success(d.name, latency, first)
            text = "".join(emitted)
            self._fill(result, d, messages, text, usage)
            result.first_token_ms = first
            result.citations = [Citation(p.article_id, p.title) for p in req.inp.passages]
            self._record(req, f"{index}:{d.name}", result, latency_ms=latency)
            result.latency_ms = (time.perf_counter() - started) * 1000
            yield result
            return
        externals = [d.name for d in decision.chain if d.provider != "offline"]
        waits = [self.health.cooling(n) for n in externals]
        retry_after = min((w for w in waits if w > 0), default=None)
        if retry_after is not None:
            retry_after = min(retry_after, self.max_retry_delay_s)
        raise LlmUnavailable(tried, retry_after)

    async def _offline(
        self, req: GatewayRequest, d: Deployment, result: GatewayResult, started: float
    ) -> AsyncIterator[GatewayEvent]:
        first: float | None = None
        usage = Usage()
        async for item in self.offline.stream(req.inp):
            if isinstance(item, Usage):
                usage = item
                continue
            if first is None:
                first = (time.perf_counter() - started) * 1000
            yield Delta(item)
        result.deployment, result.provider, result.model = d.name, "offline", d.model
        result.prompt_tokens, result.completion_tokens = (
            usage.prompt_tokens,
            usage.completion_tokens,
        )
        result.cost_usd, result.usage_source = 0.0, "provider"
        result.citations, result.first_token_ms = usage.citations, first
        self._record(req, "offline", result)
        result.latency_ms = (time.perf_counter() - started) * 1000
        yield result

    def _fill(
        self,
        result: GatewayResult,
        d: Deployment,
        messages: list[dict[str, str]],
        text: str,
        usage: WireUsage,
    ) -> None:
        result.deployment, result.provider, result.model = d.name, d.provider, d.model
        if usage.prompt_tokens is not None and usage.completion_tokens is not None:
            result.prompt_tokens, result.completion_tokens = (
                usage.prompt_tokens,
                usage.completion_tokens,
            )
            result.usage_source = "provider"
        else:
            result.prompt_tokens = sum(estimate_tokens(m["content"]) for m in messages)
            result.completion_tokens = estimate_tokens(text)
            result.usage_source = "estimated"
        result.cost_usd = self.catalog.cost(d, result.prompt_tokens, result.completion_tokens)

    async def settle(self, result: GatewayResult) -> None:
        """Wait until every call this request made is in the ledger."""
        await asyncio.gather(*result.writes)

    def _record(
        self,
        req: GatewayRequest,
        slot: str,
        result: GatewayResult,
        *,
        status: str = "ok",
        latency_ms: float | None = None,
    ) -> None:
        result.writes.append(
            self.ledger.submit(
                LlmCall(
                    tenant_id=req.tenant_id,
                    call_key=f"{req.request_key}:{req.attempt}:{slot}",
                    request_key=req.request_key,
                    deployment=result.deployment,
                    provider=result.provider,
                    model=result.model,
                    status=status,
                    usage_source=result.usage_source,
                    prompt_tokens=result.prompt_tokens,
                    completion_tokens=result.completion_tokens,
                    cost_usd=result.cost_usd,
                    latency_ms=latency_ms,
                    first_token_ms=result.first_token_ms,
                )
            )
        )

    def _record_failure(
        self,
        req: GatewayRequest,
        result: GatewayResult,
        index: int,
        d: Deployment,
        messages: list[dict[str, str]],
        emitted: list[str],
        failure: ProviderFailure,
        elapsed_ms: float,
    ) -> None:
        # A stream cut mid-way was billed for what it sent; one refused up front was not.
        prompt = sum(estimate_tokens(m["content"]) for m in messages) if emitted else 0
        completion = estimate_tokens("".join(emitted))
        call = LlmCall(
            tenant_id=req.tenant_id,
            call_key=f"{req.request_key}:{req.attempt}:{index}:{d.name}",
            request_key=req.request_key,
            deployment=d.name,
            provider=d.provider,
            model=d.model,
            status="failed",
            usage_source="estimated",
            prompt_tokens=prompt,
            completion_tokens=completion,
            cost_usd=self.catalog.cost(d, prompt, completion),
            latency_ms=elapsed_ms,
            error_type=failure.kind,
        )
        result.writes.append(self.ledger.submit(call))
