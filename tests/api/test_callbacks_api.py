"""/api/v1/callbacks through HTTP, callbacks asked for in chat, and the reminders bookings get."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from temporalio.client import Client, WorkflowExecutionStatus

from core.callbacks import reminder_id
from store.keys import hash_api_key
from store.models import ApiKey, Appointment, Callback, User
from store.timeutil import now_local, to_utc_naive
from tests.conftest import key_headers
from tests.helpers import bookable_slot, rows
from worker import Engines
from workflows.callbacks import CallbackWorkflow
from workflows.reminders import AppointmentReminderWorkflow

CALLBACKS = "/api/v1/callbacks"
PIPELINES = "/api/v1/pipelines"
TZ = "America/New_York"  # Harborview's


def _local(days: int, hour: int) -> datetime:
    """A naive wall-clock time at the clinic, `days` from today."""
    day = now_local(TZ).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour)


def _error(resp: httpx.Response, status: int, code: str) -> None:
    assert resp.status_code == status, resp.text
    error = resp.json()["error"]
    assert error["code"] == code and error["message"] and error["request_id"]


async def _confirmed(
    api: httpx.AsyncClient, headers: dict[str, str], prompt: str
) -> httpx.Response:
    """A cancel or reschedule runs only on the user's yes in the next turn."""
    session = uuid.uuid4().hex
    asked = await api.post(
        PIPELINES, json={"prompt": prompt, "session_id": session}, headers=headers
    )
    assert "Please confirm" in asked.json()["final_response"], asked.text
    return await api.post(PIPELINES, json={"prompt": "yes", "session_id": session}, headers=headers)


async def _until(check: Callable[[], Awaitable[bool]], what: str) -> None:
    for _ in range(300):
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def test_patient_schedules_moves_and_cancels_a_callback(
    api: httpx.AsyncClient, demo_keys: dict[str, str], temporal_client: Client
) -> None:
    me = key_headers(demo_keys["harborview-patient-8"])
    due = _local(2, 10)
    created = await api.post(
        CALLBACKS,
        json={"due_at": due.isoformat(), "reason": "lab results"},
        headers=me | {"Idempotency-Key": "cb-create-1"},
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["status"] == "scheduled" and body["source"] == "api"
    # A time without an offset is the clinic's wall clock.
    assert body["due_local"].startswith(due.isoformat())
    cb_id = body["id"]
    handle = temporal_client.get_workflow_handle_for(CallbackWorkflow.run, cb_id)
    assert (await handle.describe()).status == WorkflowExecutionStatus.RUNNING

    again = await api.post(
        CALLBACKS,
        json={"due_at": due.isoformat(), "reason": "lab results"},
        headers=me | {"Idempotency-Key": "cb-create-1"},
    )
    assert again.status_code == 201 and again.json()["id"] == cb_id
    mine = (await api.get(CALLBACKS, headers=me)).json()
    assert [c["id"] for c in mine].count(cb_id) == 1

    new_due = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    moved = await api.patch(
        f"{CALLBACKS}/{cb_id}", json={"due_at": new_due.isoformat()}, headers=me
    )
    assert moved.status_code == 200, moved.text
    assert datetime.fromisoformat(moved.json()["due_at"]) == new_due
    assert (await handle.query(CallbackWorkflow.get_status)).due_at == new_due
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    _error(
        await api.patch(f"{CALLBACKS}/{cb_id}", json={"due_at": past}, headers=me),
        422,
        "in_the_past",
    )

    cancelled = await api.delete(f"{CALLBACKS}/{cb_id}", headers=me)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert (await handle.result()).status == "cancelled"
    _error(await api.delete(f"{CALLBACKS}/{cb_id}", headers=me), 409, "callback_closed")
    later = (datetime.now(UTC) + timedelta(days=5)).isoformat()
    _error(
        await api.patch(f"{CALLBACKS}/{cb_id}", json={"due_at": later}, headers=me),
        409,
        "callback_closed",
    )


async def test_callbacks_stay_within_their_patient_and_clinic(
    api: httpx.AsyncClient, demo_keys: dict[str, str], engines: Engines
) -> None:
    patient = key_headers(demo_keys["harborview-patient-8"])
    reception = key_headers(demo_keys["harborview-reception"])
    created = await api.post(CALLBACKS, json={"due_at": _local(1, 15).isoformat()}, headers=patient)
    assert created.status_code == 201, created.text
    cb_id, patient_id = created.json()["id"], created.json()["patient_id"]

    other_patient = key_headers(demo_keys["harborview-patient-2"])
    other_clinic = key_headers(demo_keys["riverside-admin"])
    assert cb_id not in [c["id"] for c in (await api.get(CALLBACKS, headers=other_patient)).json()]
    _error(await api.get(f"{CALLBACKS}/{cb_id}", headers=other_patient), 404, "not_found")
    _error(await api.delete(f"{CALLBACKS}/{cb_id}", headers=other_patient), 404, "not_found")
    _error(await api.get(f"{CALLBACKS}/{cb_id}", headers=other_clinic), 404, "not_found")
    _error(await api.delete(f"{CALLBACKS}/{cb_id}", headers=other_clinic), 404, "not_found")
    assert cb_id not in [c["id"] for c in (await api.get(CALLBACKS, headers=other_clinic)).json()]
    listed = await api.get(
        f"{CALLBACKS}?status=scheduled&patient_id={patient_id}", headers=reception
    )
    assert cb_id in [c["id"] for c in listed.json()]

    # Staff schedule for a patient of their own clinic, and must say which.
    for_patient = await api.post(
        CALLBACKS,
        json={"patient_id": patient_id, "due_at": _local(1, 11).isoformat(), "reason": "refill"},
        headers=reception,
    )
    assert for_patient.status_code == 201, for_patient.text
    assert for_patient.json()["patient_id"] == patient_id
    (row,) = await rows(engines, Callback, Callback.id == for_patient.json()["id"])
    assert row.requested_by is not None and row.requested_by != row.patient_id
    soon = _local(1, 11).isoformat()
    _error(
        await api.post(CALLBACKS, json={"due_at": soon}, headers=reception), 422, "patient_required"
    )
    _error(
        await api.post(
            CALLBACKS, json={"patient_id": patient_id, "due_at": soon}, headers=other_clinic
        ),
        404,
        "not_found",
    )
    _error(
        await api.post(
            CALLBACKS, json={"patient_id": patient_id, "due_at": soon}, headers=other_patient
        ),
        403,
        "forbidden",
    )


async def test_callback_validation_errors_are_typed(
    api: httpx.AsyncClient, demo_keys: dict[str, str]
) -> None:
    me = key_headers(demo_keys["harborview-patient-8"])
    past = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    _error(await api.post(CALLBACKS, json={"due_at": past}, headers=me), 422, "in_the_past")
    far = (datetime.now(UTC) + timedelta(days=400)).isoformat()
    _error(await api.post(CALLBACKS, json={"due_at": far}, headers=me), 422, "too_far")
    _error(await api.post(CALLBACKS, json={"reason": "x"}, headers=me), 422, "validation_error")
    _error(
        await api.post(CALLBACKS, json={"due_at": "tomorrow"}, headers=me), 422, "validation_error"
    )
    _error(await api.get(CALLBACKS, headers={}), 401, "unauthenticated")


async def test_chat_turn_schedules_a_callback(
    api: httpx.AsyncClient, demo_keys: dict[str, str], engines: Engines, temporal_client: Client
) -> None:
    me = key_headers(demo_keys["harborview-patient-8"])
    resp = await api.post(
        PIPELINES, json={"prompt": "please call me back tomorrow at 10am"}, headers=me
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["intent"] == "schedule_callback"
    assert "will call you on" in body["final_response"], body["final_response"]
    step = next(s for s in body["steps"] if s["name"] == "execute_tool")
    assert step["output"]["tool"] == "schedule_callback" and step["output"]["ok"] is True

    due = to_utc_naive(_local(1, 10), TZ)
    (row,) = await rows(
        engines,
        Callback,
        Callback.patient_id == body["request"]["patient_id"],
        Callback.source == "chat",
        Callback.due_at == due,
    )
    assert row.status == "scheduled" and "call me back" in row.reason
    handle = temporal_client.get_workflow_handle_for(CallbackWorkflow.run, row.id)
    assert (await handle.query(CallbackWorkflow.get_status)).status == "scheduled"
    listed = (await api.get(CALLBACKS, headers=me)).json()
    assert row.id in [c["id"] for c in listed]

    # Without a time there is nothing to schedule: the assistant asks when.
    vague = await api.post(PIPELINES, json={"prompt": "can someone call me back?"}, headers=me)
    assert vague.json()["intent"] == "schedule_callback"
    assert "When should we call you back" in vague.json()["final_response"]


async def _book(api: httpx.AsyncClient, engines: Engines, headers: dict[str, str]) -> Appointment:
    staff, phrase, start = await bookable_slot(engines, hour=15, min_days=3)
    booked = await api.post(
        PIPELINES, json={"prompt": f"Book me with {staff.full_name} {phrase}"}, headers=headers
    )
    assert "You're booked" in booked.json()["final_response"], booked.text
    (appt,) = await rows(
        engines,
        Appointment,
        Appointment.staff_id == staff.id,
        Appointment.start_time == to_utc_naive(start, TZ),
        Appointment.status == "confirmed",
    )
    return appt


def _reminder(client: Client, appt: Appointment) -> Any:
    return client.get_workflow_handle_for(
        AppointmentReminderWorkflow.run, reminder_id(1, appt.id or 0)
    )


async def test_booking_gets_a_reminder_that_follows_the_appointment(
    api: httpx.AsyncClient, demo_keys: dict[str, str], engines: Engines, temporal_client: Client
) -> None:
    me = key_headers(demo_keys["harborview-patient-8"])
    appt = await _book(api, engines, me)
    handle = _reminder(temporal_client, appt)
    status = await handle.query(AppointmentReminderWorkflow.get_status)
    assert status.status == "scheduled"
    assert status.remind_at == appt.start_time.replace(tzinfo=UTC) - timedelta(hours=24)

    _, phrase, new_start = await bookable_slot(engines, hour=11, staff_id=appt.staff_id, min_days=4)
    moved = await _confirmed(api, me, f"Please reschedule my appointment #{appt.id} to {phrase}")
    assert "now on" in moved.json()["final_response"], moved.text
    new_utc = to_utc_naive(new_start, TZ).replace(tzinfo=UTC)

    async def followed() -> bool:
        now = await handle.query(AppointmentReminderWorkflow.get_status)
        return bool(now.start_at == new_utc)

    await _until(followed, "the reminder to move")

    cancelled = await _confirmed(api, me, f"Please cancel my appointment #{appt.id}")
    assert "is cancelled" in cancelled.json()["final_response"], cancelled.text

    async def finished() -> bool:
        return (await handle.describe()).status != WorkflowExecutionStatus.RUNNING

    await _until(finished, "the reminder to be cancelled")
    final = await handle.result()
    assert final.status == "cancelled" and final.sent_at is None


async def test_cancelling_an_appointment_without_a_reminder_still_works(
    api: httpx.AsyncClient, demo_keys: dict[str, str], engines: Engines
) -> None:
    # Booked outside chat (no reminder runs): the cancel's signal finds no workflow, and the
    # turn must not fail for it.
    me = key_headers(demo_keys["harborview-patient-8"])
    staff, _, start = await bookable_slot(engines, hour=9, min_days=5)
    begin = to_utc_naive(start, TZ)
    (key,) = await rows(
        engines, ApiKey, ApiKey.key_hash == hash_api_key(demo_keys["harborview-patient-8"])
    )
    (user,) = await rows(engines, User, User.id == key.user_id)
    patient_id = user.patient_id
    async with engines.sessions() as session:
        appt = Appointment(
            tenant_id=1,
            patient_id=patient_id,
            staff_id=staff.id or 0,
            site_id=staff.site_id,
            provider_name=staff.full_name,
            start_time=begin,
            end_time=begin + timedelta(minutes=staff.slot_minutes),
        )
        session.add(appt)
        await session.commit()
    resp = await _confirmed(api, me, f"Please cancel my appointment #{appt.id}")
    assert resp.status_code == 200, resp.text
    assert "is cancelled" in resp.json()["final_response"], resp.text
    assert resp.json()["steps"][-1]["name"] == "persist"
