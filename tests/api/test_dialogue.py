"""Dialogue state across turns, through the API: picks from what was offered (by ordinal,
value and attribute), constraints kept, corrections, a clarified cancel, a follow-up
question, a parked task resumed, "never mind"."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import httpx
from temporalio.client import Client

from core.dialogue import DialogueState, Option
from store.models import Appointment, Staff
from store.timeutil import to_utc_naive
from tests.conftest import key_headers
from tests.helpers import bookable_slot, local_activities, rows
from worker import Engines
from workflows.conversation import ConversationWorkflow, conversation_workflow_id

PIPELINES = "/api/v1/pipelines"
TZ = "America/New_York"


class Chat:
    def __init__(self, api: httpx.AsyncClient, client: Client, key: str) -> None:
        self.api, self.client, self.key = api, client, key
        self.session = f"dialogue-{uuid.uuid4().hex[:10]}"

    async def say(self, prompt: str) -> dict[str, Any]:
        resp = await self.api.post(
            PIPELINES,
            json={"prompt": prompt, "session_id": self.session},
            headers=key_headers(self.key),
        )
        assert resp.status_code == 200, resp.text
        body: dict[str, Any] = resp.json()
        return body

    async def state(self) -> DialogueState:
        handle = self.client.get_workflow_handle(conversation_workflow_id(1, self.session))
        state = await handle.query(ConversationWorkflow.get_dialogue)
        assert state is not None
        return state

    async def offered(self) -> list[Option]:
        task = (await self.state()).task
        assert task is not None and task.offered, "nothing was offered"
        return task.offered


def move_of(body: dict[str, Any]) -> str:
    (step,) = [s for s in body["steps"] if s["name"] == "dialogue"]
    move: str = step["output"]["move"]
    return move


async def booked(engines: Engines, option: Option) -> list[Appointment]:
    assert option.start_local is not None
    start = datetime.fromisoformat(option.start_local).replace(tzinfo=None)
    return await rows(
        engines,
        Appointment,
        Appointment.staff_id == option.staff_id,
        Appointment.start_time == to_utc_naive(start, TZ),
        Appointment.status == "confirmed",
    )


async def test_pick_by_ordinal_books_that_option(
    api: httpx.AsyncClient, temporal_client: Client, demo_keys: dict[str, str], engines: Engines
) -> None:
    chat = Chat(api, temporal_client, demo_keys["harborview-patient-10"])
    first = await chat.say("Can I book with Dr. Chen next Tuesday?")
    assert "2. Dr. Maya Chen" in first["final_response"]
    offered = await chat.offered()
    assert all(o.provider_name == "Dr. Maya Chen" for o in offered)
    body = await chat.say("the second one")
    assert move_of(body) == "pick"
    assert "You're booked" in body["final_response"]
    assert len(await booked(engines, offered[1])) == 1
    assert (await chat.state()).task is None  # done: nothing left open


async def test_pick_by_value_and_by_attribute(
    api: httpx.AsyncClient, temporal_client: Client, demo_keys: dict[str, str], engines: Engines
) -> None:
    chat = Chat(api, temporal_client, demo_keys["harborview-patient-6"])
    await chat.say("I want to see Dr. Okafor next Tuesday morning")
    offered = await chat.offered()
    third = datetime.fromisoformat(offered[2].start_local or "")
    body = await chat.say(f"{third:%-I:%M} works")
    assert move_of(body) == "pick", body["final_response"]
    assert len(await booked(engines, offered[2])) == 1

    again = Chat(api, temporal_client, demo_keys["harborview-patient-6"])
    await again.say("any openings with Dr. Okafor next Tuesday afternoon?")
    listed = await again.offered()
    body = await again.say("the latest one please")
    latest = max(listed, key=lambda o: o.start_local or "")
    assert move_of(body) == "pick"
    assert len(await booked(engines, latest)) == 1


async def test_constraints_are_kept_and_corrections_replace(
    api: httpx.AsyncClient, temporal_client: Client, demo_keys: dict[str, str]
) -> None:
    chat = Chat(api, temporal_client, demo_keys["harborview-patient-7"])
    await chat.say("I'd like to see a doctor")
    await chat.say("sometime next week, mornings are best")
    week = await chat.offered()
    days = {datetime.fromisoformat(o.start_local or "").date() for o in week}
    assert all(datetime.fromisoformat(o.start_local or "").hour < 12 for o in week)
    body = await chat.say("Dr. Chen please")
    assert move_of(body) in ("narrow", "fill")
    chen = await chat.offered()
    assert chen and all(o.provider_name == "Dr. Maya Chen" for o in chen)
    assert all(datetime.fromisoformat(o.start_local or "").hour < 12 for o in chen)
    assert min(days) <= min(datetime.fromisoformat(o.start_local or "").date() for o in chen)

    fix = Chat(api, temporal_client, demo_keys["harborview-patient-7"])
    await fix.say("book me with Dr. Okafor next Monday afternoon")
    body = await fix.say("actually Tuesday")
    assert move_of(body) == "fill"
    tuesday = await fix.offered()
    assert {datetime.fromisoformat(o.start_local or "").weekday() for o in tuesday} == {1}
    assert all(o.provider_name == "Dr. Samuel Okafor" for o in tuesday)
    assert all(datetime.fromisoformat(o.start_local or "").hour >= 12 for o in tuesday)


async def test_clarified_cancel_goes_through_confirmation(
    api: httpx.AsyncClient, temporal_client: Client, demo_keys: dict[str, str], engines: Engines
) -> None:
    (ortega,) = await rows(engines, Staff, Staff.full_name == "Dr. Lucas Ortega")
    staff, phrase, start = await bookable_slot(engines, hour=10, staff_id=ortega.id, min_days=2)
    chat = Chat(api, temporal_client, demo_keys["harborview-patient-8"])
    made = await chat.say(f"Book me with {staff.full_name} {phrase}")
    assert "You're booked" in made["final_response"], made["final_response"]
    asked = await chat.say("I need to cancel an appointment")
    assert "Ortega" in asked["final_response"], asked["final_response"]
    body = await chat.say("the one with Dr. Ortega")
    assert "confirm" in body["final_response"].lower(), body["final_response"]
    assert "Ortega" in body["final_response"]
    done = await chat.say("yes please")
    assert "cancel" in done["final_response"].lower(), done["final_response"]
    (appt,) = await rows(
        engines,
        Appointment,
        Appointment.staff_id == ortega.id,
        Appointment.start_time == to_utc_naive(start, TZ),
        Appointment.patient_id == done["request"]["patient_id"],
    )
    assert appt.status == "cancelled"


async def test_follow_up_question_keeps_the_subject(
    api: httpx.AsyncClient, temporal_client: Client, demo_keys: dict[str, str]
) -> None:
    chat = Chat(api, temporal_client, demo_keys["harborview-patient-5"])
    await chat.say("What are the opening hours at Westside?")
    body = await chat.say("what about the other office?")
    assert move_of(body) == "followup"
    assert body["intent"] != "out_of_scope" or "Downtown" in body["final_response"]
    assert "Downtown" in body["final_response"], body["final_response"]


async def test_parked_task_is_offered_back_and_resumed(
    api: httpx.AsyncClient, temporal_client: Client, demo_keys: dict[str, str], engines: Engines
) -> None:
    chat = Chat(api, temporal_client, demo_keys["harborview-patient-9"])
    await chat.say("Can I get an appointment with Dr. Ortega next Thursday?")
    await chat.offered()
    aside = await chat.say("Is my insurance still active?")
    assert move_of(aside) == "switch"
    assert "get back to" in aside["final_response"]
    state = await chat.state()
    assert state.parked is not None and state.offered_resume
    back = await chat.say("yes")
    assert move_of(back) == "fill"
    offered = await chat.offered()
    done = await chat.say("the first one")
    assert "You're booked" in done["final_response"]
    assert len(await booked(engines, offered[0])) == 1


async def test_never_mind_drops_the_task(
    api: httpx.AsyncClient, temporal_client: Client, demo_keys: dict[str, str]
) -> None:
    chat = Chat(api, temporal_client, demo_keys["harborview-patient-4"])
    await chat.say("I'd like to book with Dr. Raman next Wednesday")
    body = await chat.say("never mind")
    assert move_of(body) == "clear"
    assert "nothing was booked" in body["final_response"]
    assert (await chat.state()).task is None


async def test_a_provider_off_that_day_gets_the_nearest_times(
    api: httpx.AsyncClient, temporal_client: Client, demo_keys: dict[str, str]
) -> None:
    chat = Chat(api, temporal_client, demo_keys["harborview-patient-5"])
    # Dr. Ortega works no Wednesday: said so, with his nearest open times instead.
    body = await chat.say("Can I see Dr. Ortega next Wednesday?")
    assert "There are no open times with Dr. Lucas Ortega on Wednesday" in body["final_response"]
    offered = await chat.offered()
    assert offered and all(o.provider_name == "Dr. Lucas Ortega" for o in offered)
    assert all(datetime.fromisoformat(o.start_local or "").weekday() != 2 for o in offered)


async def test_staff_pick_books_for_the_patient_named_earlier(
    api: httpx.AsyncClient, temporal_client: Client, demo_keys: dict[str, str], engines: Engines
) -> None:
    chat = Chat(api, temporal_client, demo_keys["harborview-reception"])
    await chat.say("Find Robert Fitzgerald a time with Dr. Raman next Wednesday")
    task = (await chat.state()).task
    assert task is not None and task.acting_patient is not None and task.offered
    first = task.offered[0]
    body = await chat.say("the first one")
    assert move_of(body) == "pick"
    (appt,) = await booked(engines, first)
    assert appt.patient_id == task.acting_patient


async def test_a_next_turn_reads_the_dialogue_within_the_understanding_activity(
    api: httpx.AsyncClient, temporal_client: Client, demo_keys: dict[str, str]
) -> None:
    """A turn with dialogue state costs no activity more than a first turn: the dialogue
    step is still recorded for the UI, but its reading ran inside `understand`."""
    chat = Chat(api, temporal_client, demo_keys["harborview-patient-9"])
    await chat.say("Can I book with Dr. Chen next Tuesday?")
    body = await chat.say("the first one")
    assert move_of(body) == "pick"
    history = await temporal_client.get_workflow_handle(body["workflow_id"]).fetch_history()
    scheduled = [
        e.activity_task_scheduled_event_attributes.activity_type.name
        for e in history.events
        if e.HasField("activity_task_scheduled_event_attributes")
    ]
    ran = scheduled + local_activities(history)
    assert "understand" in ran and "follow_dialogue" not in ran, ran
