"""Request and response bodies of /api/v1/llm and /api/v1/admin/llm."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator

from api.schemas import CitationOut
from core.llm_config import Budget, Deployment, RoutingConfig
from core.llm_payloads import BudgetReport, GenerateOutput, RouteOutput
from core.settings import Settings

DeploymentName = Field(default=None, pattern=r"^[a-z0-9][a-z0-9_.-]{0,62}$")
# The app's own secrets are environment variables too: a stored deployment naming one would
# send it to whatever api_base says. LLM_API_KEY is the legacy single deployment's key.
RESERVED_KEY_ENVS = frozenset(n.upper() for n in Settings.model_fields) - {"LLM_API_KEY"}


class RouteBody(BaseModel):
    prompt: str = Field(min_length=1)  # the upper bound is max_prompt_chars, checked in the route
    intent: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]{0,63}$")
    deployment: str | None = DeploymentName


class GenerateBody(BaseModel):
    prompt: str = Field(min_length=1)
    # The seed called it `model`; either names a deployment of the routing config.
    deployment: str | None = Field(
        default=None,
        pattern=r"^[a-z0-9][a-z0-9_.-]{0,62}$",
        validation_alias=AliasChoices("deployment", "model"),
    )
    grounded: bool = True


class BudgetOut(BaseModel):
    limit_usd: float | None
    spent_usd: float
    projected_usd: float
    policy: str
    action: str  # none | downgraded | refused

    @classmethod
    def of(cls, b: BudgetReport | None) -> BudgetOut | None:
        if b is None:
            return None
        return cls(
            limit_usd=b.limit_usd,
            spent_usd=b.spent_usd,
            projected_usd=b.projected_usd,
            policy=b.policy,
            action=b.action,
        )


class RouteResponse(BaseModel):
    provider: str
    model: str
    deployment: str
    tier: str
    reasoning: list[str]
    chain: list[str]
    budget: BudgetOut
    estimated_cost_usd: float
    refused: bool
    # Kinds of finding the clinic's screen saw in the prompt (none of them blocking).
    screened: list[str] = []
    workflow_id: str

    @classmethod
    def of(cls, r: RouteOutput, workflow_id: str) -> RouteResponse:
        budget = BudgetOut.of(r.budget)
        assert budget is not None
        return cls(
            provider=r.provider,
            model=r.model,
            deployment=r.deployment,
            tier=r.tier,
            reasoning=r.reasoning,
            chain=r.chain,
            budget=budget,
            estimated_cost_usd=r.estimated_cost_usd,
            refused=r.refused,
            screened=r.screened,
            workflow_id=workflow_id,
        )


class UsageOut(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
    source: str  # provider | estimated


class GenerateResponse(BaseModel):
    text: str
    provider: str
    model: str
    deployment: str
    tier: str
    usage: UsageOut
    reasoning: list[str]
    fallbacks: list[str]
    budget: BudgetOut | None
    refused: bool
    citations: list[CitationOut]
    grounded: bool
    covered: bool | None  # grounded: whether the knowledge base answers the prompt
    first_token_ms: float | None
    workflow_id: str
    # What the input screen found (pii, injection, emergency, ...) in the prompt.
    screened: list[str] = []

    @classmethod
    def of(
        cls,
        out: GenerateOutput,
        workflow_id: str,
        *,
        grounded: bool,
        covered: bool,
        screened: list[str] | None = None,
    ) -> GenerateResponse:
        return cls(
            text=out.text,
            provider=out.provider,
            model=out.model,
            deployment=out.deployment,
            tier=out.tier,
            usage=UsageOut(
                prompt_tokens=out.prompt_tokens,
                completion_tokens=out.completion_tokens,
                cost_usd=out.cost_usd,
                source=out.usage_source,
            ),
            reasoning=out.reasoning,
            fallbacks=out.fallbacks,
            budget=BudgetOut.of(out.budget),
            refused=out.refused,
            citations=[CitationOut(article_id=c.article_id, title=c.title) for c in out.citations],
            grounded=grounded,
            covered=covered if grounded else None,
            first_token_ms=out.first_token_ms,
            workflow_id=workflow_id,
            screened=screened or [],
        )


class UsageTotals(BaseModel):
    calls: int = 0
    failed_calls: int = 0
    refused_calls: int = 0
    estimated_calls: int = 0  # tokens counted by us, not reported by the provider
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0


class UsageRow(UsageTotals):
    provider: str
    model: str


class UsageBudget(BaseModel):
    monthly_usd: float | None
    policy: str
    downgrade_to: str | None
    spent_usd: float  # month to date, whatever since/until say


class UsageResponse(BaseModel):
    tenant_id: int
    since: datetime
    until: datetime | None
    rows: list[UsageRow]
    totals: UsageTotals
    budget: UsageBudget


class RoutingBody(RoutingConfig):
    """A routing config as an admin writes it: typos and raw keys are refused, not dropped."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_stray_fields(cls, data: Any) -> Any:
        deployments = data.get("deployments") if isinstance(data, dict) else None
        for d in deployments if isinstance(deployments, list) else []:
            if not isinstance(d, dict):
                continue
            if "api_key" in d:
                raise ValueError(
                    "keys are never stored: put the key in a worker environment variable "
                    "and name it in api_key_env"
                )
            unknown = sorted(set(d) - set(Deployment.model_fields))
            if unknown:
                raise ValueError(f"unknown deployment fields: {', '.join(unknown)}")
            env = d.get("api_key_env")
            if isinstance(env, str) and env.upper() in RESERVED_KEY_ENVS:
                raise ValueError(f"api_key_env {env} is one of AURIXA's own settings")
        return data


class RoutingPublic(RoutingConfig):
    source: Literal["stored", "settings"]


class BudgetBody(Budget):
    model_config = ConfigDict(extra="forbid")


class BudgetPublic(Budget):
    source: Literal["stored", "settings"]
