"""The LiteLLM provider path against a local server speaking OpenAI's wire format, streamed."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from temporalio.client import Client

from activities.llm.factory import build_gateway
from api.main import create_app
from core.settings import Settings
from tests.conftest import key_headers
from tests.fakes.openai_server import FakeOpenAI
from worker import Engines, create_worker

REPLY = "Downtown is open Monday to Friday, 8:00 AM to 6:00 PM. Source: Opening Hours"


@pytest.fixture(scope="module")
async def fake() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI(reply=REPLY, chunk_words=2) as server:
        yield server


@pytest.fixture(scope="module")
async def llm_api(
    settings: Settings,
    engines: Engines,
    temporal_client: Client,
    fake: FakeOpenAI,
    worker: None,  # the session worker indexes the demo articles before these turns ask
) -> AsyncIterator[httpx.AsyncClient]:
    queue = f"llm-{uuid.uuid4().hex[:8]}"
    llm_settings = settings.model_copy(
        update={
            "temporal_task_queue": queue,
            "llm_provider": "openai_compatible",
            "llm_api_base": fake.base_url,
            "llm_model": "fake-model",
        }
    )
    gateway = build_gateway(llm_settings, engines.sessions)
    llm_engines = Engines(**{**vars(engines), "gateway": gateway})
    app = create_app(llm_settings)
    with ThreadPoolExecutor(max_workers=4) as executor:
        llm_worker = create_worker(
            temporal_client, llm_engines, task_queue=queue, executor=executor
        )
        async with llm_worker, app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://llm.test", timeout=60
            ) as client:
                yield client


async def _stream(client: httpx.AsyncClient, key: str, prompt: str) -> list[dict[str, object]]:
    async with client.stream(
        "POST", "/api/v1/pipelines/stream", json={"prompt": prompt}, headers=key_headers(key)
    ) as resp:
        assert resp.status_code == 200
        return [json.loads(line) async for line in resp.aiter_lines() if line.strip()]


async def test_litellm_streaming_reply(
    llm_api: httpx.AsyncClient, fake: FakeOpenAI, demo_keys: dict[str, str]
) -> None:
    fake.reset()
    events = await _stream(
        llm_api, demo_keys["harborview-patient-9"], "What are your opening hours?"
    )
    deltas = [e["delta"] for e in events if e["event"] == "text_delta"]
    assert "".join(str(d) for d in deltas).strip() == REPLY
    done = events[-1]
    assert done["event"] == "done" and done["final_response"] == REPLY
    result = done["result"]
    assert isinstance(result, dict)
    generate = next(s for s in result["steps"] if s["name"] == "generate")
    assert generate["output"]["provider"] == "openai_compatible"
    assert generate["output"]["deployment"] == "default"
    assert generate["output"]["completion_tokens"] > 0
    # The model saw the retrieved article, and streamed with usage reporting on.
    request = fake.last_request
    assert request["stream"] is True
    assert "Monday to Friday: 8:00 AM" in request["messages"][0]["content"]
    assert request["messages"][-1] == {"role": "user", "content": "What are your opening hours?"}


async def test_failed_attempt_resets_partial_text(
    llm_api: httpx.AsyncClient, fake: FakeOpenAI, demo_keys: dict[str, str]
) -> None:
    fake.reset()
    fake.fail_next(500, after_chunks=3)
    events = await _stream(
        llm_api, demo_keys["harborview-patient-9"], "What are your opening hours?"
    )
    kinds = [e["event"] for e in events]
    assert "reset" in kinds
    after_reset = kinds.index("reset")
    text = "".join(str(e["delta"]) for e in events[after_reset:] if e["event"] == "text_delta")
    assert text.strip() == REPLY == events[-1]["final_response"]


async def test_provider_down_falls_back_to_offline_answer(
    llm_api: httpx.AsyncClient, fake: FakeOpenAI, demo_keys: dict[str, str]
) -> None:
    fake.reset()
    fake.fail_next(503, times=5)
    resp = await llm_api.post(
        "/api/v1/pipelines",
        json={"prompt": "What are your opening hours?"},
        headers=key_headers(demo_keys["harborview-patient-9"]),
    )
    body = resp.json()
    assert resp.status_code == 200
    assert "Source: Opening Hours" in body["final_response"]
    generate = next(s for s in body["steps"] if s["name"] == "generate")
    assert generate["output"]["provider"] == "offline"
