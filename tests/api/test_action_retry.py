"""Actions that fail until an operator retries them: exhausted retries, the failed list,
retry and abandon, /execute's Idempotency-Key, and who may do what."""

from __future__ import annotations

from typing import Any

import httpx
from temporalio.client import Client

from core.actions import ACTION_FAILED_REPLY, retry_workflow_id
from store.models import ActionExecution, Appointment, AuditLog, Patient
from store.timeutil import to_utc_naive
from tests.conftest import Faults, key_headers
from tests.helpers import bookable_slot, rows
from worker import Engines
from workflows.policies import ACTION_WRITE

TZ = "America/New_York"
WRITE_ATTEMPTS = ACTION_WRITE.retry.maximum_attempts


async def _attempts(engines: Engines, key: str) -> list[dict[str, Any]]:
    audits = await rows(engines, AuditLog, AuditLog.action == "action_attempt")
    return [a.details for a in sorted(audits, key=lambda a: a.id) if a.details.get("key") == key]


async def _patient_id(engines: Engines, name: str) -> int:
    return (await rows(engines, Patient, Patient.full_name == name))[0].id


async def test_failed_booking_is_retried_by_staff_and_books_once(
    api: httpx.AsyncClient,
    demo_keys: dict[str, str],
    engines: Engines,
    faults: Faults,
    temporal_client: Client,
) -> None:
    staff, phrase, start = await bookable_slot(engines, hour=10, min_days=3)
    faults.fail("create_appointment", times=100)  # the database stays "down" for every try
    try:
        resp = await api.post(
            "/api/v1/pipelines",
            json={"prompt": f"Book me with {staff.full_name} {phrase}"},
            headers=key_headers(demo_keys["harborview-patient-7"]),
        )
    finally:
        faults.heal("create_appointment")
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert ACTION_FAILED_REPLY in body["final_response"], body["final_response"]
    step = next(s for s in body["steps"] if s["name"] == "execute_tool")
    assert step["status"] == "failed" and step["output"]["error_code"] == "action_failed"
    action_id = step["output"]["action_id"]
    key = step["input"]["idempotency_key"]
    patient_id = body["request"]["patient_id"]

    # Every attempt Temporal made is in the audit log, each in its own transaction.
    tried = await _attempts(engines, key)
    assert [a["attempt"] for a in tried] == list(range(1, WRITE_ATTEMPTS + 1))
    assert {a["outcome"] for a in tried} == {"error"}
    assert {a["error"] for a in tried} == {"ActionTransient"}

    staff_headers = key_headers(demo_keys["harborview-reception"])
    listed = await api.get("/api/v1/actions", params={"status": "failed"}, headers=staff_headers)
    assert listed.status_code == 200, listed.text
    row = next(a for a in listed.json()["actions"] if a["id"] == action_id)
    assert row["idempotency_key"] == key and row["action"] == "create_appointment"
    assert row["attempts"] == WRITE_ATTEMPTS and row["error"].startswith("ActionTransient")
    assert row["workflow_id"] == body["workflow_id"]
    assert row["rerun"]["workflow_id"] == retry_workflow_id(1, action_id, 1)
    assert row["rerun"]["input"]["idempotency_key"] == key
    booked_where = (
        Appointment.patient_id == patient_id,
        Appointment.start_time == to_utc_naive(start, TZ),
        Appointment.status != "cancelled",
    )
    assert await rows(engines, Appointment, *booked_where) == []

    retried = await api.post(f"/api/v1/actions/{action_id}/retry", headers=staff_headers)
    assert retried.status_code == 200, retried.text
    done = retried.json()
    assert done["status"] == "succeeded" and done["retries"] == 1
    assert done["result"]["ok"] is True and done["error"] is None
    assert len(await rows(engines, Appointment, *booked_where)) == 1
    ledger = await rows(engines, ActionExecution, ActionExecution.idempotency_key == key)
    assert len(ledger) == 1, "the retry completes the failed row, never adds one"
    assert ledger[0].attempts == WRITE_ATTEMPTS + 1

    tried = await _attempts(engines, key)
    assert [a["outcome"] for a in tried] == ["error"] * WRITE_ATTEMPTS + ["succeeded"]
    assert tried[-1]["retry"] == 1 and tried[-1]["requested_by"] is not None
    assert tried[-1]["workflow_id"] == retry_workflow_id(1, action_id, 1)
    # The retry is a workflow of its own, findable in the Temporal UI by id and tenant.
    desc = await temporal_client.get_workflow_handle(retry_workflow_id(1, action_id, 1)).describe()
    attrs = {p.key.name: p.value for p in desc.typed_search_attributes}
    assert attrs["TenantId"] == "1" and attrs["PatientId"] == str(patient_id)

    again = await api.post(f"/api/v1/actions/{action_id}/retry", headers=staff_headers)
    assert again.status_code == 409, again.text
    assert (
        await api.post(f"/api/v1/actions/{action_id}/abandon", headers=staff_headers)
    ).status_code == 409
    assert len(await rows(engines, Appointment, *booked_where)) == 1


async def test_abandoned_action_is_closed_for_good(
    api: httpx.AsyncClient, demo_keys: dict[str, str], engines: Engines, faults: Faults
) -> None:
    staff, _, start = await bookable_slot(engines, hour=14, min_days=3)
    headers = key_headers(demo_keys["harborview-reception"]) | {"Idempotency-Key": "abandon-1"}
    payload = {
        "action": "create_appointment",
        "params": {"staff_id": staff.id, "start_local": start.isoformat()},
        "patient_id": await _patient_id(engines, "Ethan Brooks"),
    }
    faults.fail("create_appointment", times=100)
    try:
        resp = await api.post("/api/v1/execute", json=payload, headers=headers)
    finally:
        faults.heal("create_appointment")
    assert resp.status_code == 200, resp.text
    out = resp.json()
    assert not out["ok"] and out["error_code"] == "action_failed"
    action_id = out["action_id"]

    staff_headers = key_headers(demo_keys["harborview-reception"])
    closed = await api.post(f"/api/v1/actions/{action_id}/abandon", headers=staff_headers)
    assert closed.status_code == 200 and closed.json()["status"] == "abandoned", closed.text
    assert closed.json()["rerun"] is None
    retry = await api.post(f"/api/v1/actions/{action_id}/retry", headers=staff_headers)
    assert retry.status_code == 409
    # The client re-sending its request cannot bring an abandoned action back.
    late = await api.post("/api/v1/execute", json=payload, headers=headers)
    assert late.status_code == 200 and late.json()["error_code"] == "action_abandoned"
    assert (
        await rows(
            engines,
            Appointment,
            Appointment.staff_id == staff.id,
            Appointment.start_time == to_utc_naive(start, TZ),
            Appointment.status != "cancelled",
        )
        == []
    )
    audits = await rows(engines, AuditLog, AuditLog.action == "action_abandoned")
    assert any(a.details.get("action_id") == action_id for a in audits)


async def test_execute_honours_the_idempotency_key(
    api: httpx.AsyncClient, demo_keys: dict[str, str], engines: Engines
) -> None:
    staff, _, start = await bookable_slot(engines, hour=16, min_days=3)
    headers = key_headers(demo_keys["harborview-patient-6"]) | {"Idempotency-Key": "exec-1"}
    payload = {
        "action": "create_appointment",
        "params": {"staff_id": staff.id, "start_local": start.isoformat()},
    }
    first = await api.post("/api/v1/execute", json=payload, headers=headers)
    second = await api.post("/api/v1/execute", json=payload, headers=headers)
    assert first.status_code == second.status_code == 200, second.text
    one, two = first.json(), second.json()
    assert one["ok"] and two["ok"] and two["replayed"] and not one["replayed"]
    assert one["result"]["appointments"][0]["id"] == two["result"]["appointments"][0]["id"]
    assert one["action_id"] == two["action_id"] and one["workflow_id"] == two["workflow_id"]
    booked = await rows(
        engines,
        Appointment,
        Appointment.staff_id == staff.id,
        Appointment.start_time == to_utc_naive(start, TZ),
        Appointment.status != "cancelled",
    )
    assert len(booked) == 1
    # The same key for a different request is a client bug, not a replay.
    other = payload | {
        "params": {"staff_id": staff.id, "start_local": start.replace(hour=17).isoformat()}
    }
    reused = await api.post("/api/v1/execute", json=other, headers=headers)
    assert reused.status_code == 409 and reused.json()["error"]["code"] == "idempotency_key_reused"


async def test_roles_and_tenants(
    api: httpx.AsyncClient, demo_keys: dict[str, str], engines: Engines
) -> None:
    patient = key_headers(demo_keys["harborview-patient-6"])
    reception = key_headers(demo_keys["harborview-reception"])
    other_clinic = key_headers(demo_keys["riverside-admin"])
    actions = await rows(engines, ActionExecution, ActionExecution.tenant_id == 1)
    assert actions, "earlier tests leave ledger rows"
    action_id = actions[0].id

    assert (await api.get("/api/v1/actions", headers=patient)).status_code == 403
    assert (
        await api.post(f"/api/v1/actions/{action_id}/retry", headers=patient)
    ).status_code == 403
    assert (await api.get(f"/api/v1/actions/{action_id}", headers=reception)).status_code == 200
    # Another clinic's action looks exactly like a missing one.
    assert (await api.get(f"/api/v1/actions/{action_id}", headers=other_clinic)).status_code == 404
    theirs = await api.post(f"/api/v1/actions/{action_id}/retry", headers=other_clinic)
    assert theirs.status_code == 404
    listed = (await api.get("/api/v1/actions", headers=other_clinic)).json()["actions"]
    assert all(a["id"] != action_id for a in listed)

    unknown = await api.post("/api/v1/execute", json={"action": "drop_tables"}, headers=reception)
    assert unknown.status_code == 422 and unknown.json()["error"]["code"] == "unknown_action"
    bad = await api.post(
        "/api/v1/execute",
        json={"action": "create_appointment", "params": {"staff_id": "x"}},
        headers=patient,
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_params"
    # An admin is front desk, not clinical: no refills.
    refill = await api.post(
        "/api/v1/execute",
        json={"action": "request_prescription_refill", "params": {"prescription_id": 1}},
        headers=key_headers(demo_keys["harborview-admin"]),
    )
    assert refill.status_code == 403
    riverside_patient = (await rows(engines, Patient, Patient.tenant_id != 1))[0].id
    foreign = await api.post(
        "/api/v1/execute",
        json={"action": "get_appointments", "patient_id": riverside_patient},
        headers=reception,
    )
    assert foreign.status_code == 404
    not_me = await api.post(
        "/api/v1/execute",
        json={"action": "get_appointments", "patient_id": await _patient_id(engines, "Grace Liu")},
        headers=patient,
    )
    assert not_me.status_code == 403
