"""/api/v1/admin/llm: the gateway's routing (global) and a clinic's monthly LLM budget."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from api.auth import Principal, PrincipalDep
from api.deps import StateDep
from api.llm_schemas import BudgetBody, BudgetPublic, RoutingBody, RoutingPublic
from api.llm_store import clear_config, effective_budget, effective_routing, write_config
from core.errors import PermissionDenied, ValidationFailed
from core.llm_config import BUDGET_KEY, ROUTING_KEY, Budget, RoutingConfig

router = APIRouter(prefix="/api/v1/admin/llm", tags=["admin"])


def _staff(who: PrincipalDep) -> Principal:
    if not who.is_staff:
        raise PermissionDenied("Only clinic staff can read the LLM configuration.")
    return who


def _admin(who: PrincipalDep) -> Principal:
    if who.role != "admin":
        raise PermissionDenied("Only an admin can change the LLM configuration.")
    return who


def _platform_admin(who: PrincipalDep, state: StateDep) -> Principal:
    # The routing is global: a deployment's api_base receives every clinic's prompts, so
    # only the admins of the operator's own tenant (PLATFORM_ADMIN_TENANT_ID) may change it.
    # Unset, nobody can through the API and LLM_DEPLOYMENTS is the only source.
    if who.role != "admin" or who.tenant_id != state.settings.platform_admin_tenant_id:
        raise PermissionDenied("Only the platform operator's admins can change LLM routing.")
    return who


StaffDep = Annotated[Principal, Depends(_staff)]
AdminDep = Annotated[Principal, Depends(_admin)]
PlatformAdminDep = Annotated[Principal, Depends(_platform_admin)]


def _routing_out(config: RoutingConfig, source: str) -> RoutingPublic:
    # Deployments carry the name of a key's environment variable, never the key itself.
    return RoutingPublic.model_validate({**config.model_dump(), "source": source})


@router.get("/routing", response_model=RoutingPublic)
async def get_routing(state: StateDep, who: AdminDep) -> RoutingPublic:
    """The routing workers use: the stored one, else the settings' (LLM_DEPLOYMENTS...)."""
    config, source = await effective_routing(state.sessions, state.settings)
    return _routing_out(config, source)


@router.delete("/routing", response_model=RoutingPublic)
async def delete_routing(state: StateDep, who: PlatformAdminDep) -> RoutingPublic:
    """Back to the settings' routing (LLM_DEPLOYMENTS or LLM_PROVIDER...)."""
    await clear_config(
        state.sessions,
        tenant_id=None,
        key=ROUTING_KEY,
        actor_tenant_id=who.tenant_id,
        actor=f"user:{who.user_id}",
        action="reset_routing",
    )
    config, source = await effective_routing(state.sessions, state.settings)
    return _routing_out(config, source)


@router.delete("/budget", response_model=BudgetPublic)
async def delete_budget(state: StateDep, who: AdminDep) -> BudgetPublic:
    """Back to the settings' budget (LLM_MONTHLY_BUDGET_USD...)."""
    await clear_config(
        state.sessions,
        tenant_id=who.tenant_id,
        key=BUDGET_KEY,
        actor_tenant_id=who.tenant_id,
        actor=f"user:{who.user_id}",
        action="reset_budget",
    )
    budget, source = await effective_budget(state.sessions, state.settings, who.tenant_id)
    return BudgetPublic(**budget.model_dump(), source=source)


@router.put("/routing", response_model=RoutingPublic)
async def put_routing(body: RoutingBody, state: StateDep, who: PlatformAdminDep) -> RoutingPublic:
    """Workers pick it up within LLM_CONFIG_TTL_S, without a restart."""
    config = RoutingConfig.model_validate(body.model_dump())
    await write_config(
        state.sessions,
        tenant_id=None,
        key=ROUTING_KEY,
        value=config,
        actor_tenant_id=who.tenant_id,
        actor=f"user:{who.user_id}",
        action="update_routing",
    )
    return _routing_out(config, "stored")


@router.get("/budget", response_model=BudgetPublic)
async def get_budget(state: StateDep, who: StaffDep) -> BudgetPublic:
    budget, source = await effective_budget(state.sessions, state.settings, who.tenant_id)
    return BudgetPublic(**budget.model_dump(), source=source)


@router.put("/budget", response_model=BudgetPublic)
async def put_budget(body: BudgetBody, state: StateDep, who: AdminDep) -> BudgetPublic:
    budget = Budget.model_validate(body.model_dump())
    if budget.allowed_deployments:
        routing, _ = await effective_routing(state.sessions, state.settings)
        unknown = set(budget.allowed_deployments) - {d.name for d in routing.deployments}
        if unknown:
            raise ValidationFailed(
                f"No deployments named {sorted(unknown)}.", code="unknown_deployment"
            )
    await write_config(
        state.sessions,
        tenant_id=who.tenant_id,
        key=BUDGET_KEY,
        value=budget,
        actor_tenant_id=who.tenant_id,
        actor=f"user:{who.user_id}",
        action="update_budget",
    )
    return BudgetPublic(**budget.model_dump(), source="stored")
