"""LLM deployments, routing rules and budgets: validated configuration the gateway routes by."""

from __future__ import annotations

import json
import os
import re
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

if TYPE_CHECKING:
    from core.settings import Settings

ProviderKind = Literal["offline", "openai", "anthropic", "gemini", "openai_compatible"]
# Cheapest to dearest. Routing picks a tier, then a deployment inside it.
Tier = Literal["fast", "standard", "premium"]
TIERS: tuple[Tier, ...] = ("fast", "standard", "premium")
OFFLINE = "offline"
ROUTING_KEY = "llm_routing"
BUDGET_KEY = "llm_budget"


class Deployment(BaseModel):
    """One model at one provider. The API key is never stored here: `api_key_env` names the
    environment variable (a secret on every worker) that holds it."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]{0,62}$")
    provider: ProviderKind
    model: str = Field(min_length=1, max_length=200)
    api_base: str | None = None
    api_key_env: str | None = Field(default=None, pattern=r"^[A-Z_][A-Z0-9_]{0,127}$")
    tier: Tier = "standard"
    # None: LiteLLM's bundled model map, else a conservative 8k.
    context_window: int | None = Field(default=None, ge=256)
    input_cost_per_mtok: float | None = Field(default=None, ge=0)
    output_cost_per_mtok: float | None = Field(default=None, ge=0)
    supports_tools: bool = False
    timeout_s: float = Field(default=30.0, gt=0, le=300)
    max_tokens: int = Field(default=512, ge=1, le=32_000)
    enabled: bool = True

    @field_validator("api_base")
    @classmethod
    def _http_only(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://", value):
            raise ValueError("api_base must be an http(s) URL")
        return value.rstrip("/") if value else value

    def api_key(self) -> str | None:
        return os.environ.get(self.api_key_env) if self.api_key_env else None


class KeywordRule(BaseModel):
    """The seed's keyword routing: a pattern in the prompt picks a tier."""

    pattern: str = Field(min_length=1, max_length=200)
    tier: Tier

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        # re.error is not a ValueError: unconverted, pydantic would let it escape as a crash.
        try:
            re.compile(value)
        except re.error as err:
            raise ValueError(f"invalid regular expression: {err}") from err
        return value


DEFAULT_KEYWORDS = [
    KeywordRule(pattern=r"\b(?:quick(?:ly)?|summar(?:y|ise|ize)|tl;?dr|briefly)\b", tier="fast"),
    KeywordRule(
        pattern=r"\b(?:deep analysis|analy[sz]e in depth|in[- ]depth|step by step|compare)\b",
        tier="premium",
    ),
]
# Intents from the classify step whose answers are short and formulaic.
DEFAULT_INTENT_TIERS: dict[str, Tier] = {
    "greeting": "fast",
    "knowledge_question": "fast",
    "list_appointments": "fast",
    "availability": "fast",
    "book_appointment": "fast",
    "cancel_appointment": "fast",
    "reschedule_appointment": "fast",
    "insurance": "standard",
    "prescription_refill": "standard",
    "human_handoff": "standard",
}


class RoutingConfig(BaseModel):
    deployments: list[Deployment] = Field(default_factory=list, max_length=50)
    keyword_rules: list[KeywordRule] = Field(default_factory=lambda: list(DEFAULT_KEYWORDS))
    intent_tiers: dict[str, Tier] = Field(default_factory=lambda: dict(DEFAULT_INTENT_TIERS))
    # Estimated prompt tokens above which a request counts as complex (premium).
    complex_prompt_tokens: int = Field(default=1500, ge=1)
    # Seconds a failing deployment sits out (a 429's Retry-After overrides it), once it has
    # failed this many times in a row; a 429 cools it at once. One stray 500 does not bench
    # a deployment: the next attempt may try it again.
    cooldown_s: float = Field(default=30.0, ge=0, le=3600)
    cooldown_after_failures: int = Field(default=2, ge=1, le=100)
    # When every deployment has failed on the last attempt, answer with the offline responder.
    offline_last_resort: bool = True

    @model_validator(mode="after")
    def _unique_names(self) -> RoutingConfig:
        names = [d.name for d in self.deployments]
        if len(names) != len(set(names)):
            raise ValueError("deployment names must be unique")
        if OFFLINE in names and next(d for d in self.deployments if d.name == OFFLINE).provider != (
            "offline"
        ):
            raise ValueError("the name 'offline' is reserved for the offline responder")
        return self

    def enabled(self) -> list[Deployment]:
        return [d for d in self.deployments if d.enabled]


class Budget(BaseModel):
    """A tenant's monthly LLM budget. Over budget, `downgrade` routes to `downgrade_to` (a
    deployment name; default the cheapest priced one, "offline" for a hard stop on spend)
    and `refuse` answers without calling any model."""

    monthly_usd: float | None = Field(default=None, ge=0)
    policy: Literal["downgrade", "refuse"] = "downgrade"
    downgrade_to: str | None = None
    # The deployments this clinic's requests may reach (its data-sharing policy); None: every
    # enabled one. The offline responder is always allowed: it sends nothing anywhere.
    allowed_deployments: list[str] | None = Field(default=None, max_length=50)

    def allows(self, deployment: str) -> bool:
        return (
            deployment == OFFLINE
            or self.allowed_deployments is None
            or deployment in self.allowed_deployments
        )


def offline_deployment() -> Deployment:
    return Deployment(
        name=OFFLINE,
        provider="offline",
        model="grounded-responder-v1",
        tier="fast",
        context_window=1_000_000,
        input_cost_per_mtok=0.0,
        output_cost_per_mtok=0.0,
    )


# The legacy single-deployment settings keep working: LLM_PROVIDER + LLM_MODEL + LLM_API_BASE.
LEGACY_KEY_ENV = "LLM_API_KEY"


def settings_routing(settings: Settings) -> RoutingConfig:
    if settings.llm_deployments:
        raw = json.loads(settings.llm_deployments)
        data = {"deployments": raw} if isinstance(raw, list) else raw
        return RoutingConfig.model_validate({"cooldown_s": settings.llm_cooldown_s, **data})
    deployments = []
    if settings.llm_provider != "offline":
        deployments.append(
            Deployment(
                name="default",
                provider=settings.llm_provider,
                model=settings.llm_model,
                api_base=settings.llm_api_base,
                api_key_env=LEGACY_KEY_ENV,
                timeout_s=settings.llm_timeout_s,
                max_tokens=settings.llm_max_tokens,
            )
        )
    return RoutingConfig(deployments=deployments, cooldown_s=settings.llm_cooldown_s)
