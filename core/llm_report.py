"""What a generate step reports: the model that answered, why, what it cost, the budget."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from core.llm_payloads import GenerateOutput


def generate_report(reply: GenerateOutput) -> dict[str, Any]:
    return {
        "provider": reply.provider,
        "model": reply.model,
        "deployment": reply.deployment,
        "tier": reply.tier,
        "prompt_tokens": reply.prompt_tokens,
        "completion_tokens": reply.completion_tokens,
        "cost_usd": reply.cost_usd,
        "usage_source": reply.usage_source,
        "reasoning": reply.reasoning,
        "fallbacks": reply.fallbacks,
        "budget": asdict(reply.budget) if reply.budget else None,
        "refused": reply.refused,
        "first_token_ms": reply.first_token_ms,
    }
