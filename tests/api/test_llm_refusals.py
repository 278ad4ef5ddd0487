"""How /api/v1/llm/generate reports a provider's refusal or an outage: fake generate and
retrieve activities, registered under the real names, behind the real workflow and API."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import httpx
import pytest
from temporalio import activity
from temporalio.client import Client
from temporalio.contrib.workflow_streams import WorkflowStreamClient
from temporalio.exceptions import ApplicationError
from temporalio.worker import Worker

from api.main import create_app
from core.llm_payloads import GenerateInput, GenerateOutput
from core.payloads import ScreenInput, ScreenOutput, StreamEvent
from core.retrieval_payloads import RetrieveInput, RetrieveOutput
from core.settings import Settings
from tests.conftest import key_headers
from workflows.llm import LlmGenerateWorkflow

# The first word of a prompt picks what the fake provider does.
FAILURES = {
    "policy": ("LlmContentPolicy", True),
    "invalid": ("LlmInvalidRequest", True),
    "down": ("LlmUnavailable", False),
}


class FakeLlm:
    def __init__(self) -> None:
        self.seen: list[GenerateInput] = []

    @activity.defn(name="screen_input")
    async def screen(self, inp: ScreenInput) -> ScreenOutput:
        return ScreenOutput(False, inp.text, redact_for_llm=False)

    @activity.defn(name="retrieve")
    async def retrieve(self, inp: RetrieveInput) -> RetrieveOutput:
        return RetrieveOutput([], covered=False)

    @activity.defn(name="generate")
    async def generate(self, inp: GenerateInput) -> GenerateOutput:
        self.seen.append(inp)
        kind, non_retryable = FAILURES[inp.prompt.split()[0]]
        if inp.stream_batch_ms:
            # Text already sent when the provider gave up: the client is told to drop it.
            async with WorkflowStreamClient.from_within_activity(
                batch_interval=timedelta(milliseconds=inp.stream_batch_ms)
            ) as stream:
                topic = stream.topic("events", type=StreamEvent)
                topic.publish(StreamEvent("text_delta", step="generate", delta="Partial "))
                topic.publish(StreamEvent("reset", step="generate", message="a failed"))
        raise ApplicationError(f"{kind} from the fake", type=kind, non_retryable=non_retryable)


@pytest.fixture(scope="module")
def fake() -> FakeLlm:
    return FakeLlm()


@pytest.fixture(scope="module")
async def refusing_api(
    settings: Settings, temporal_client: Client, demo_keys: dict[str, str], fake: FakeLlm
) -> AsyncIterator[httpx.AsyncClient]:
    queue = f"llm-refusals-{uuid.uuid4().hex[:8]}"
    app = create_app(settings.model_copy(update={"temporal_task_queue": queue}))
    with ThreadPoolExecutor(max_workers=2) as executor:
        worker = Worker(
            temporal_client,
            task_queue=queue,
            workflows=[LlmGenerateWorkflow],
            activities=[fake.screen, fake.retrieve, fake.generate],
            activity_executor=executor,
        )
        async with worker, app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://llm.test", timeout=60
            ) as client:
                yield client


@pytest.mark.parametrize(
    ("prompt", "status", "code"),
    [
        ("policy question", 422, "llm_content_policy"),
        ("invalid question", 422, "llm_invalid_request"),
        ("down question", 503, "llm_unavailable"),
    ],
)
async def test_generate_maps_failures_to_typed_errors(
    refusing_api: httpx.AsyncClient,
    demo_keys: dict[str, str],
    fake: FakeLlm,
    prompt: str,
    status: int,
    code: str,
) -> None:
    fake.seen.clear()
    resp = await refusing_api.post(
        "/api/v1/llm/generate",
        json={"prompt": prompt},
        headers=key_headers(demo_keys["harborview-admin"]),
    )
    assert resp.status_code == status, resp.text
    error = resp.json()["error"]
    assert error["code"] == code and error["request_id"]
    # Refusals are reported, not answered offline; an outage is retried first.
    sent = fake.seen[0]
    assert sent.offline_on_reject is False and sent.deployment is None
    assert sent.path == "knowledge" and sent.stream_batch_ms == 0
    assert sent.request_key.startswith("llm-generate-")
    assert len(fake.seen) == (3 if code == "llm_unavailable" else 1)


async def test_stream_tells_the_client_to_drop_text_then_fails(
    refusing_api: httpx.AsyncClient, demo_keys: dict[str, str], fake: FakeLlm
) -> None:
    async with refusing_api.stream(
        "POST",
        "/api/v1/llm/generate/stream",
        json={"prompt": "policy question", "grounded": False},
        headers=key_headers(demo_keys["harborview-admin"]),
    ) as resp:
        assert resp.status_code == 200
        events: list[dict[str, Any]] = [
            json.loads(line) async for line in resp.aiter_lines() if line.strip()
        ]
    assert [e["event"] for e in events] == ["delta", "reset", "error"]
    assert events[0]["delta"] == "Partial "
    assert "a failed" in events[1]["message"]
    assert events[2]["error"]["code"] == "llm_content_policy"
    assert fake.seen[-1].path == "direct" and fake.seen[-1].stream_batch_ms > 0
