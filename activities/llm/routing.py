"""Routing: which deployment answers a request, which ones stand behind it, and why."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.llm_config import OFFLINE, TIERS, Deployment, RoutingConfig, Tier, offline_deployment

from .health import HealthBoard
from .pricing import ModelCatalog

# Cues of a request that needs reasoning rather than recall; each adds to its complexity.
_REASONING = re.compile(
    r"\b(?:why|explain|compare|difference between|pros and cons|trade-?offs?|evaluate|"
    r"analy[sz]e|should i|which is better|interpret|plan)\b",
    re.I,
)


@dataclass
class RouteRequest:
    prompt: str
    prompt_tokens: int  # the whole prompt the model would see, estimated
    max_tokens: int = 512
    intent: str | None = None
    deployment: str | None = None  # a caller's explicit choice
    needs_tools: bool = False


@dataclass
class BudgetState:
    limit_usd: float | None = None
    spent_usd: float = 0.0
    policy: str = "downgrade"
    downgrade_to: str | None = None
    projected_usd: float = 0.0
    action: str = "none"  # none | downgraded | refused


@dataclass
class RouteDecision:
    tier: Tier
    chain: list[Deployment]
    reasoning: list[str]
    budget: BudgetState
    estimated_cost_usd: float = 0.0
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def refused(self) -> bool:
        return self.budget.action == "refused"


def complexity(req: RouteRequest, cfg: RoutingConfig) -> tuple[int, str]:
    score, why = 0, []
    if req.prompt_tokens > cfg.complex_prompt_tokens:
        score += 2
        why.append(f"~{req.prompt_tokens} prompt tokens")
    cues = {m.group(0).lower() for m in _REASONING.finditer(req.prompt)}
    if cues:
        score += min(2, len(cues))
        why.append("reasoning cues " + ", ".join(sorted(cues)))
    if req.prompt.count("?") >= 2:
        score += 1
        why.append("several questions")
    return score, "; ".join(why) or "short, no reasoning cues"


def pick_tier(req: RouteRequest, cfg: RoutingConfig) -> tuple[Tier, str]:
    for rule in cfg.keyword_rules:
        m = re.search(rule.pattern, req.prompt, re.I)
        if m:
            return rule.tier, f"keyword '{m.group(0)}' -> {rule.tier}"
    if req.intent and req.intent in cfg.intent_tiers:
        tier = cfg.intent_tiers[req.intent]
        return tier, f"intent {req.intent} -> {tier}"
    score, why = complexity(req, cfg)
    picked: Tier = "fast" if score == 0 else "standard" if score <= 2 else "premium"
    return picked, f"complexity {score} ({why}) -> {picked}"


def _order(
    pool: list[Deployment], tier: Tier, health: HealthBoard, primary: Deployment | None = None
) -> list[Deployment]:
    def key(d: Deployment) -> tuple[bool, bool, int, float]:
        h = health.get(d.name)
        return (
            health.cooling(d.name) > 0,  # healthy first
            primary is not None and d.provider == primary.provider,  # fall back across providers
            abs(TIERS.index(d.tier) - TIERS.index(tier)),
            h.latency_ms if h.latency_ms is not None else 0.0,  # unknown: try it, then learn
        )

    return sorted(pool, key=key)


def route(
    req: RouteRequest,
    cfg: RoutingConfig,
    health: HealthBoard,
    catalog: ModelCatalog,
    budget: BudgetState,
    *,
    offline_last: bool,
) -> RouteDecision:
    reasoning: list[str] = []
    skipped: dict[str, str] = {}
    offline = offline_deployment()
    pool = [
        d
        for d in cfg.enabled()
        if d.name != OFFLINE and not (req.needs_tools and not d.supports_tools)
    ]
    need = req.prompt_tokens + req.max_tokens
    fits = []
    for d in pool:
        window = catalog.context_window(d)
        if window < need:
            skipped[d.name] = f"context {window} < {need} tokens needed"
        else:
            fits.append(d)
    if skipped:
        reasoning.append("skipped " + "; ".join(f"{k}: {v}" for k, v in skipped.items()))
    pinned = next((d for d in fits if d.name == req.deployment), None)
    if req.deployment == OFFLINE or not fits:
        why = "requested" if req.deployment == OFFLINE else "no model deployment fits"
        if not pool and req.deployment != OFFLINE:
            why = "no model deployments configured"
        reasoning.append(f"{why}: offline grounded responder")
        return RouteDecision("fast", [offline], reasoning, budget, 0.0, skipped)
    if pinned is not None:
        tier: Tier = pinned.tier
        reasoning.append(f"deployment {pinned.name} requested")
    else:
        tier, why = pick_tier(req, cfg)
        reasoning.append(why)
        if req.deployment:
            reasoning.append(f"requested deployment {req.deployment} is not available")
    chain = _order(fits, tier, health)
    if pinned is not None:
        chain.remove(pinned)
        chain.insert(0, pinned)
    primary = chain[0]
    chain = [primary, *_order(chain[1:], tier, health, primary)]
    if primary.tier != tier:
        reasoning.append(f"no {tier} deployment available; closest is {primary.tier}")
    h = health.get(primary.name)
    if len(fits) > 1 and h.latency_ms is not None:
        reasoning.append(f"{primary.name}: healthy, {h.latency_ms:.0f} ms average")
    cooling = [d.name for d in chain if health.cooling(d.name) > 0]
    if cooling:
        reasoning.append("cooling down (tried last): " + ", ".join(cooling))
    estimate = catalog.cost(primary, req.prompt_tokens, req.max_tokens)
    decision = RouteDecision(tier, chain, reasoning, budget, estimate, skipped)
    _apply_budget(decision, catalog, req)
    if offline_last and decision.chain and decision.chain[-1].name != OFFLINE:
        decision.chain.append(offline)
    reasoning.append("chain: " + " -> ".join(d.name for d in decision.chain))
    return decision


def _apply_budget(decision: RouteDecision, catalog: ModelCatalog, req: RouteRequest) -> None:
    b = decision.budget
    b.projected_usd = b.spent_usd + decision.estimated_cost_usd
    if b.limit_usd is None or b.projected_usd <= b.limit_usd:
        if b.limit_usd is not None:
            decision.reasoning.append(
                f"budget: ${b.spent_usd:.4f} of ${b.limit_usd:.2f} spent this month"
            )
        return
    over = (
        f"budget: ${b.spent_usd:.4f} of ${b.limit_usd:.2f} spent, "
        f"this call would reach ${b.projected_usd:.4f}"
    )
    if b.policy == "refuse":
        b.action = "refused"
        decision.chain = []
        decision.reasoning.append(f"{over}; policy refuse: no model is called")
        return
    primary_price = _unit_price(catalog, decision.chain[0])
    cheaper = [d for d in decision.chain if _unit_price(catalog, d) < primary_price]
    target = next((d for d in decision.chain if d.name == b.downgrade_to), None)
    if b.downgrade_to == OFFLINE or (target is None and not cheaper):
        target = offline_deployment()
    elif target is None:
        target = min(cheaper, key=lambda d: _unit_price(catalog, d))
    b.action = "downgraded"
    limit = _unit_price(catalog, target)
    decision.chain = [
        target,
        *(d for d in decision.chain if d is not target and _unit_price(catalog, d) <= limit),
    ]
    decision.estimated_cost_usd = catalog.cost(target, req.prompt_tokens, req.max_tokens)
    decision.reasoning.append(f"{over}; policy downgrade -> {target.name}")


def _unit_price(catalog: ModelCatalog, d: Deployment) -> float:
    p = catalog.price(d)
    return p.input_per_token + p.output_per_token
