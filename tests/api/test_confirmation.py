"""Destructive and multi-step plans wait for the user's yes in the next turn; without it
nothing changes, with it they run once, in order, stopping at the first failure."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
from sqlmodel import col
from temporalio.client import Client

from api.turns import run_turn
from core.payloads import Caller, TurnInput
from core.settings import Settings
from store.models import ActionExecution, Appointment, Staff
from store.timeutil import to_utc_naive
from tests.conftest import key_headers
from tests.helpers import bookable_slot, rows
from worker import Engines
from workflows.conversation import ConversationWorkflow, conversation_workflow_id

PIPELINES = "/api/v1/pipelines"
TZ = "America/New_York"


async def _turn(
    api: httpx.AsyncClient, headers: dict[str, str], session: str, prompt: str
) -> dict[str, Any]:
    resp = await api.post(
        PIPELINES, json={"prompt": prompt, "session_id": session}, headers=headers
    )
    assert resp.status_code == 200, resp.text
    body: dict[str, Any] = resp.json()
    return body


def _confirmation(body: dict[str, Any]) -> dict[str, Any]:
    (step,) = [s for s in body["steps"] if s["name"] == "confirmation"]
    return step


def _tools_run(body: dict[str, Any]) -> list[str]:
    return [s["output"]["tool"] for s in body["steps"] if s["name"] == "execute_tool"]


async def _book(
    api: httpx.AsyncClient, engines: Engines, headers: dict[str, str], *, hour: int, days: int
) -> tuple[Appointment, Staff]:
    """An appointment booked by prompt (a booking in the user's own words runs at once)."""
    staff, phrase, start = await bookable_slot(engines, hour=hour, min_days=days)
    body = await _turn(api, headers, uuid.uuid4().hex, f"Book me with {staff.full_name} {phrase}")
    assert "You're booked" in body["final_response"], body["final_response"]
    (appt,) = await rows(
        engines,
        Appointment,
        Appointment.staff_id == staff.id,
        Appointment.start_time == to_utc_naive(start, TZ),
        Appointment.status == "confirmed",
    )
    return appt, staff


async def _status(engines: Engines, appt: Appointment) -> tuple[str, Any]:
    (now,) = await rows(engines, Appointment, Appointment.id == appt.id)
    return now.status, now.start_time


async def _actions(engines: Engines, session: str) -> list[ActionExecution]:
    found = await rows(
        engines, ActionExecution, col(ActionExecution.idempotency_key).startswith(f"{session}:")
    )
    return sorted(found, key=lambda a: a.idempotency_key)


async def _pending(client: Client, session: str) -> Any:
    handle = client.get_workflow_handle(conversation_workflow_id(1, session))
    return await handle.query(ConversationWorkflow.get_pending)


async def test_cancel_waits_for_yes_and_runs_once(
    api: httpx.AsyncClient, demo_keys: dict[str, str], engines: Engines, temporal_client: Client
) -> None:
    me = key_headers(demo_keys["harborview-patient-10"])
    appt, staff = await _book(api, engines, me, hour=9, days=3)
    session = uuid.uuid4().hex
    asked = await _turn(api, me, session, f"Please cancel my appointment #{appt.id}")
    reply = asked["final_response"]
    assert reply.startswith(f"Please confirm: cancel your appointment with {staff.full_name}"), (
        reply
    )
    assert "Reply yes to confirm" in reply
    assert _confirmation(asked)["status"] == "awaiting"
    assert _tools_run(asked) == [], "nothing may run before the yes"
    assert await _status(engines, appt) == ("confirmed", appt.start_time)
    pending = await _pending(temporal_client, session)
    assert pending.status == "awaiting" and [c.name for c in pending.calls] == [
        "cancel_appointment"
    ]
    assert pending.turn_id == asked["turn_id"]

    confirmed = await _turn(api, me, session, "Yes please")
    assert "is cancelled" in confirmed["final_response"], confirmed["final_response"]
    assert _confirmation(confirmed)["status"] == "confirmed"
    assert _tools_run(confirmed) == ["cancel_appointment"]
    assert (await _status(engines, appt))[0] == "cancelled"
    assert await _pending(temporal_client, session) is None
    mine = await rows(engines, Appointment, Appointment.patient_id == appt.patient_id)
    before = {a.id: a.status for a in mine}

    # A second yes has no plan to confirm: nothing else is cancelled, nothing runs again.
    again = await _turn(api, me, session, "yes")
    assert _tools_run(again) == []
    mine = await rows(engines, Appointment, Appointment.patient_id == appt.patient_id)
    assert {a.id: a.status for a in mine} == before
    (action,) = await _actions(engines, session)
    assert action.action == "cancel_appointment"
    assert action.idempotency_key == f"{session}:{asked['turn_id']}:0:cancel_appointment"


async def test_no_keeps_the_appointment(
    api: httpx.AsyncClient, demo_keys: dict[str, str], engines: Engines, temporal_client: Client
) -> None:
    me = key_headers(demo_keys["harborview-patient-9"])
    appt, _ = await _book(api, engines, me, hour=10, days=3)
    session = uuid.uuid4().hex
    await _turn(api, me, session, f"cancel appointment #{appt.id}")
    declined = await _turn(api, me, session, "No, keep it")
    assert declined["final_response"].startswith("OK, I won't cancel your appointment")
    assert "Nothing was changed." in declined["final_response"]
    assert _confirmation(declined)["status"] == "declined"
    assert await _status(engines, appt) == ("confirmed", appt.start_time)
    assert await _pending(temporal_client, session) is None
    assert await _actions(engines, session) == []


async def test_an_unrelated_message_drops_the_plan(
    api: httpx.AsyncClient, demo_keys: dict[str, str], engines: Engines, temporal_client: Client
) -> None:
    me = key_headers(demo_keys["harborview-patient-9"])
    appt, _ = await _book(api, engines, me, hour=11, days=3)
    session = uuid.uuid4().hex
    await _turn(api, me, session, f"cancel appointment #{appt.id}")
    other = await _turn(api, me, session, "What are your opening hours?")
    assert _confirmation(other)["status"] == "dropped"
    assert other["intent"] != "cancel_appointment"
    assert await _pending(temporal_client, session) is None
    # The plan is gone: a later yes finds nothing to run.
    await _turn(api, me, session, "yes")
    assert await _status(engines, appt) == ("confirmed", appt.start_time)
    assert await _actions(engines, session) == []


async def test_reschedule_requires_confirmation(
    api: httpx.AsyncClient, demo_keys: dict[str, str], engines: Engines
) -> None:
    me = key_headers(demo_keys["harborview-patient-10"])
    appt, staff = await _book(api, engines, me, hour=14, days=3)
    _, phrase, new_start = await bookable_slot(engines, hour=11, staff_id=staff.id, min_days=4)
    session = uuid.uuid4().hex
    asked = await _turn(
        api, me, session, f"Please reschedule my appointment #{appt.id} to {phrase}"
    )
    assert asked["final_response"].startswith(
        f"Please confirm: move your appointment with {staff.full_name}"
    )
    assert _tools_run(asked) == []
    assert await _status(engines, appt) == ("confirmed", appt.start_time)
    moved = await _turn(api, me, session, "go ahead")
    assert "now on" in moved["final_response"], moved["final_response"]
    assert await _status(engines, appt) == ("confirmed", to_utc_naive(new_start, TZ))


async def test_multi_step_cancel_then_book_the_earliest_slot(
    api: httpx.AsyncClient, demo_keys: dict[str, str], engines: Engines
) -> None:
    me = key_headers(demo_keys["harborview-patient-3"])
    appt, staff = await _book(api, engines, me, hour=15, days=2)
    session = uuid.uuid4().hex
    asked = await _turn(
        api,
        me,
        session,
        f"Cancel my appointment #{appt.id} and book the earliest slot with {staff.full_name} "
        "next week",
    )
    question = asked["final_response"]
    assert question.startswith("Please confirm, in this order: first cancel your appointment")
    assert f"then book an appointment with {staff.full_name} on " in question, question
    assert [s["output"]["intent"] for s in asked["steps"] if s["name"] == "classify"][1:] == [
        "cancel_appointment",
        "book_appointment",
    ]
    assert _tools_run(asked) == []
    assert await _status(engines, appt) == ("confirmed", appt.start_time)

    done = await _turn(api, me, session, "yes")
    assert _tools_run(done) == ["cancel_appointment", "create_appointment"]
    reply = done["final_response"]
    assert "is cancelled" in reply and f"You're booked with {staff.full_name}" in reply, reply
    assert (await _status(engines, appt))[0] == "cancelled"
    actions = await _actions(engines, session)
    assert [a.action for a in actions] == ["cancel_appointment", "create_appointment"]
    assert [a.idempotency_key.split(":")[2] for a in actions] == ["0", "1"]
    booked = await rows(
        engines,
        Appointment,
        Appointment.patient_id == appt.patient_id,
        Appointment.staff_id == staff.id,
        Appointment.status == "confirmed",
    )
    # The earliest open time next week, as the question named it.
    assert len(booked) == 1 and booked[0].id != appt.id


async def test_multi_step_stops_at_the_first_failure(
    api: httpx.AsyncClient, demo_keys: dict[str, str], engines: Engines
) -> None:
    me = key_headers(demo_keys["harborview-patient-3"])
    staff, phrase, start = await bookable_slot(engines, hour=16, min_days=5)
    session = uuid.uuid4().hex
    await _turn(
        api,
        me,
        session,
        f"Cancel my appointment #987654 and then book me with {staff.full_name} {phrase}",
    )
    done = await _turn(api, me, session, "yes")
    assert _tools_run(done) == ["cancel_appointment"], "the booking must not run"
    reply = done["final_response"]
    assert "I couldn't cancel appointment #987654" in reply, reply
    assert "So I did not book an appointment" in reply and "Nothing was changed." in reply
    assert (
        await rows(
            engines,
            Appointment,
            Appointment.start_time == to_utc_naive(start, TZ),
            Appointment.staff_id == staff.id,
        )
        == []
    )


async def test_unanswered_plan_expires_and_a_late_yes_changes_nothing(
    settings: Settings, temporal_client: Client, engines: Engines, worker: None
) -> None:
    short = settings.model_copy(update={"conversation_confirmation_timeout_s": 1})
    staff, phrase, start = await bookable_slot(engines, hour=13, min_days=6)
    # Patient 10: the other tests' patients keep their appointment counts.
    caller = Caller(tenant_id=1, user_id=1, role="patient", patient_id=10)
    booked = await run_turn(
        temporal_client,
        short,
        TurnInput(uuid.uuid4().hex, f"Book me with {staff.full_name} {phrase}", caller),
        uuid.uuid4().hex,
    )
    assert "You're booked" in booked.final_response, booked.final_response
    (appt,) = await rows(
        engines,
        Appointment,
        Appointment.staff_id == staff.id,
        Appointment.start_time == to_utc_naive(start, TZ),
    )
    session = f"expire-{uuid.uuid4().hex[:8]}"
    asked = await run_turn(
        temporal_client, short, TurnInput(uuid.uuid4().hex, f"cancel #{appt.id}", caller), session
    )
    assert asked.pending is not None and asked.pending.status == "awaiting"
    for _ in range(200):  # the timer fires about a second later
        pending = await _pending(temporal_client, session)
        if pending is not None and pending.status == "expired":
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the held plan never expired")
    late = await run_turn(
        temporal_client, short, TurnInput(uuid.uuid4().hex, "yes", caller), session
    )
    assert late.final_response.startswith("That request expired, so nothing was changed.")
    assert [s.status for s in late.steps if s.name == "confirmation"] == ["expired"]
    assert not [s for s in late.steps if s.name == "execute_tool"]
    assert await _status(engines, appt) == ("confirmed", appt.start_time)
    assert await _pending(temporal_client, session) is None
    assert await _actions(engines, session) == []
