"""Temporal activities of knowledge ingestion: plan, embed and upsert, finish, list."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import select
from temporalio import activity

from core.knowledge import (
    ArticleIds,
    ChunkPlan,
    FinishInput,
    ListArticlesInput,
    PlanArticleInput,
    UpsertInput,
)
from store.models import KnowledgeBaseArticle, utcnow

from .engine import ArticleDoc
from .versions import bump_version, set_progress

if TYPE_CHECKING:
    from .engine import RetrievalEngine

PUBLISHED = "published"


class IngestActivities:
    def __init__(self, engine: RetrievalEngine, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.engine = engine
        self.sessions = sessions

    async def _article(self, tenant_id: int, article_id: int) -> ArticleDoc | None:
        """The article as it is now; None when deleted, unpublished or another tenant's."""
        async with self.sessions() as session:
            row = await session.get(KnowledgeBaseArticle, article_id)
        if row is None or row.tenant_id != tenant_id or row.status != PUBLISHED:
            return None
        return ArticleDoc(tenant_id, article_id, row.title, row.content)

    @activity.defn(name="knowledge_plan_article")
    async def plan_article(self, inp: PlanArticleInput) -> ChunkPlan:
        # Reading the current row, not a copy sent with the request, makes create, update and
        # delete the same operation, and a late run can only ever index the newest text.
        doc = await self._article(inp.tenant_id, inp.article_id)
        plan = await asyncio.to_thread(self.engine.plan, inp.tenant_id, inp.article_id, doc)
        if inp.track:
            await set_progress(
                self.sessions, inp.request_id, status="running", chunks_total=len(plan.to_upsert)
            )
        return plan

    @activity.defn(name="knowledge_upsert_chunks")
    async def upsert_chunks(self, inp: UpsertInput) -> int:
        activity.heartbeat("embedding")
        count = await asyncio.to_thread(self.engine.upsert, inp.tenant_id, inp.records)
        activity.heartbeat("stored")
        if inp.done_after is not None:
            await set_progress(self.sessions, inp.request_id, chunks_done=inp.done_after)
        return count

    @activity.defn(name="knowledge_finish")
    async def finish(self, inp: FinishInput) -> int:
        """Deletes stale chunks; when publishing, bumps the tenant's version so every worker
        rebuilds BM25 from the store, and rebuilds this worker's copy now."""
        await asyncio.to_thread(self.engine.delete, inp.tenant_id, inp.stale_ids)
        version = 0
        if inp.publish:
            version = await bump_version(self.sessions, inp.tenant_id)
            await asyncio.to_thread(self.engine.refresh, inp.tenant_id, version)
        values: dict[str, object] = {}
        if inp.articles_done is not None:
            values["articles_done"] = inp.articles_done
        if inp.status is not None:
            values |= {"status": inp.status, "error": inp.error, "finished_at": utcnow()}
        if values:
            await set_progress(self.sessions, inp.request_id, **values)
        if inp.publish:
            # The new index's answer sentences are embedded now, not on the first question.
            await asyncio.to_thread(self.engine.warm_answers)
        return version

    @activity.defn(name="knowledge_list_articles")
    async def list_articles(self, inp: ListArticlesInput) -> ArticleIds:
        """Every article a re-index visits: the published ones and any the index still holds
        (deleted or unpublished since), so orphans are removed too."""
        async with self.sessions() as session:
            rows = await session.scalars(
                select(KnowledgeBaseArticle.id).where(
                    KnowledgeBaseArticle.tenant_id == inp.tenant_id,
                    KnowledgeBaseArticle.status == PUBLISHED,
                )
            )
            published = {int(i) for i in rows if i is not None}
        stored = await asyncio.to_thread(self.engine.store.article_ids, inp.tenant_id)
        ids = sorted(published | stored)
        await set_progress(self.sessions, inp.request_id, status="running", articles_total=len(ids))
        return ArticleIds(ids)
