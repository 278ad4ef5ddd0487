"""The per-tenant index version in the database, and the ingestion requests' progress rows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col, select

from store.models import KnowledgeBaseArticle, KnowledgeIndexState, KnowledgeIngestion, utcnow

Sessions = async_sessionmaker[AsyncSession]
INDEXING_FRESH = timedelta(minutes=10)


async def current_version(sessions: Sessions, tenant_id: int) -> int:
    async with sessions() as session:
        version = await session.scalar(
            select(KnowledgeIndexState.version).where(KnowledgeIndexState.tenant_id == tenant_id)
        )
        return int(version or 0)


async def indexing(sessions: Sessions, tenant_id: int) -> bool:
    """Whether the tenant's index is being built: an ingestion is queued or running, or the
    clinic has published articles and no index yet (a fresh start before the bootstrap)."""
    async with sessions() as session:
        busy = await session.scalar(
            select(KnowledgeIngestion.id)
            .where(KnowledgeIngestion.tenant_id == tenant_id)
            # A whole rebuild or an import (a fresh start, a new clinic's articles); one
            # article edited in the admin leaves the rest of the index answering.
            .where(
                or_(
                    col(KnowledgeIngestion.kind) == "reindex",
                    col(KnowledgeIngestion.action) == "import",
                )
            )
            .where(col(KnowledgeIngestion.status).in_(("queued", "running")))
            # A request stuck for longer is an operator's problem, not "a minute" for patients.
            .where(col(KnowledgeIngestion.updated_at) >= utcnow() - INDEXING_FRESH)
            .limit(1)
        )
        if busy is not None:
            return True
        built = await session.scalar(
            select(KnowledgeIndexState.version).where(KnowledgeIndexState.tenant_id == tenant_id)
        )
        if built:
            return False
        article = await session.scalar(
            select(KnowledgeBaseArticle.id)
            .where(KnowledgeBaseArticle.tenant_id == tenant_id)
            .where(KnowledgeBaseArticle.status == "published")
            .limit(1)
        )
        return article is not None


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
