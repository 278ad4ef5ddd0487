"""A deleted article's id is never handed to a new one, on SQLite as on PostgreSQL."""

from __future__ import annotations

from store.models import KnowledgeBaseArticle, Tenant
from worker import Engines


async def test_deleted_article_id_is_not_reused(engines: Engines) -> None:
    async with engines.sessions() as session:
        tenant = Tenant(name="ids-test-clinic")
        session.add(tenant)
        await session.flush()
        newest = KnowledgeBaseArticle(tenant_id=tenant.id or 0, title="Old", content="old text")
        session.add(newest)
        await session.commit()
        old_id = newest.id
        # The newest row: without AUTOINCREMENT, SQLite gives its id (max + 1) to the next.
        await session.delete(newest)
        await session.commit()
        fresh = KnowledgeBaseArticle(tenant_id=tenant.id or 0, title="New", content="new text")
        session.add(fresh)
        await session.commit()
        assert fresh.id is not None and old_id is not None and fresh.id > old_id
