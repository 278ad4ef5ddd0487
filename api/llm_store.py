"""The LLM gateway's configuration rows and spend ledger, as the API reads and writes them."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col, select

from core.llm_config import BUDGET_KEY, ROUTING_KEY, Budget, RoutingConfig, settings_routing
from core.logging import request_id_var
from core.settings import Settings
from store.models import AuditLog, LlmCall, PlatformConfig, utcnow

from .llm_schemas import UsageRow

Source = Literal["stored", "settings"]
T = TypeVar("T", bound=BaseModel)


def _where(tenant_id: int | None, key: str) -> list[Any]:
    # The routing row is global: tenant_id IS NULL, which `==` would never match.
    owner = (
        col(PlatformConfig.tenant_id).is_(None)
        if tenant_id is None
        else col(PlatformConfig.tenant_id) == tenant_id
    )
    return [owner, col(PlatformConfig.key) == key]


async def _stored(
    sessions: async_sessionmaker[AsyncSession], tenant_id: int | None, key: str, kind: type[T]
) -> T | None:
    async with sessions() as session:
        raw = await session.scalar(
            select(PlatformConfig.value)
            .where(*_where(tenant_id, key))
            .order_by(col(PlatformConfig.updated_at).desc())
        )
    if raw is None:
        return None
    try:
        return kind.model_validate_json(raw)
    except ValidationError:
        # The worker answers with the settings' config in this case; say the same here.
        return None


def settings_budget(settings: Settings) -> Budget:
    return Budget(
        monthly_usd=settings.llm_monthly_budget_usd,
        policy=settings.llm_budget_policy,
        downgrade_to=settings.llm_budget_downgrade_to,
    )


async def effective_routing(
    sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> tuple[RoutingConfig, Source]:
    stored = await _stored(sessions, None, ROUTING_KEY, RoutingConfig)
    return (stored, "stored") if stored is not None else (settings_routing(settings), "settings")


async def effective_budget(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, tenant_id: int
) -> tuple[Budget, Source]:
    stored = await _stored(sessions, tenant_id, BUDGET_KEY, Budget)
    return (stored, "stored") if stored is not None else (settings_budget(settings), "settings")


def _audit(
    actor_tenant_id: int, actor: str, action: str, tenant_id: int | None, key: str, data: Any
) -> AuditLog:
    return AuditLog(
        tenant_id=actor_tenant_id,
        service="llm",
        action=action,
        actor=actor,
        details={"scope": "global" if tenant_id is None else "tenant", key: data},
        request_id=request_id_var.get(),
    )


async def write_config(
    sessions: async_sessionmaker[AsyncSession],
    *,
    tenant_id: int | None,
    key: str,
    value: BaseModel,
    actor_tenant_id: int,
    actor: str,
    action: str,
) -> None:
    """Upsert one platform_config row, with its audit entry in the same transaction."""
    data = value.model_dump(mode="json")
    raw = json.dumps(data)
    async with sessions() as session:
        rows = list(await session.scalars(select(PlatformConfig).where(*_where(tenant_id, key))))
        if rows:
            rows[0].value, rows[0].updated_at = raw, utcnow()
            # NULL never equals NULL, so the unique constraint cannot stop two concurrent
            # first writes of the global row; whichever write comes next folds them.
            for extra in rows[1:]:
                await session.delete(extra)
        else:
            session.add(PlatformConfig(tenant_id=tenant_id, key=key, value=raw, category="llm"))
        # Deployments name environment variables, never keys: the config itself is the audit.
        session.add(_audit(actor_tenant_id, actor, action, tenant_id, key, data))
        await session.commit()


async def clear_config(
    sessions: async_sessionmaker[AsyncSession],
    *,
    tenant_id: int | None,
    key: str,
    actor_tenant_id: int,
    actor: str,
    action: str,
) -> None:
    """Drop the stored row so the settings' value applies again, audited."""
    async with sessions() as session:
        for row in await session.scalars(select(PlatformConfig).where(*_where(tenant_id, key))):
            await session.delete(row)
        session.add(_audit(actor_tenant_id, actor, action, tenant_id, key, None))
        await session.commit()


async def usage_rows(
    sessions: async_sessionmaker[AsyncSession],
    tenant_id: int,
    since: datetime,
    until: datetime | None,
) -> list[UsageRow]:
    """The tenant's llm_calls in [since, until), summed per provider and model."""

    def count_if(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    where = [col(LlmCall.tenant_id) == tenant_id, col(LlmCall.created_at) >= since]
    if until is not None:
        where.append(col(LlmCall.created_at) < until)
    # SQLAlchemy's own select: SQLModel's typed overloads stop at four columns.
    stmt = (
        sa_select(
            col(LlmCall.provider),
            col(LlmCall.model),
            func.count(),
            count_if(col(LlmCall.status) == "failed"),
            count_if(col(LlmCall.status) == "refused"),
            count_if(col(LlmCall.usage_source) == "estimated"),
            func.coalesce(func.sum(col(LlmCall.prompt_tokens)), 0),
            func.coalesce(func.sum(col(LlmCall.completion_tokens)), 0),
            func.coalesce(func.sum(col(LlmCall.cost_usd)), 0.0),
        )
        .where(*where)
        .group_by(col(LlmCall.provider), col(LlmCall.model))
        .order_by(col(LlmCall.provider), col(LlmCall.model))
    )
    async with sessions() as session:
        result = await session.execute(stmt)
    return [
        UsageRow(
            provider=provider,
            model=model,
            calls=int(calls),
            failed_calls=int(failed),
            refused_calls=int(refused),
            estimated_calls=int(estimated),
            prompt_tokens=int(prompt),
            completion_tokens=int(completion),
            cost_usd=round(float(cost), 8),
        )
        for provider, model, calls, failed, refused, estimated, prompt, completion, cost in result
    ]
