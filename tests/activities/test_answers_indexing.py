"""A question asked while a clinic's knowledge is still being built is told so."""

from __future__ import annotations

from temporalio.testing import ActivityEnvironment

from activities.llm.grounded import compose
from activities.retrieval.activity import RetrievalActivities
from core.llm_payloads import GenerateInput
from core.retrieval_payloads import RetrieveInput
from core.texts import say
from store.models import (
    KnowledgeBaseArticle,
    KnowledgeIndexState,
    KnowledgeIngestion,
    Tenant,
    utcnow,
)
from worker import Engines


async def _reply(activities: RetrievalActivities, tenant_id: int, question: str) -> str:
    found = await ActivityEnvironment().run(
        activities.retrieve, RetrieveInput(tenant_id, question, language="en")
    )
    gen = GenerateInput.for_knowledge(tenant_id, question, found)
    return compose(gen)[0]


async def test_a_question_during_indexing_is_told_so(engines: Engines) -> None:
    activities = RetrievalActivities(engines.retrieval, engines.sessions)
    async with engines.sessions() as session:
        tenant = Tenant(name="indexing-test-clinic")
        session.add(tenant)
        await session.flush()
        tenant_id = tenant.id or 0
        # Published, never indexed: what a fresh start looks like before the bootstrap.
        session.add(
            KnowledgeBaseArticle(
                tenant_id=tenant_id, title="Hours", content="# Hours\n\nOpen 9 AM to 5 PM."
            )
        )
        await session.commit()
    assert await _reply(activities, tenant_id, "When do you open?") == say("en", "reply.indexing")

    # A whole re-index under way says the same; once none is, "not covered" is the answer.
    async with engines.sessions() as session:
        row = KnowledgeIngestion(
            id=f"reindex-{tenant_id}",
            tenant_id=tenant_id,
            kind="reindex",
            action="reindex",
            status="running",
            workflow_id=f"reindex-{tenant_id}",
            requested_by="test",
        )
        session.add(row)

        session.add(KnowledgeIndexState(tenant_id=tenant_id, version=1))
        await session.commit()
    assert await _reply(activities, tenant_id, "When do you open?") == say("en", "reply.indexing")
    async with engines.sessions() as session:
        stored = await session.get(KnowledgeIngestion, f"reindex-{tenant_id}")
        assert stored is not None
        stored.status, stored.finished_at = "failed", utcnow()
        await session.commit()
    assert await _reply(activities, tenant_id, "When do you open?") == say(
        "en", "reply.not_covered"
    )
