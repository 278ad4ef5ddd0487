"""Booking by prompt creates exactly one appointment, even when the activity dies after commit."""

from __future__ import annotations

import httpx
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from store.models import ActionExecution, Appointment
from store.timeutil import to_utc_naive
from tests.conftest import Faults, key_headers
from tests.helpers import bookable_slot, rows
from worker import Engines


async def test_booking_survives_crash_after_commit(
    api: httpx.AsyncClient,
    demo_keys: dict[str, str],
    engines: Engines,
    faults: Faults,
    temporal_client: Client,
) -> None:
    staff, phrase, start = await bookable_slot(engines)
    faults.arm("create_appointment", times=1)
    resp = await api.post(
        "/api/v1/pipelines",
        json={"prompt": f"Book me with {staff.full_name} {phrase}"},
        headers=key_headers(demo_keys["harborview-patient-4"]),
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["intent"] == "book_appointment"
    assert f"You're booked with {staff.full_name}" in body["final_response"]
    assert len(faults.fired) == 1, "the crash after commit must have happened"

    patient_id = body["request"]["patient_id"]
    booked = await rows(
        engines,
        Appointment,
        Appointment.patient_id == patient_id,
        Appointment.start_time == to_utc_naive(start, "America/New_York"),
    )
    assert len(booked) == 1
    assert booked[0].staff_id == staff.id and booked[0].status == "confirmed"
    actions = await rows(
        engines, ActionExecution, ActionExecution.idempotency_key == faults.fired[0]
    )
    assert len(actions) == 1 and actions[0].action == "create_appointment"

    history = await temporal_client.get_workflow_handle(body["workflow_id"]).fetch_history()
    attempts = [
        e.activity_task_started_event_attributes.attempt
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
    ]
    assert max(attempts) == 2, "Temporal must have retried the failed create"
    step = next(s for s in body["steps"] if s["name"] == "execute_tool")
    assert step["output"]["replayed"] is True


async def test_same_idempotency_key_runs_the_turn_once(
    api: httpx.AsyncClient, demo_keys: dict[str, str], engines: Engines
) -> None:
    staff, phrase, start = await bookable_slot(engines, hour=11)
    headers = key_headers(demo_keys["harborview-patient-5"]) | {"Idempotency-Key": "retry-abc-1"}
    payload = {"prompt": f"Book me with {staff.full_name} {phrase}", "session_id": "idem-1"}
    first = await api.post("/api/v1/pipelines", json=payload, headers=headers)
    second = await api.post("/api/v1/pipelines", json=payload, headers=headers)
    assert first.status_code == second.status_code == 200, second.text
    assert first.json()["turn_id"] == second.json()["turn_id"]
    booked = await rows(
        engines,
        Appointment,
        Appointment.patient_id == first.json()["request"]["patient_id"],
        Appointment.start_time == to_utc_naive(start, "America/New_York"),
    )
    assert len(booked) == 1


async def test_a_refused_booking_still_names_the_provider(
    api: httpx.AsyncClient, demo_keys: dict[str, str]
) -> None:
    # 3 AM is never bookable: the tool's refusal names the provider, and PII redaction must
    # leave the clinic's own staff names alone (they are not a patient's data).
    resp = await api.post(
        "/api/v1/pipelines",
        json={"prompt": "Book me with Dr Chen tomorrow at 3 AM"},
        headers=key_headers(demo_keys["harborview-patient-4"]),
    )
    assert resp.status_code == 200, resp.text
    reply = resp.json()["final_response"]
    assert "Chen" in reply and "<PERSON>" not in reply, reply
