"""Turns through the gateway against fakes of OpenAI, Anthropic and Gemini: a provider that
dies, rate-limits, errs or garbles its stream hands the turn to the next one; the client sees
one coherent reply and the spend is recorded once. Routing is stored as an admin would
(platform_config) and the worker picks each change up without a restart."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col, select
from temporalio.client import Client

from activities.llm.gateway import LlmGateway
from api.main import create_app
from core.llm_config import BUDGET_KEY, ROUTING_KEY, Budget, RoutingConfig
from core.settings import Settings
from store.llm_ledger import UsageLedger
from store.models import LlmCall
from tests.conftest import key_headers
from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.base import FakeProvider
from tests.fakes.gemini_server import FakeGemini
from tests.fakes.openai_server import FakeOpenAI
from tests.helpers import eager_gateway, store_config
from worker import Engines, create_worker

PROMPT = "What are your opening hours?"
KEYS = {"OPENAI": "sk-fake-openai", "ANTHROPIC": "sk-ant-fake", "GEMINI": "fake-gemini-key"}
Sessions = async_sessionmaker[AsyncSession]


ANSWER_NUMBER = {"openai": 1, "anthropic": 2, "gemini": 3}


def reply(name: str) -> str:
    # Provider names would read as people to the reply's PII check; numbers tell them apart.
    hours = "Downtown is open Monday to Friday, 8:00 AM to 6:00 PM."
    return f"{hours} Answer number {ANSWER_NUMBER[name]}."


@pytest.fixture(scope="module")
async def fakes() -> AsyncIterator[dict[str, FakeProvider]]:
    for name, key in KEYS.items():
        os.environ[f"AURIXA_TEST_{name}_KEY"] = key
    async with (
        FakeOpenAI(reply=reply("openai"), chunk_words=2, api_key=KEYS["OPENAI"]) as o,
        FakeAnthropic(reply=reply("anthropic"), chunk_words=2, api_key=KEYS["ANTHROPIC"]) as a,
        FakeGemini(reply=reply("gemini"), chunk_words=2, api_key=KEYS["GEMINI"]) as g,
    ):
        yield {"openai": o, "anthropic": a, "gemini": g}


def deployment(name: str, fake: FakeProvider, **kw: Any) -> dict[str, Any]:
    model = {"openai": "gpt-fake", "anthropic": "claude-fake", "gemini": "gemini-fake"}[name]
    return {
        "name": name,
        "provider": name,
        "model": model,
        "api_base": fake.base_url,
        "api_key_env": f"AURIXA_TEST_{name.upper()}_KEY",
        "tier": "fast",
        "context_window": 32_000,
        "input_cost_per_mtok": 1.0,
        "output_cost_per_mtok": 4.0,
        "timeout_s": 3,
        **kw,
    }


@pytest.fixture(scope="module")
def gateway(settings: Settings, engines: Engines) -> LlmGateway:
    return eager_gateway(settings, engines)


@pytest.fixture
async def routing(
    engines: Engines, gateway: LlmGateway, fakes: dict[str, FakeProvider]
) -> AsyncIterator[Any]:
    """Stores a chain (first name leads); removed after the test so others stay offline."""

    async def use(*names: str, **per_name: dict[str, Any]) -> None:
        deps = [deployment(n, fakes[n], **per_name.get(n, {})) for n in names]
        cfg = RoutingConfig.model_validate({"deployments": deps, "cooldown_s": 60})
        await store_config(engines, None, ROUTING_KEY, cfg.model_dump_json())

    for fake in fakes.values():
        fake.reset()
    gateway.health.reset()  # a cooldown from the previous test must not leak into this one
    yield use
    await store_config(engines, None, ROUTING_KEY, "")
    await store_config(engines, 1, BUDGET_KEY, "")


@pytest.fixture(scope="module")
async def llm_api(
    settings: Settings,
    engines: Engines,
    gateway: LlmGateway,
    temporal_client: Client,
    worker: None,  # the session worker indexes the demo articles first
) -> AsyncIterator[httpx.AsyncClient]:
    queue = f"llm-fallback-{uuid.uuid4().hex[:8]}"
    llm_settings = settings.model_copy(update={"temporal_task_queue": queue})
    llm_engines = Engines(**{**vars(engines), "gateway": gateway})
    app = create_app(llm_settings)
    with ThreadPoolExecutor(max_workers=4) as executor:
        w = create_worker(temporal_client, llm_engines, task_queue=queue, executor=executor)
        async with w, app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://llm.test", timeout=60
            ) as client:
                yield client


async def stream_turn(client: httpx.AsyncClient, key: str) -> list[dict[str, Any]]:
    async with client.stream(
        "POST", "/api/v1/pipelines/stream", json={"prompt": PROMPT}, headers=key_headers(key)
    ) as resp:
        assert resp.status_code == 200
        return [json.loads(line) async for line in resp.aiter_lines() if line.strip()]


def shown_text(events: list[dict[str, Any]]) -> str:
    """What a client renders: deltas, discarding everything before each reset."""
    text = ""
    for e in events:
        if e["event"] == "reset":
            text = ""
        elif e["event"] == "text_delta":
            text += str(e["delta"])
    return text.strip()


def generate_step(events: list[dict[str, Any]]) -> dict[str, Any]:
    done = events[-1]
    assert done["event"] == "done", done
    step = next(s for s in done["result"]["steps"] if s["name"] == "generate")
    return dict(step["output"])


async def calls_of(sessions: Sessions, events: list[dict[str, Any]]) -> list[LlmCall]:
    turn = events[-1]["result"]["turn_id"]
    async with sessions() as s:
        rows = await s.scalars(
            select(LlmCall)
            .where(col(LlmCall.request_key).endswith(f":{turn}"))
            .order_by(col(LlmCall.id))
        )
        return list(rows)


async def test_each_wire_format_streams_and_reports_usage(
    llm_api: httpx.AsyncClient, routing: Any, engines: Engines, demo_keys: dict[str, str]
) -> None:
    for name in ("openai", "anthropic", "gemini"):
        await routing(name)
        events = await stream_turn(llm_api, demo_keys["harborview-patient-9"])
        assert shown_text(events) == reply(name) == events[-1]["final_response"]
        out = generate_step(events)
        assert (out["deployment"], out["provider"], out["usage_source"]) == (
            name,
            name,
            "provider",
        )
        (row,) = await calls_of(engines.sessions, events)
        assert row.status == "ok" and row.completion_tokens == out["completion_tokens"] > 0
        assert row.cost_usd == pytest.approx(
            row.prompt_tokens * 1e-6 + row.completion_tokens * 4e-6
        )


async def test_primary_killed_mid_stream_completes_on_the_fallback(
    llm_api: httpx.AsyncClient,
    routing: Any,
    engines: Engines,
    fakes: dict[str, FakeProvider],
    demo_keys: dict[str, str],
) -> None:
    await routing("anthropic", "openai")
    fakes["anthropic"].kill_next(after_chunks=7)  # after a whole sentence
    try:
        events = await stream_turn(llm_api, demo_keys["harborview-patient-9"])
    finally:
        fakes["anthropic"].stop()  # joins the dead server's thread
        fakes["anthropic"].start()  # and brings it back on its port for later tests
    kinds = [e["event"] for e in events]
    assert "reset" in kinds
    before = "".join(str(e["delta"]) for e in events[: kinds.index("reset")] if e.get("delta"))
    assert before.strip() and reply("anthropic").startswith(before.strip())
    assert shown_text(events) == reply("openai") == events[-1]["final_response"]
    out = generate_step(events)
    assert out["deployment"] == "openai" and out["fallbacks"] == ["anthropic: unavailable"]
    failed, ok = await calls_of(engines.sessions, events)
    assert (failed.deployment, failed.status, failed.usage_source) == (
        "anthropic",
        "failed",
        "estimated",
    )
    assert (ok.deployment, ok.status) == ("openai", "ok")


@pytest.mark.parametrize(
    ("primary", "backup", "fault", "kind"),
    [
        ("openai", "anthropic", "rate_limit", "rate_limited"),
        ("anthropic", "gemini", "server_error", "unavailable"),
        ("anthropic", "openai", "malformed", "malformed"),
        ("gemini", "openai", "drop", "unavailable"),
        ("openai", "gemini", "hang", "timeout"),
        ("gemini", "anthropic", "stall", "timeout"),
    ],
)
async def test_failing_provider_hands_over_and_spend_is_counted_once(
    llm_api: httpx.AsyncClient,
    routing: Any,
    engines: Engines,
    fakes: dict[str, FakeProvider],
    demo_keys: dict[str, str],
    primary: str,
    backup: str,
    fault: str,
    kind: str,
) -> None:
    await routing(primary, backup, **{primary: {"timeout_s": 1}})
    fake = fakes[primary]
    if fault == "rate_limit":
        fake.fail_next(429, retry_after=30)
    elif fault == "server_error":
        fake.fail_next(500)
    elif fault == "malformed":
        fake.malform_next(after_chunks=2)
    elif fault == "drop":
        fake.drop_next(after_chunks=2)
    elif fault == "stall":  # Gemini streams ignore LiteLLM's timeout: the gateway's own holds
        fake.hang_next(seconds=5, after_chunks=2)
    else:
        fake.hang_next(seconds=5)
    events = await stream_turn(llm_api, demo_keys["harborview-patient-9"])
    assert shown_text(events) == reply(backup) == events[-1]["final_response"]
    out = generate_step(events)
    assert out["deployment"] == backup
    assert [f.split(": ")[0] for f in out["fallbacks"]] == [primary]
    rows = await calls_of(engines.sessions, events)
    assert [r.status for r in rows if r.status == "ok"] == ["ok"]  # spend counted once
    assert rows[-1].deployment == backup
    assert rows[0].error_type == kind and out["fallbacks"] == [f"{primary}: {kind}"]


async def test_content_policy_refusal_is_not_retried_on_another_provider(
    llm_api: httpx.AsyncClient,
    routing: Any,
    fakes: dict[str, FakeProvider],
    demo_keys: dict[str, str],
) -> None:
    await routing("openai", "anthropic")
    fakes["openai"].refuse_next()
    events = await stream_turn(llm_api, demo_keys["harborview-patient-9"])
    out = generate_step(events)
    assert out["deployment"] == "offline"
    assert fakes["anthropic"].requests == []
    assert "Source: Opening Hours" in events[-1]["final_response"]


async def test_budget_policy_shows_in_the_generate_step(
    llm_api: httpx.AsyncClient,
    routing: Any,
    engines: Engines,
    fakes: dict[str, FakeProvider],
    demo_keys: dict[str, str],
) -> None:
    await routing(
        "anthropic",
        "gemini",
        anthropic={"input_cost_per_mtok": 15.0, "output_cost_per_mtok": 75.0},
        gemini={"input_cost_per_mtok": 0.1, "output_cost_per_mtok": 0.4},
    )
    key = demo_keys["harborview-patient-9"]
    spent = await UsageLedger(engines.sessions, cache_s=0).month_spend(1)
    await store_config(
        engines,
        1,
        BUDGET_KEY,
        Budget(monthly_usd=spent, policy="downgrade").model_dump_json(),
    )
    events = await stream_turn(llm_api, key)
    out = generate_step(events)
    assert out["budget"]["action"] == "downgraded" and out["deployment"] == "gemini"
    assert any("policy downgrade -> gemini" in r for r in out["reasoning"])
    assert fakes["anthropic"].requests == []
    await store_config(
        engines,
        1,
        BUDGET_KEY,
        Budget(monthly_usd=spent, policy="refuse").model_dump_json(),
    )
    events = await stream_turn(llm_api, key)
    out = generate_step(events)
    assert out["refused"] is True and out["budget"]["action"] == "refused"
    assert "monthly usage limit" in events[-1]["final_response"]
    assert all(not f.requests for f in fakes.values() if f is not fakes["gemini"])
