"""How the API, the CLI and the worker's bootstrap ask for ingestion: a request row, then a
signal-with-start of the tenant's ingestion workflow."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import select
from temporalio.client import Client, WorkflowHandle

from core.knowledge import (
    ARTICLE,
    REINDEX,
    IngestRequest,
    IngestResult,
    IngestWorkflowInput,
    ingest_workflow_id,
)
from core.settings import Settings
from core.workflow_refs import KNOWLEDGE_ENQUEUE, KNOWLEDGE_INGEST
from store.models import KnowledgeBaseArticle, KnowledgeIndexState, KnowledgeIngestion


def ingestion_row(
    tenant_id: int, action: str, requested_by: str, article_id: int | None = None
) -> KnowledgeIngestion:
    """The request's progress row; add it in the same transaction as the article change, so
    an accepted change always has a record of whether it reached the index."""
    return KnowledgeIngestion(
        id=uuid.uuid4().hex,
        tenant_id=tenant_id,
        article_id=article_id,
        kind=REINDEX if article_id is None else ARTICLE,
        action=action,
        workflow_id=ingest_workflow_id(tenant_id),
        requested_by=requested_by,
    )


async def signal_ingestion(
    client: Client, settings: Settings, row: KnowledgeIngestion
) -> WorkflowHandle[Any, list[IngestResult]]:
    request = IngestRequest(row.id, row.kind, row.article_id)
    # Starts the tenant's workflow if none is running; otherwise queues behind its work.
    return await client.start_workflow(
        KNOWLEDGE_INGEST,
        IngestWorkflowInput(
            row.tenant_id,
            heartbeat_timeout_s=settings.knowledge_heartbeat_timeout_s,
            batch_size=settings.knowledge_batch_size,
        ),
        id=row.workflow_id,
        task_queue=settings.temporal_task_queue,
        start_signal=KNOWLEDGE_ENQUEUE,
        result_type=list[IngestResult],
        start_signal_args=[request],
    )


async def request_reindex(
    client: Client,
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    tenant_id: int,
    requested_by: str,
    action: str = "reindex",
) -> tuple[KnowledgeIngestion, WorkflowHandle[Any, list[IngestResult]]]:
    row = ingestion_row(tenant_id, action, requested_by)
    async with sessions() as session:
        session.add(row)
        await session.commit()
        await session.refresh(row)
    return row, await signal_ingestion(client, settings, row)


async def unindexed_tenants(sessions: async_sessionmaker[AsyncSession]) -> list[int]:
    """Tenants with published articles whose index was never built (a fresh deployment, or
    one upgraded from before ingestion workflows)."""
    async with sessions() as session:
        with_articles = set(
            await session.scalars(
                select(KnowledgeBaseArticle.tenant_id)
                .where(KnowledgeBaseArticle.status == "published")
                .distinct()
            )
        )
        indexed = set(await session.scalars(select(KnowledgeIndexState.tenant_id)))
    return sorted(with_articles - indexed)
