"""The gateway against a scripted provider and the real database: fallback, resets, cooldowns,
budgets, spend recorded once, hot-swapped routing."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col, delete, select

from activities.llm.config_store import LlmConfigStore
from activities.llm.errors import FailureKind, LlmRejected, LlmUnavailable, ProviderFailure
from activities.llm.gateway import (
    Delta,
    GatewayEvent,
    GatewayRequest,
    GatewayResult,
    LlmGateway,
    Reset,
)
from activities.llm.pricing import ModelCatalog
from activities.llm.wire import WireUsage
from core.llm_config import BUDGET_KEY, ROUTING_KEY, Budget, Deployment, RoutingConfig
from core.llm_payloads import GenerateInput
from core.retrieval_payloads import Passage
from core.settings import Settings
from store.db import make_engine, make_session_factory
from store.llm_ledger import UsageLedger
from store.models import LlmCall, PlatformConfig

Sessions = async_sessionmaker[AsyncSession]
TENANT = 2  # Riverside: the API tests' budgets live on Harborview


@dataclass
class Step:
    kind: FailureKind | None = None  # None: answer
    after_chunks: int = 0
    retry_after: float | None = None
    usage: bool = True


class ScriptedWire:
    """Answers "<deployment> says hello world" in three chunks unless a step says fail."""

    def __init__(self) -> None:
        self.script: dict[str, list[Step]] = {}
        self.calls: list[str] = []
        self.messages: list[list[dict[str, str]]] = []

    def plan(self, name: str, *steps: Step) -> None:
        self.script.setdefault(name, []).extend(steps)

    async def stream(
        self, d: Deployment, messages: list[dict[str, str]]
    ) -> AsyncIterator[str | WireUsage]:
        self.calls.append(d.name)
        self.messages.append(messages)
        steps = self.script.get(d.name) or []
        step = steps.pop(0) if steps else Step()
        chunks = [f"{d.name} ", "says ", "hello world."]
        for i, chunk in enumerate(chunks):
            if step.kind is not None and i == step.after_chunks:
                raise ProviderFailure(step.kind, "scripted", step.retry_after)
            yield chunk
        yield WireUsage(100, 3) if step.usage else WireUsage()


def dep(name: str, provider: str, tier: str = "fast", **kw: object) -> Deployment:
    return Deployment.model_validate(
        {
            "name": name,
            "provider": provider,
            "model": f"{name}-m",
            "tier": tier,
            "input_cost_per_mtok": 1.0,
            "output_cost_per_mtok": 2.0,
            "context_window": 16_000,
            **kw,
        }
    )


@pytest.fixture(scope="module")
async def sessions(
    settings: Settings, demo_keys: dict[str, str]
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(settings.effective_database_url)
    yield make_session_factory(engine)
    await engine.dispose()


def gateway(
    sessions: async_sessionmaker[AsyncSession], *deps: Deployment, budget: Budget | None = None
) -> tuple[LlmGateway, ScriptedWire]:
    wire = ScriptedWire()
    store = LlmConfigStore(sessions, RoutingConfig(deployments=list(deps)), budget or Budget())
    gw = LlmGateway(store, UsageLedger(sessions, cache_s=0), wire, ModelCatalog())
    return gw, wire


def request(**kw: object) -> GatewayRequest:
    inp = GenerateInput(
        TENANT,
        "What are the opening hours?",
        "knowledge_question",
        "knowledge",
        passages=[Passage(7, "Opening Hours", "Opening Hours\nWe open at 8:00 AM daily.", 1.0)],
    )
    return GatewayRequest(TENANT, uuid.uuid4().hex, inp, **kw)  # type: ignore[arg-type]


async def run(gw: LlmGateway, req: GatewayRequest) -> tuple[list[GatewayEvent], GatewayResult]:
    events = [e async for e in gw.stream(req)]
    result = events[-1]
    assert isinstance(result, GatewayResult)
    await gw.settle(result)
    return events, result


def visible_text(events: list[GatewayEvent]) -> str:
    """What a client shows: deltas, with everything before a reset discarded."""
    text = ""
    for e in events:
        if isinstance(e, Reset):
            text = ""
        elif isinstance(e, Delta):
            text += e.text
    return text


async def rows(sessions: async_sessionmaker[AsyncSession], key: str) -> list[LlmCall]:
    async with sessions() as s:
        found = await s.scalars(
            select(LlmCall).where(col(LlmCall.request_key) == key).order_by(col(LlmCall.id))
        )
        return list(found)


async def test_primary_answers_and_its_spend_is_recorded_once(sessions: Sessions) -> None:
    gw, wire = gateway(sessions, dep("a", "openai"), dep("b", "anthropic"))
    req = request()
    events, result = await run(gw, req)
    assert visible_text(events) == "a says hello world."
    assert (result.deployment, result.prompt_tokens, result.completion_tokens) == ("a", 100, 3)
    assert result.cost_usd == pytest.approx(100 * 1e-6 + 3 * 2e-6)
    recorded = await rows(sessions, req.request_key)
    assert [(r.deployment, r.status, r.usage_source) for r in recorded] == [("a", "ok", "provider")]
    assert recorded[0].cost_usd == pytest.approx(result.cost_usd)
    assert wire.calls == ["a"]


async def test_failure_before_any_text_falls_back_without_a_reset(sessions: Sessions) -> None:
    gw, wire = gateway(sessions, dep("a", "openai"), dep("b", "anthropic"))
    wire.plan("a", Step("unavailable"))
    req = request()
    events, result = await run(gw, req)
    assert not any(isinstance(e, Reset) for e in events)
    assert result.deployment == "b" and result.fallbacks == ["a: unavailable"]
    recorded = await rows(sessions, req.request_key)
    assert [(r.deployment, r.status, r.cost_usd) for r in recorded] == [
        ("a", "failed", 0.0),
        ("b", "ok", pytest.approx(result.cost_usd)),
    ]


async def test_cut_mid_stream_resets_and_finishes_on_the_fallback(sessions: Sessions) -> None:
    gw, wire = gateway(sessions, dep("a", "openai"), dep("b", "gemini"))
    wire.plan("a", Step("unavailable", after_chunks=2))
    req = request()
    events, result = await run(gw, req)
    resets = [e for e in events if isinstance(e, Reset)]
    assert len(resets) == 1 and resets[0].deployment == "a"
    assert visible_text(events) == "b says hello world."
    assert result.deployment == "b"
    failed, ok = await rows(sessions, req.request_key)
    # The cut stream was billed for what it sent: estimated, and kept apart from the answer.
    assert failed.status == "failed" and failed.usage_source == "estimated"
    assert failed.completion_tokens > 0 and failed.cost_usd > 0
    assert ok.status == "ok" and ok.usage_source == "provider"


async def test_rate_limit_cools_the_deployment_for_retry_after(sessions: Sessions) -> None:
    gw, wire = gateway(sessions, dep("a", "openai"), dep("b", "anthropic"))
    wire.plan("a", Step("rate_limited", retry_after=120))
    await run(gw, request())
    assert 119 < gw.health.cooling("a") <= 120
    _, result = await run(gw, request())
    assert wire.calls == ["a", "b", "b"]  # the second request never knocked on a's door
    assert result.deployment == "b"


async def test_all_down_raises_for_temporal_then_offline_answers_last(sessions: Sessions) -> None:
    gw, wire = gateway(sessions, dep("a", "openai"), dep("b", "anthropic"))
    wire.plan("a", Step("rate_limited", retry_after=3), Step("unavailable"))
    wire.plan("b", Step("timeout"), Step("timeout"))
    with pytest.raises(LlmUnavailable) as err:
        await run(gw, request())
    assert err.value.retry_after == pytest.approx(3, abs=0.5)
    gw.health.reset()
    events, result = await run(gw, request(attempt=3, last_attempt=True))
    assert result.deployment == "offline" and result.provider == "offline"
    assert "8:00 AM" in visible_text(events)
    assert [c.title for c in result.citations] == ["Opening Hours"]


async def test_content_policy_is_not_retried_elsewhere(sessions: Sessions) -> None:
    gw, wire = gateway(sessions, dep("a", "openai"), dep("b", "anthropic"))
    wire.plan("a", Step("content_policy"), Step("content_policy"))
    _, result = await run(gw, request())
    assert wire.calls == ["a"] and result.deployment == "offline"
    assert any("content_policy at a" in r for r in result.reasoning)
    with pytest.raises(LlmRejected):
        await run(gw, request(offline_on_reject=False))
    assert wire.calls == ["a", "a"]


async def test_context_overflow_moves_to_a_larger_window(sessions: Sessions) -> None:
    gw, wire = gateway(
        sessions,
        dep("small", "openai", context_window=8000),
        dep("small2", "anthropic", context_window=8000),
        dep("big", "gemini", tier="premium", context_window=1_000_000),
    )
    wire.plan("small", Step("context_overflow"))
    _, result = await run(gw, request())
    assert wire.calls == ["small", "big"]
    assert result.fallbacks == ["small: context_overflow", "small2: context window too small"]


async def test_missing_usage_is_estimated(sessions: Sessions) -> None:
    gw, wire = gateway(sessions, dep("a", "openai"))
    wire.plan("a", Step(usage=False))
    req = request()
    _, result = await run(gw, req)
    assert result.usage_source == "estimated" and result.completion_tokens == 5
    assert (await rows(sessions, req.request_key))[0].usage_source == "estimated"


async def _budget(sessions: async_sessionmaker[AsyncSession], budget: Budget | None) -> None:
    async with sessions() as s:
        await s.execute(
            delete(PlatformConfig).where(
                col(PlatformConfig.tenant_id) == TENANT, col(PlatformConfig.key) == BUDGET_KEY
            )
        )
        if budget is not None:
            s.add(PlatformConfig(tenant_id=TENANT, key=BUDGET_KEY, value=budget.model_dump_json()))
        await s.commit()


async def test_budget_refuse_and_downgrade_apply_before_the_call(sessions: Sessions) -> None:
    cheap = dep("cheap", "openai", input_cost_per_mtok=0.1, output_cost_per_mtok=0.1)
    dear = dep("dear", "anthropic", tier="premium")
    gw, wire = gateway(sessions, cheap, dear)
    gw.config.ttl_s = 0
    spent = await gw.ledger.month_spend(TENANT)
    try:
        await _budget(sessions, Budget(monthly_usd=spent, policy="refuse"))
        req = request()
        _, result = await run(gw, req)
        assert result.refused and result.budget.action == "refused" and wire.calls == []
        assert [r.status for r in await rows(sessions, req.request_key)] == ["refused"]
        await _budget(sessions, Budget(monthly_usd=spent, policy="downgrade"))
        _, result = await run(gw, request(deployment="dear"))
        assert result.budget.action == "downgraded" and result.deployment == "cheap"
        assert any("policy downgrade -> cheap" in r for r in result.reasoning)
    finally:
        await _budget(sessions, None)


async def test_routing_stored_by_an_admin_applies_without_restart(sessions: Sessions) -> None:
    gw, wire = gateway(sessions, dep("a", "openai"))
    gw.config.ttl_s = 0
    swapped = RoutingConfig(deployments=[dep("z", "openai_compatible")])
    async with sessions() as s:
        s.add(PlatformConfig(tenant_id=None, key=ROUTING_KEY, value=swapped.model_dump_json()))
        await s.commit()
    try:
        _, result = await run(gw, request())
        assert result.deployment == "z" and wire.calls == ["z"]
    finally:
        async with sessions() as s:
            await s.execute(delete(PlatformConfig).where(col(PlatformConfig.key) == ROUTING_KEY))
            await s.commit()
    _, result = await run(gw, request())
    assert result.deployment == "a"


async def test_redaction_runs_once_and_only_for_external_calls(sessions: Sessions) -> None:
    gw, wire = gateway(sessions, dep("a", "openai"), dep("b", "anthropic"))
    wire.plan("a", Step("unavailable"))
    seen: list[str] = []

    async def redact(inp: GenerateInput) -> GenerateInput:
        seen.append(inp.prompt)
        inp = GenerateInput(**{**vars(inp), "prompt": "[REDACTED]"})
        return inp

    await run(gw, request(redact=redact))
    assert len(seen) == 1
    assert all(m[-1]["content"] == "[REDACTED]" for m in wire.messages)
