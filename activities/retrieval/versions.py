"""The per-tenant index version in the database, and the ingestion requests' progress rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col, select

from store.models import KnowledgeIndexState, KnowledgeIngestion, utcnow

Sessions = async_sessionmaker[AsyncSession]


async def current_version(sessions: Sessions, tenant_id: int) -> int:
    async with sessions() as session:
        version = await session.scalar(
            select(KnowledgeIndexState.version).where(KnowledgeIndexState.tenant_id == tenant_id)
        )
        return int(version or 0)


async def all_versions(sessions: Sessions) -> dict[int, int]:
    async with sessions() as session:
        rows = await session.execute(
            select(KnowledgeIndexState.tenant_id, KnowledgeIndexState.version)
        )
        return {int(t): int(v) for t, v in rows}


async def bump_version(sessions: Sessions, tenant_id: int) -> int:
    """Atomically increments the tenant's version (creating the row on first use)."""
    for _ in range(3):
        async with sessions() as session:
            result = await session.execute(
                update(KnowledgeIndexState)
                .where(col(KnowledgeIndexState.tenant_id) == tenant_id)
                .values(version=col(KnowledgeIndexState.version) + 1, updated_at=utcnow())
                .returning(col(KnowledgeIndexState.version))
            )
            bumped = result.scalar()
            if bumped is not None:
                await session.commit()
                return int(bumped)
            session.add(KnowledgeIndexState(tenant_id=tenant_id, version=1))
            try:
                await session.commit()
                return 1
            except IntegrityError:
                continue  # another worker created it first; increment theirs
    raise RuntimeError(f"could not bump the index version of tenant {tenant_id}")


async def set_progress(sessions: Sessions, request_id: str, **values: Any) -> None:
    """Absolute values only (never increments), so a retried activity writes the same row."""
    async with sessions() as session:
        await session.execute(
            update(KnowledgeIngestion)
            .where(col(KnowledgeIngestion.id) == request_id)
            .values(updated_at=utcnow(), **values)
        )
        await session.commit()
