"""Emergencies escalate at once, with guidance, and never reach a tool."""

from __future__ import annotations

import httpx
from sqlmodel import select
from temporalio.client import Client, WorkflowExecutionStatus

from store.models import AuditLog
from tests.conftest import key_headers
from worker import Engines
from workflows.escalation import EscalationWorkflow


async def test_chest_pain_escalates_without_tools(
    api: httpx.AsyncClient, demo_keys: dict[str, str], engines: Engines
) -> None:
    resp = await api.post(
        "/api/v1/pipelines",
        json={
            "prompt": "I have crushing chest pain and my left arm is numb",
            "session_id": "emergency-1",
        },
        headers=key_headers(demo_keys["harborview-patient-6"]),
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["requires_escalation"] is True
    assert body["escalation_category"] == "cardiac"
    assert "911" in body["final_response"]
    names = [s["name"] for s in body["steps"]]
    assert names == ["safety_input", "escalation", "persist"]
    assert "execute_tool" not in names and "plan_tools" not in names
    async with engines.sessions() as session:
        audits = list(
            await session.scalars(select(AuditLog).where(AuditLog.action == "emergency_escalation"))
        )
    assert any(
        a.details.get("turn_id") == body["turn_id"] and a.severity == "critical" for a in audits
    )


async def test_self_harm_gets_the_crisis_line(
    api: httpx.AsyncClient, demo_keys: dict[str, str]
) -> None:
    resp = await api.post(
        "/api/v1/pipelines",
        json={"prompt": "I don't want to be alive anymore, I want to kill myself"},
        headers=key_headers(demo_keys["harborview-patient-6"]),
    )
    body = resp.json()
    assert body["requires_escalation"] is True
    assert body["escalation_category"] == "self_harm"
    assert "988" in body["final_response"]


async def test_past_seizure_is_not_an_emergency(
    api: httpx.AsyncClient, demo_keys: dict[str, str]
) -> None:
    resp = await api.post(
        "/api/v1/pipelines",
        json={"prompt": "I had a seizure in 2019. What are your opening hours?"},
        headers=key_headers(demo_keys["harborview-patient-6"]),
    )
    assert resp.json()["requires_escalation"] is False


async def test_unresponsive_person_escalates_at_the_screen(
    api: httpx.AsyncClient, demo_keys: dict[str, str]
) -> None:
    resp = await api.post(
        "/api/v1/pipelines",
        json={"prompt": "my husband collapsed and isn't responding"},
        headers=key_headers(demo_keys["harborview-patient-6"]),
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    screen = next(s for s in body["steps"] if s["name"] == "safety_input")
    # Triage (patterns plus the crisis classifier) catches it before classification; the
    # label set reports an unresponsive person as cardiac, with guidance for the unconscious.
    assert screen["output"]["requires_escalation"] is True
    assert screen["output"]["category"] == "cardiac" and screen["output"]["tier"] == "911"
    assert "cannot be woken" in body["final_response"]
    assert body["intent"] == "emergency" and body["requires_escalation"] is True
    assert "911" in body["final_response"]
    names = [s["name"] for s in body["steps"]]
    assert "execute_tool" not in names and "generate" not in names


async def test_escalation_is_a_workflow_staff_acknowledge(
    api: httpx.AsyncClient, demo_keys: dict[str, str], temporal_client: Client
) -> None:
    resp = await api.post(
        "/api/v1/pipelines",
        json={"prompt": "my dad is slurring his words and his face is drooping"},
        headers=key_headers(demo_keys["harborview-patient-5"]),
    )
    body = resp.json()
    step = next(s for s in body["steps"] if s["name"] == "escalation")
    ref = step["output"]["escalation_id"]
    # Visible in Temporal as its own workflow, outliving the turn that started it.
    desc = await temporal_client.get_workflow_handle(ref).describe()
    assert desc.workflow_type == "EscalationWorkflow"
    assert desc.status == WorkflowExecutionStatus.RUNNING

    patient = key_headers(demo_keys["harborview-patient-5"])
    nurse = key_headers(demo_keys["harborview-reception"])
    other_clinic = key_headers(demo_keys["riverside-admin"])
    assert (await api.get("/api/v1/escalations", headers=patient)).status_code == 403
    assert (await api.get(f"/api/v1/escalations/{ref}", headers=other_clinic)).status_code == 404
    listed = (await api.get("/api/v1/escalations?status=open", headers=nurse)).json()
    assert ref in [e["id"] for e in listed]

    acked = await api.post(
        f"/api/v1/escalations/{ref}/acknowledge", json={"note": "called"}, headers=nurse
    )
    assert acked.status_code == 200, acked.text
    assert acked.json()["status"] == "acknowledged"
    handle = temporal_client.get_workflow_handle_for(EscalationWorkflow.run, ref)
    assert (await handle.result()).status == "acknowledged"
    closed = await api.post(f"/api/v1/escalations/{ref}/acknowledge", json={}, headers=nurse)
    assert closed.status_code == 409
