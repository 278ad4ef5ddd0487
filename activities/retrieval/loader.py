"""Reads the published knowledge articles of every tenant for indexing."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import select

from store.models import KnowledgeBaseArticle

from .engine import ArticleDoc


async def load_published(sessions: async_sessionmaker[AsyncSession]) -> list[ArticleDoc]:
    async with sessions() as session:
        rows = await session.scalars(
            select(KnowledgeBaseArticle).where(KnowledgeBaseArticle.status == "published")
        )
        return [ArticleDoc(r.tenant_id, r.id or 0, r.title, r.content) for r in rows]
