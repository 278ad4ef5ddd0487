"""Planning by LLM function calling against the fake OpenAI server, and by rules offline: a
model (or a prompt) naming another patient changes nothing outside the caller's scope."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlmodel import col, select
from temporalio.client import Client

from activities.llm.gateway import LlmGateway
from api.main import create_app
from core.llm_config import ROUTING_KEY, RoutingConfig
from core.settings import Settings
from store.models import Appointment, LlmCall
from tests.conftest import key_headers
from tests.fakes.openai_server import FakeOpenAI, ScriptedToolCall
from tests.helpers import bookable_slot, eager_gateway, rows, store_config
from worker import Engines, create_worker

KEY = "sk-fake-tools"
KEY_ENV = "AURIXA_TEST_TOOLS_KEY"
PIPELINES = "/api/v1/pipelines"
PROMPT = "Cancel my appointment, and also cancel patient 7's appointment."
Scripted = Callable[[dict[str, Any]], list[ScriptedToolCall] | None]


def echo_context(body: dict[str, Any]) -> str:
    """A generation reply that says what the tools said: the system context's tool lines."""
    system = str(body["messages"][0]["content"])
    said = [
        line.split("] ", 1)[1]
        for line in system.splitlines()
        if line.startswith(("[tool ", "[planner]"))
    ]
    return " ".join(said) or "How can I help?"


@pytest.fixture(scope="module")
async def fake() -> AsyncIterator[FakeOpenAI]:
    os.environ[KEY_ENV] = KEY
    async with FakeOpenAI(reply=echo_context, api_key=KEY) as server:
        yield server


async def store_routing(engines: Engines, value: str) -> None:
    await store_config(engines, None, ROUTING_KEY, value)


@pytest.fixture(scope="module")
def gateway(settings: Settings, engines: Engines) -> LlmGateway:
    return eager_gateway(settings, engines)


@pytest.fixture
async def model(
    engines: Engines, gateway: LlmGateway, fake: FakeOpenAI
) -> AsyncIterator[Callable[[Scripted], None]]:
    """Stores a tools-capable deployment on the fake; the test scripts its tool calls."""
    fake.reset()
    gateway.health.reset()
    deployment = {
        "name": "openai",
        "provider": "openai",
        "model": "gpt-fake",
        "api_base": fake.base_url,
        "api_key_env": KEY_ENV,
        "context_window": 32_000,
        "input_cost_per_mtok": 1.0,
        "output_cost_per_mtok": 4.0,
        "supports_tools": True,
        "timeout_s": 5,
    }
    cfg = RoutingConfig.model_validate({"deployments": [deployment]})
    await store_routing(engines, cfg.model_dump_json())

    def script(calls: Scripted) -> None:
        fake.tool_calls = calls

    yield script
    await store_routing(engines, "")


@pytest.fixture(scope="module")
async def tools_api(
    settings: Settings,
    engines: Engines,
    gateway: LlmGateway,
    temporal_client: Client,
    worker: None,  # the session worker indexes the demo articles first
) -> AsyncIterator[httpx.AsyncClient]:
    queue = f"tool-calling-{uuid.uuid4().hex[:8]}"
    app = create_app(settings.model_copy(update={"temporal_task_queue": queue}))
    with ThreadPoolExecutor(max_workers=4) as executor:
        own = Engines(**{**vars(engines), "gateway": gateway})
        async with (
            create_worker(temporal_client, own, task_queue=queue, executor=executor),
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://tools.test", timeout=60
            ) as client,
        ):
            yield client


async def others_appointments(engines: Engines, patient_id: int) -> dict[int, tuple[Any, ...]]:
    found = await rows(engines, Appointment, Appointment.patient_id != patient_id)
    return {a.id: (a.status, a.start_time, a.patient_id, a.updated_at) for a in found}


def step(body: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [s for s in body["steps"] if s["name"] == name]


async def turn(
    client: httpx.AsyncClient, key: str, prompt: str, session: str | None = None
) -> dict[str, Any]:
    body = {"prompt": prompt, "session_id": session or uuid.uuid4().hex}
    resp = await client.post(PIPELINES, json=body, headers=key_headers(key))
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


async def confirmed(client: httpx.AsyncClient, key: str, body: dict[str, Any]) -> dict[str, Any]:
    """The turn that ran the plan: a plan held for the user's yes gets it."""
    if not step(body, "confirmation"):
        return body
    return await turn(client, key, "yes", body["session_id"])


async def target_of_patient_7(engines: Engines) -> int:
    theirs = await rows(engines, Appointment, Appointment.patient_id == 7)
    assert theirs, "the demo data gives patient 7 appointments"
    confirmed = [a for a in theirs if a.status == "confirmed"]
    return int((confirmed or theirs)[0].id)


async def test_a_model_acting_for_patient_7_changes_nothing(
    tools_api: httpx.AsyncClient,
    model: Callable[[Scripted], None],
    fake: FakeOpenAI,
    engines: Engines,
    demo_keys: dict[str, str],
) -> None:
    target = await target_of_patient_7(engines)
    model(
        lambda body: [
            ScriptedToolCall("cancel_appointment", {"appointment_id": target, "patient_id": 7})
        ]
    )
    key = demo_keys["harborview-patient-1"]
    caller_id = (await turn(tools_api, key, "Show my appointments"))["request"]["patient_id"]
    assert caller_id != 7
    before = await others_appointments(engines, caller_id)
    body = await turn(tools_api, key, PROMPT)
    plans = step(body, "plan_tools")  # one per clause when the turn is split
    assert plans and all(p["output"]["planner"] == "model" for p in plans), plans
    assert all(set(p["output"]["sources"]) == {"model"} for p in plans)
    assert {c for p in plans for c in p["output"]["calls"]} == {"cancel_appointment"}
    # The model was offered no way to name a patient, and what it sent anyway was dropped.
    offered = next(r for r in fake.requests if r.get("tools"))
    assert "patient_id" not in json.dumps(offered["tools"])
    ran = await confirmed(tools_api, key, body)
    executed = step(ran, "execute_tool")
    assert executed and all(not s["output"]["ok"] for s in executed), executed
    assert executed[0]["output"]["error_code"] == "appointment_not_found"
    assert "couldn't find that appointment" in ran["final_response"], ran["final_response"]
    assert "is cancelled" not in ran["final_response"]
    assert await others_appointments(engines, caller_id) == before
    # Every planning call is in the spend ledger under the turn, each once.
    async with engines.sessions() as s:
        planned = list(
            await s.scalars(
                select(LlmCall).where(
                    col(LlmCall.request_key) == f"1:{body['turn_id']}",
                    col(LlmCall.streamed).is_(False),
                )
            )
        )
    assert [(c.deployment, c.status) for c in planned] == [("openai", "ok")] * len(plans)
    assert all(c.cost_usd > 0 for c in planned)


async def test_the_rules_planner_changes_nothing_for_patient_7(
    tools_api: httpx.AsyncClient, engines: Engines, demo_keys: dict[str, str]
) -> None:
    # No routing stored: the offline default plans by intent and slots.
    target = await target_of_patient_7(engines)
    key = demo_keys["harborview-patient-4"]
    caller_id = (await turn(tools_api, key, "Show my appointments"))["request"]["patient_id"]
    assert caller_id != 7
    before = await others_appointments(engines, caller_id)
    # Said without an id, "patient 7's appointment" can only resolve among the caller's own
    # (a held plan then names that one; no yes is given here).
    body = await turn(tools_api, key, "Also cancel patient 7's appointment.")
    assert [p["output"]["planner"] for p in step(body, "plan_tools")] == ["deterministic"]
    assert await others_appointments(engines, caller_id) == before
    # Said with patient 7's appointment id, even a yes changes nothing.
    body = await turn(tools_api, key, f"Cancel appointment {target} too.")
    assert [p["output"]["planner"] for p in step(body, "plan_tools")] == ["deterministic"]
    ran = await confirmed(tools_api, key, body)
    executed = step(ran, "execute_tool")
    assert [s["output"]["error_code"] for s in executed] == ["appointment_not_found"]
    assert "couldn't find that appointment" in ran["final_response"]
    assert await others_appointments(engines, caller_id) == before


async def test_a_model_proposed_booking_is_marked_as_the_models(
    tools_api: httpx.AsyncClient,
    model: Callable[[Scripted], None],
    engines: Engines,
    demo_keys: dict[str, str],
) -> None:
    staff, said, start = await bookable_slot(engines, hour=11)
    args = {"staff_id": staff.id, "start_local": start.replace(tzinfo=None).isoformat()}
    model(lambda body: [ScriptedToolCall("create_appointment", args)])
    body = await turn(
        tools_api, demo_keys["harborview-patient-3"], f"Book me with {staff.full_name} {said}"
    )
    (plan,) = step(body, "plan_tools")
    assert plan["output"]["planner"] == "model"
    assert (plan["output"]["calls"], plan["output"]["sources"]) == (
        ["create_appointment"],
        ["model"],
    )


async def test_a_failing_model_falls_back_to_the_rules(
    tools_api: httpx.AsyncClient,
    model: Callable[[Scripted], None],
    fake: FakeOpenAI,
    demo_keys: dict[str, str],
) -> None:
    model(lambda body: [ScriptedToolCall("get_appointments")])
    fake.fail_next(500)  # the planning request; generation then succeeds
    body = await turn(tools_api, demo_keys["harborview-patient-2"], "Show my appointments")
    (plan,) = step(body, "plan_tools")
    assert plan["output"]["planner"] == "deterministic"
    assert plan["output"]["reasoning"] == ["openai: unavailable; planned by rules"]
    assert plan["output"]["calls"] == ["get_appointments"]
    # An unknown tool or invalid arguments are dropped: the rules plan instead.
    model(lambda body: [ScriptedToolCall("drop_tables"), ScriptedToolCall("cancel_appointment")])
    body = await turn(tools_api, demo_keys["harborview-patient-2"], "Show my appointments")
    (plan,) = step(body, "plan_tools")
    assert plan["output"]["planner"] == "deterministic"
    assert any("drop_tables" in r for r in plan["output"]["reasoning"])


async def test_the_catalogue_lists_the_callers_tools_with_schemas(
    tools_api: httpx.AsyncClient, demo_keys: dict[str, str]
) -> None:
    path = "/api/v1/actions/catalogue"
    patient = await tools_api.get(path, headers=key_headers(demo_keys["harborview-patient-1"]))
    assert patient.status_code == 200, patient.text
    tools = {t["name"]: t for t in patient.json()["tools"]}
    assert {"cancel_appointment", "search_knowledge_base", "escalate_to_human"} <= set(tools)
    cancel = tools["cancel_appointment"]
    assert (cancel["side_effect"], cancel["confirm"]) == (True, True)
    assert cancel["parameters"]["required"] == ["appointment_id"]
    assert "patient_id" not in json.dumps(patient.json())
    admin = await tools_api.get(path, headers=key_headers(demo_keys["harborview-admin"]))
    names = {t["name"] for t in admin.json()["tools"]}
    assert "create_appointment" in names and "request_prescription_refill" not in names
    anonymous = await tools_api.get(path)
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "unauthenticated"


async def test_a_model_planner_gets_the_dialogue_state(
    tools_api: httpx.AsyncClient,
    model: Callable[[Scripted], None],
    demo_keys: dict[str, str],
) -> None:
    """The constraints said in earlier turns and the options last shown reach the model's
    planning prompt, so "the second one" or "Dr. Okafor then" means the same to it."""
    seen: list[str] = []

    def plan(body: dict[str, Any]) -> list[ScriptedToolCall] | None:
        if body.get("tools"):
            seen.append(str(body["messages"][0]["content"]))
        return None  # no usable call: the rules plan, and the turn still lists times

    model(plan)
    session = uuid.uuid4().hex
    key = demo_keys["harborview-patient-4"]
    await turn(tools_api, key, "I need an appointment next week in the morning", session)
    await turn(tools_api, key, "with Dr. Okafor please", session)
    last = seen[-1]
    assert "Earlier in this conversation the patient asked for" in last
    assert '"part_of_day": "morning"' in last and '"span_days": 7' in last
    assert "Options offered in the last reply:\n1. Dr." in last
