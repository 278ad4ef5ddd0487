"""Moving an appointment by prompt: the slots name it, the new time comes after "to"."""

from __future__ import annotations

import httpx

from store.models import Appointment
from store.timeutil import to_utc_naive
from tests.conftest import key_headers
from tests.helpers import bookable_slot, rows
from worker import Engines

PIPELINES = "/api/v1/pipelines"


async def test_reschedule_moves_the_same_appointment(
    api: httpx.AsyncClient, demo_keys: dict[str, str], engines: Engines
) -> None:
    headers = key_headers(demo_keys["harborview-patient-7"])
    staff, phrase, start = await bookable_slot(engines, hour=9)
    booked = await api.post(
        PIPELINES, json={"prompt": f"Book me with {staff.full_name} {phrase}"}, headers=headers
    )
    assert "You're booked" in booked.json()["final_response"], booked.text
    appt = (
        await rows(
            engines,
            Appointment,
            Appointment.staff_id == staff.id,
            Appointment.start_time == to_utc_naive(start, "America/New_York"),
        )
    )[0]
    _, new_phrase, new_start = await bookable_slot(engines, hour=11, staff_id=staff.id)
    session = f"move-{appt.id}"
    asked = await api.post(
        PIPELINES,
        json={
            "prompt": f"Please reschedule my appointment #{appt.id} to {new_phrase}",
            "session_id": session,
        },
        headers=headers,
    )
    assert "Please confirm: move" in asked.json()["final_response"], asked.text
    # A reschedule waits for the patient's yes in the next turn.
    moved = await api.post(
        PIPELINES, json={"prompt": "yes", "session_id": session}, headers=headers
    )
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert body["intent"] == "reschedule_appointment"
    assert "now on" in body["final_response"], body["final_response"]
    (after,) = await rows(engines, Appointment, Appointment.id == appt.id)
    assert after.start_time == to_utc_naive(new_start, "America/New_York")
    assert after.status == "confirmed"


async def test_handoff_gives_the_front_desk(
    api: httpx.AsyncClient, demo_keys: dict[str, str]
) -> None:
    resp = await api.post(
        PIPELINES,
        json={"prompt": "I'd like to talk to a real person please"},
        headers=key_headers(demo_keys["harborview-patient-7"]),
    )
    body = resp.json()
    # Reported with the product's label (a call from a person); answered with the numbers.
    assert body["intent"] == "schedule_callback"
    assert "front desk" in body["final_response"] and "555" in body["final_response"]
    # The classify step records the finer intent, why, and what came second.
    (step,) = [s for s in body["steps"] if s["name"] == "classify"]
    assert step["output"]["intent"] == "human_handoff"
    assert step["output"]["decided_by"] == "similarity"
    assert step["output"]["runner_up"] and "runner_up_confidence" in step["output"]
