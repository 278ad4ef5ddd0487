"""An engine that keeps failing still ends the turn with a reply and a record, never a 500."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from temporalio.client import Client

from activities.retrieval.engine import RetrievalEngine
from api.main import create_app
from core.retrieval_payloads import RetrieveOutput
from core.settings import Settings
from core.texts import say
from store.models import ConversationTurn
from tests.conftest import key_headers
from tests.helpers import rows
from worker import Engines, create_worker

FAILURE_REPLY = say("en", "reply.failure")


class BrokenRetrieval(RetrievalEngine):
    def __init__(self) -> None:  # no index: every search fails
        pass

    def search(self, tenant_id: int, query: str, top_k: int = 4, **_: Any) -> RetrieveOutput:
        raise RuntimeError("index unavailable at /srv/secret/path for pat@example.com")


async def test_failed_engine_turn_gets_an_apology_and_is_recorded(
    settings: Settings, engines: Engines, temporal_client: Client, demo_keys: dict[str, str]
) -> None:
    queue = f"broken-{uuid.uuid4().hex[:6]}"
    broken = Engines(**{**vars(engines), "retrieval": BrokenRetrieval()})
    app = create_app(settings.model_copy(update={"temporal_task_queue": queue}))
    with ThreadPoolExecutor(max_workers=2) as executor:
        worker = create_worker(temporal_client, broken, task_queue=queue, executor=executor)
        async with (
            worker,
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://broken.test", timeout=60
            ) as api,
        ):
            resp = await api.post(
                "/api/v1/pipelines",
                json={"prompt": "Where can I park? My email is pat@example.com"},
                headers=key_headers(demo_keys["harborview-patient-3"]),
            )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["final_response"] == FAILURE_REPLY
    retrieve = next(s for s in body["steps"] if s["name"] == "retrieve")
    assert retrieve["status"] == "failed"
    # A stable code, never the exception's text (a path, a statement, a patient's words).
    assert retrieve["error_message"] == "RuntimeError", retrieve
    assert "secret" not in resp.text
    stored = await rows(engines, ConversationTurn, ConversationTurn.turn_id == body["turn_id"])
    assert len(stored) == 1 and stored[0].response == FAILURE_REPLY
    assert "pat@example.com" not in stored[0].prompt
