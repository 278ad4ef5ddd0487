"""POST /api/v1/classify through the worker: intent, runner-up and slots from the tenant's data."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlmodel import select
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from core.settings import Settings
from store.models import Staff, Tenant
from store.timeutil import now_local
from tests.conftest import key_headers
from worker import Engines

CLASSIFY = "/api/v1/classify"


async def _tenant_today(engines: Engines, tenant_id: int) -> tuple[str, str]:
    async with engines.sessions() as session:
        tenant = await session.get(Tenant, tenant_id)
        assert tenant is not None
        today = now_local(tenant.timezone).date()
    return today.isoformat(), (today + timedelta(days=1)).isoformat()


async def test_booking_request_with_slots_in_the_tenants_time_zone(
    api: httpx.AsyncClient, demo_keys: dict[str, str], engines: Engines
) -> None:
    resp = await api.post(
        CLASSIFY,
        json={"text": "Could you book me with Dr Chen tomorrow at 3?"},
        headers=key_headers(demo_keys["harborview-patient-2"]),
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["intent"] == "book_appointment"
    assert body["decided_by"] in ("rule", "similarity")
    assert body["runner_up"] and body["runner_up"] != "book_appointment"
    _, tomorrow = await _tenant_today(engines, 1)
    slots = body["slots"]
    assert slots["date"] == tomorrow and slots["time"] == "15:00"
    assert slots["provider_names"] == ["Dr. Maya Chen"]
    assert body["clarification"] is None
    assert body["workflow_id"].startswith("engine-door-")
    assert body["update_id"].startswith("classify-1-")


async def test_unrelated_text_is_out_of_scope(
    api: httpx.AsyncClient, demo_keys: dict[str, str]
) -> None:
    resp = await api.post(
        CLASSIFY,
        json={"text": "What's a good recipe for banana bread?"},
        headers=key_headers(demo_keys["harborview-patient-2"]),
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["intent"] == "out_of_scope"


async def test_ambiguous_provider_asks_which_one(
    api: httpx.AsyncClient, demo_keys: dict[str, str], engines: Engines
) -> None:
    async with engines.sessions() as session, session.begin():
        weiss = await session.scalar(select(Staff).where(Staff.tenant_id == 2))
        assert weiss is not None
        twin = Staff(
            tenant_id=2,
            site_id=weiss.site_id,
            full_name="Dr. Ben Weiss",
            working_hours=weiss.working_hours,
        )
        session.add(twin)
    try:
        resp = await api.post(
            CLASSIFY,
            json={"text": "I want to book an appointment with Dr. Weiss tomorrow at 10"},
            headers=key_headers(demo_keys["riverside-patient-1"]),
        )
        assert resp.status_code == 200, resp.text
        body = resp.json()
        assert body["intent"] == "book_appointment"
        assert sorted(body["slots"]["provider_names"]) == ["Dr. Ben Weiss", "Dr. Hannah Weiss"]
        assert "Dr. Hannah Weiss" in body["clarification"]
        assert "Dr. Ben Weiss" in body["clarification"]
        # A turn asks the same question instead of booking either of them.
        turn = await api.post(
            "/api/v1/pipelines",
            json={"prompt": "I want to book an appointment with Dr. Weiss tomorrow at 10"},
            headers=key_headers(demo_keys["riverside-patient-1"]),
        )
        assert turn.status_code == 200, turn.text
        assert turn.json()["final_response"] == body["clarification"]
    finally:
        async with engines.sessions() as session, session.begin():
            await session.delete(await session.get(Staff, twin.id))


async def test_pii_is_redacted_before_classification(
    api: httpx.AsyncClient, demo_keys: dict[str, str]
) -> None:
    resp = await api.post(
        CLASSIFY,
        json={"text": "My SSN is 123-45-6789, is my insurance active?"},
        headers=key_headers(demo_keys["harborview-patient-2"]),
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert "123-45-6789" not in body["text"]
    assert body["intent"] == "check_insurance"


async def test_bad_input_gets_typed_errors(
    api: httpx.AsyncClient, demo_keys: dict[str, str]
) -> None:
    headers = key_headers(demo_keys["harborview-patient-2"])
    empty = await api.post(CLASSIFY, json={"text": "   "}, headers=headers)
    assert empty.status_code == 422 and empty.json()["error"]["code"] == "input_empty"
    other = await api.post(CLASSIFY, json={"text": "hi", "patient_id": 999999}, headers=headers)
    assert other.status_code == 403
    anon = await api.post(CLASSIFY, json={"text": "hi"})
    assert anon.status_code == 401


async def test_side_door_requests_are_updates_with_local_steps_not_workflows(
    api: httpx.AsyncClient,
    demo_keys: dict[str, str],
    temporal_client: Client,
    settings: Settings,
) -> None:
    """Three requests cost no workflow each: they are updates to a door workflow whose steps
    ran as local activities (markers in its history, no activity tasks). The door is named
    by the deployment's task queue, so another deployment's door is never asked."""
    headers = key_headers(demo_keys["harborview-patient-2"])
    served = []
    for text in ("Do you take Aetna?", "I need to reschedule", "What are your hours?"):
        resp = await api.post(CLASSIFY, json={"text": text}, headers=headers)
        assert resp.status_code == 200, resp.text
        served.append((resp.json()["workflow_id"], resp.json()["update_id"]))
    for door in {wf for wf, _ in served}:
        assert door.startswith(f"engine-door-{settings.temporal_task_queue}-")
        history = await temporal_client.get_workflow_handle(door).fetch_history()
        kinds = {EventType.Name(e.event_type) for e in history.events}
        assert "EVENT_TYPE_MARKER_RECORDED" in kinds
        assert "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED" not in kinds
        accepted = {
            e.workflow_execution_update_accepted_event_attributes.accepted_request.meta.update_id
            for e in history.events
            if e.HasField("workflow_execution_update_accepted_event_attributes")
        }
        assert {u for wf, u in served if wf == door} <= accepted
