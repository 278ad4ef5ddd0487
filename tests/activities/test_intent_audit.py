"""A clinic whose stored intents cannot fit (written before the admin API refused such sets,
or straight to the database) keeps getting answers from the built-in intents, and its audit
log says so once per change of the set instead of the clinic learning it from odd replies."""

from __future__ import annotations

from sqlmodel import col, delete

from activities.intent.activity import IntentActivities
from core.payloads import ClassifyInput
from store.models import AuditLog, TenantIntent
from tests.helpers import rows
from worker import Engines

TENANT = 2  # the second demo clinic: other tests classify for the first


async def test_an_unfit_tenant_set_falls_back_and_is_audited_once(
    engines: Engines, demo_keys: dict[str, str]
) -> None:
    activities = IntentActivities(engines.intents, engines.sessions)
    question = "What time do you open on Saturday?"
    expected = engines.intents.classify(question).intent
    async with engines.sessions() as session, session.begin():
        session.add(TenantIntent(tenant_id=TENANT, name="empty_one", path="knowledge"))
    try:
        for _ in range(2):
            out = await activities.classify(ClassifyInput(TENANT, question))
            assert out.intent == expected
        audits = await rows(
            engines,
            AuditLog,
            AuditLog.tenant_id == TENANT,
            AuditLog.action == "tenant_intents_unfit",
        )
        assert len(audits) == 1, [a.details for a in audits]
        assert audits[0].severity == "error" and audits[0].details["using"] == "built-in intents"
        assert audits[0].details["error"] == "ValueError"
    finally:
        async with engines.sessions() as session, session.begin():
            await session.execute(delete(TenantIntent).where(col(TenantIntent.tenant_id) == TENANT))
