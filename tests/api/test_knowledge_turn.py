"""A knowledge question is answered from a seeded article, and the run is visible in Temporal."""

from __future__ import annotations

import httpx
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from activities.llm.grounded import NOT_COVERED
from tests.conftest import key_headers
from tests.helpers import local_activities


async def test_opening_hours_cites_seeded_article(
    api: httpx.AsyncClient, demo_keys: dict[str, str], temporal_client: Client
) -> None:
    resp = await api.post(
        "/api/v1/pipelines",
        json={"prompt": "What are the opening hours at Harborview Westside?"},
        headers=key_headers(demo_keys["harborview-patient-1"]),
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["intent"] == "knowledge_question"
    titles = [c["title"] for c in body["citations"]]
    assert "Opening Hours" in titles
    assert "Source: Opening Hours" in body["final_response"]
    # The site asked about, never the other site's hours (Downtown closes at 6:00 PM).
    assert "8:30 AM" in body["final_response"]
    assert "6:00 PM" not in body["final_response"]
    assert [s["name"] for s in body["steps"]] == [
        "safety_input",
        "classify",
        "retrieve",
        "generate",
        "safety_output",
        "dialogue_state",  # the question is kept as the subject of a follow-up
        "persist",
    ]
    assert body["request"]["tenant_id"] == 1 and body["request"]["patient_id"] is not None

    history = await temporal_client.get_workflow_handle(body["workflow_id"]).fetch_history()
    scheduled = [
        e.activity_task_scheduled_event_attributes.activity_type.name
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    ]
    # Short reads run as local activities (markers); generation and the write are tasks.
    assert scheduled == ["generate", "persist_turn"]
    # Screening and classification are one activity: they read the same features.
    assert local_activities(history) == ["understand", "retrieve", "check_output"]
    desc = await temporal_client.get_workflow_handle(body["workflow_id"]).describe()
    attrs = {k.name: v for k, v in ((p.key, p.value) for p in desc.typed_search_attributes)}
    assert attrs["Intent"] == "knowledge_question"
    assert attrs["TenantId"] == "1"
    assert attrs["SessionId"] == body["session_id"]


async def test_unanswerable_question_gets_not_covered_without_citation(
    api: httpx.AsyncClient, demo_keys: dict[str, str]
) -> None:
    resp = await api.post(
        "/api/v1/pipelines",
        json={"prompt": "Do you offer laser tattoo removal?"},
        headers=key_headers(demo_keys["harborview-patient-1"]),
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    retrieve = next(s for s in body["steps"] if s["name"] == "retrieve")
    assert retrieve["output"]["covered"] is False and retrieve["output"]["passages"] == []
    assert retrieve["output"]["indexing"] is False
    assert [p["covered"] for p in retrieve["output"]["parts"]] == [False]
    # The reply says so plainly, cites nothing and invents nothing from unrelated articles.
    assert body["final_response"] == NOT_COVERED
    assert body["citations"] == []
    assert "Source:" not in body["final_response"]
