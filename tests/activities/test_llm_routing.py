"""Routing decisions: tier by keyword, intent and complexity; order by health; budgets."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from activities.llm.errors import retry_after_of
from activities.llm.health import HealthBoard
from activities.llm.pricing import ModelCatalog, estimate_tokens
from activities.llm.routing import BudgetState, RouteDecision, RouteRequest, route
from core.llm_config import Deployment, RoutingConfig


def dep(name: str, provider: str, tier: str, price: float, **kw: object) -> Deployment:
    return Deployment.model_validate(
        {
            "name": name,
            "provider": provider,
            "model": f"{name}-model",
            "tier": tier,
            "input_cost_per_mtok": price,
            "output_cost_per_mtok": price * 4,
            "context_window": 16_000,
            **kw,
        }
    )


CFG = RoutingConfig(
    deployments=[
        dep("mini", "openai", "fast", 0.15),
        dep("haiku", "anthropic", "fast", 0.8),
        dep("sonnet", "anthropic", "standard", 3.0),
        dep("gpt4o", "openai", "premium", 5.0, context_window=128_000),
        dep("flash", "gemini", "fast", 0.1, enabled=False),
    ]
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def decide(
    prompt: str,
    *,
    intent: str | None = None,
    health: HealthBoard | None = None,
    budget: BudgetState | None = None,
    tokens: int | None = None,
    deployment: str | None = None,
    offline_last: bool = False,
    cfg: RoutingConfig = CFG,
) -> RouteDecision:
    req = RouteRequest(
        prompt, tokens or estimate_tokens(prompt), 256, intent=intent, deployment=deployment
    )
    return route(
        req,
        cfg,
        health or HealthBoard(),
        ModelCatalog(),
        budget or BudgetState(),
        offline_last=offline_last,
    )


def test_seed_keywords_pick_fast_and_premium() -> None:
    quick = decide("Give me a quick summary of the parking rules")
    assert quick.tier == "fast" and quick.chain[0].tier == "fast"
    assert any("keyword 'quick' -> fast" in r for r in quick.reasoning)
    deep = decide("I need a deep analysis of my lab results over the year")
    assert deep.tier == "premium" and deep.chain[0].name == "gpt4o"
    assert any("deep analysis" in r for r in deep.reasoning)


def test_intent_from_the_classifier_routes_formulaic_turns_cheaply() -> None:
    d = decide("When are you open on Saturday?", intent="knowledge_question")
    assert d.tier == "fast" and d.chain[0].name == "mini"  # cheapest unknown-latency fast one
    assert "intent knowledge_question -> fast" in d.reasoning


def test_complexity_sends_reasoning_to_premium_and_chatter_to_fast() -> None:
    simple = decide("hello there")
    assert simple.tier == "fast"
    hard = decide(
        "Why does my insurance deny this claim, and should I switch plans? What is the difference "
        "between them?"
    )
    assert hard.tier == "premium"
    assert any(r.startswith("complexity") for r in hard.reasoning)


def test_disabled_deployments_never_route() -> None:
    assert all(d.name != "flash" for d in decide("quick question").chain)


def test_latency_orders_healthy_deployments_within_a_tier() -> None:
    health = HealthBoard()
    health.success("mini", 900.0, 300.0)
    health.success("haiku", 120.0, 40.0)
    d = decide("quick one", health=health)
    assert [x.name for x in d.chain[:2]] == ["haiku", "mini"]
    assert any("haiku: healthy, 120 ms" in r for r in d.reasoning)


def test_fallbacks_prefer_another_provider_and_cooling_ones_go_last() -> None:
    clock = Clock()
    health = HealthBoard(clock)
    health.success("mini", 100.0, 10.0)
    health.success("haiku", 200.0, 10.0)
    d = decide("quick one", health=health)
    # mini is openai: the next in line is the other provider's fast model, not another openai.
    assert [x.name for x in d.chain] == ["mini", "haiku", "sonnet", "gpt4o"]
    health.failure("mini", "rate_limited", 20.0)
    d = decide("quick one", health=health)
    assert d.chain[0].name == "haiku" and d.chain[-1].name == "mini"
    assert any("cooling down" in r and "mini" in r for r in d.reasoning)
    clock.now += 21
    assert decide("quick one", health=health).chain[0].name == "mini"


def test_a_deployment_cools_down_only_after_repeated_failures() -> None:
    health = HealthBoard(Clock())
    health.failure("mini", "unavailable", 30.0, after=2)
    assert health.cooling("mini") == 0
    health.failure("mini", "unavailable", 30.0, after=2)
    assert health.cooling("mini") == pytest.approx(30.0)


def test_context_window_filters_small_models() -> None:
    d = decide("summarise this record", tokens=40_000)
    assert [x.name for x in d.chain] == ["gpt4o"]
    assert set(d.skipped) == {"mini", "haiku", "sonnet"}
    huge = decide("summarise", tokens=500_000)
    assert [x.name for x in huge.chain] == ["offline"]


def test_explicit_deployment_leads_the_chain() -> None:
    d = decide("quick one", deployment="sonnet")
    assert d.chain[0].name == "sonnet" and "deployment sonnet requested" in d.reasoning
    assert decide("quick", deployment="offline").chain[0].name == "offline"


def test_no_deployments_means_the_offline_responder() -> None:
    d = decide("What are your hours?", cfg=RoutingConfig())
    assert [x.name for x in d.chain] == ["offline"]
    assert "no model deployments configured: offline grounded responder" in d.reasoning


def test_offline_joins_the_end_of_the_chain_on_request() -> None:
    assert decide("quick", offline_last=True).chain[-1].name == "offline"


def test_budget_downgrade_moves_to_the_cheapest_model() -> None:
    budget = BudgetState(limit_usd=1.0, spent_usd=0.9999, policy="downgrade")
    d = decide("deep analysis please", budget=budget)
    assert d.budget.action == "downgraded"
    assert d.chain[0].name == "mini"
    # Nothing pricier than the downgrade target stays in the chain.
    assert all(x.name in {"mini"} for x in d.chain)
    assert any("policy downgrade -> mini" in r for r in d.reasoning)


def test_budget_downgrade_to_offline_and_refuse() -> None:
    off = decide(
        "deep analysis",
        budget=BudgetState(limit_usd=0.0, spent_usd=0.0, downgrade_to="offline"),
    )
    assert off.budget.action == "downgraded" and off.chain[0].name == "offline"
    refused = decide("deep analysis", budget=BudgetState(limit_usd=0.0, policy="refuse"))
    assert refused.refused and refused.chain == []
    assert any("policy refuse" in r for r in refused.reasoning)


def test_within_budget_reports_spend() -> None:
    d = decide("quick", budget=BudgetState(limit_usd=50.0, spent_usd=1.5))
    assert d.budget.action == "none"
    assert any("$1.5000 of $50.00" in r for r in d.reasoning)


def test_retry_after_is_read_from_headers_in_seconds_ms_or_a_date() -> None:
    def exc(headers: dict[str, str]) -> Exception:
        e = Exception()
        e.response = SimpleNamespace(headers=headers)  # type: ignore[attr-defined]
        return e

    assert retry_after_of(exc({"retry-after": "7"})) == 7.0
    assert retry_after_of(exc({"retry-after-ms": "1500"})) == 1.5
    assert retry_after_of(exc({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"})) == 0.0
    assert retry_after_of(exc({"retry-after": "soon"})) is None
    assert retry_after_of(Exception()) is None


def test_config_rejects_bad_deployments() -> None:
    with pytest.raises(ValueError):
        RoutingConfig(deployments=[dep("a", "openai", "fast", 1), dep("a", "openai", "fast", 1)])
    with pytest.raises(ValueError):
        Deployment(name="x", provider="openai", model="m", api_base="ftp://nope")
    with pytest.raises(ValueError):
        Deployment(name="x", provider="openai", model="m", api_key_env="sk-live-123")
