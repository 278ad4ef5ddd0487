"""The LLM gateway's own API: routing decisions, offline generation, streaming, spend, config."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlmodel import col

from store.models import AuditLog, LlmCall
from tests.conftest import key_headers
from tests.helpers import rows
from worker import Engines

ROUTING = "/api/v1/admin/llm/routing"
BUDGET = "/api/v1/admin/llm/budget"
HOURS = "What are your opening hours?"


def deployment(name: str, tier: str, usd_per_mtok: float) -> dict[str, Any]:
    # Nothing listens on port 9: a routing decision never calls a deployment, and no test
    # here generates through one (over budget, the gateway refuses before any call).
    return {
        "name": name,
        "provider": "openai_compatible",
        "model": f"test-{name}",
        "api_base": "http://127.0.0.1:9/v1",
        "api_key_env": "TEST_LLM_API_KEY",
        "tier": tier,
        "context_window": 32000,
        "input_cost_per_mtok": usd_per_mtok,
        "output_cost_per_mtok": usd_per_mtok * 4,
    }


TIERED = {
    "deployments": [
        deployment("fast-1", "fast", 0.15),
        deployment("standard-1", "standard", 2.5),
        deployment("premium-1", "premium", 15.0),
    ]
}


@pytest.fixture
async def tiered_routing(
    api: httpx.AsyncClient, demo_keys: dict[str, str]
) -> AsyncIterator[dict[str, str]]:
    admin = key_headers(demo_keys["harborview-admin"])
    saved = await api.put(ROUTING, json=TIERED, headers=admin)
    assert saved.status_code == 200, saved.text
    try:
        yield admin
    finally:
        # Every other test answers offline: back to the suite's settings (no deployment).
        restored = await api.delete(ROUTING, headers=admin)
        assert restored.status_code == 200 and restored.json()["source"] == "settings"


async def _generate(
    api: httpx.AsyncClient, key: str, prompt: str = HOURS, **extra: Any
) -> httpx.Response:
    return await api.post(
        "/api/v1/llm/generate", json={"prompt": prompt, **extra}, headers=key_headers(key)
    )


async def _stream(api: httpx.AsyncClient, key: str, prompt: str) -> list[dict[str, Any]]:
    async with api.stream(
        "POST", "/api/v1/llm/generate/stream", json={"prompt": prompt}, headers=key_headers(key)
    ) as resp:
        assert resp.status_code == 200
        assert resp.headers["content-type"].startswith("application/x-ndjson")
        assert resp.headers["x-workflow-id"].startswith("llm-generate-")
        return [json.loads(line) async for line in resp.aiter_lines() if line.strip()]


async def test_route_explains_tiers_from_keywords(
    api: httpx.AsyncClient, demo_keys: dict[str, str], tiered_routing: dict[str, str]
) -> None:
    patient = key_headers(demo_keys["harborview-patient-1"])
    # Patients reach models only through turns; the raw gateway is the admin's playground.
    for label in ("harborview-patient-1", "harborview-reception"):
        refused = await api.post(
            "/api/v1/llm/route", json={"prompt": "quick one"}, headers=key_headers(demo_keys[label])
        )
        assert refused.status_code == 403, label
    patient = key_headers(demo_keys["harborview-admin"])
    quick = await api.post(
        "/api/v1/llm/route", json={"prompt": "quick summary of your hours"}, headers=patient
    )
    assert quick.status_code == 200, quick.text
    fast = quick.json()
    assert (fast["deployment"], fast["tier"], fast["provider"]) == (
        "fast-1",
        "fast",
        "openai_compatible",
    )
    assert fast["model"] == "test-fast-1" and fast["chain"][0] == "fast-1"
    assert any("keyword 'quick' -> fast" in r for r in fast["reasoning"])
    assert fast["estimated_cost_usd"] > 0 and fast["refused"] is False
    assert fast["budget"]["action"] == "none"
    deep = (
        await api.post(
            "/api/v1/llm/route",
            json={"prompt": "deep analysis of the parking options at each site"},
            headers=patient,
        )
    ).json()
    assert (deep["deployment"], deep["tier"]) == ("premium-1", "premium")
    assert any("keyword 'deep analysis' -> premium" in r for r in deep["reasoning"])
    assert deep["estimated_cost_usd"] > fast["estimated_cost_usd"]
    pinned = (
        await api.post(
            "/api/v1/llm/route",
            json={"prompt": "quick question", "deployment": "standard-1"},
            headers=patient,
        )
    ).json()
    assert pinned["deployment"] == "standard-1"
    assert "deployment standard-1 requested" in pinned["reasoning"]


async def test_route_without_deployments_is_offline(
    api: httpx.AsyncClient, demo_keys: dict[str, str]
) -> None:
    resp = await api.post(
        "/api/v1/llm/route",
        json={"prompt": "deep analysis please"},
        headers=key_headers(demo_keys["harborview-admin"]),
    )
    body = resp.json()
    assert (body["deployment"], body["provider"], body["estimated_cost_usd"]) == (
        "offline",
        "offline",
        0.0,
    )
    assert any("offline grounded responder" in r for r in body["reasoning"])


async def test_generate_offline_grounded_with_citations_and_ledger(
    api: httpx.AsyncClient, demo_keys: dict[str, str], engines: Engines
) -> None:
    resp = await _generate(api, demo_keys["harborview-admin"])
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert (body["provider"], body["deployment"], body["refused"]) == ("offline", "offline", False)
    assert "Source: Opening Hours" in body["text"]
    assert body["citations"][0]["title"] == "Opening Hours"
    assert body["grounded"] is True and body["covered"] is True
    assert body["usage"]["completion_tokens"] > 0 and body["usage"]["cost_usd"] == 0.0
    # The `model` field of the seed's API names a deployment, like `deployment`.
    again = await _generate(api, demo_keys["harborview-admin"], model="offline")
    assert again.status_code == 200 and again.json()["deployment"] == "offline"
    assert "requested: offline grounded responder" in again.json()["reasoning"]
    recorded = await rows(engines, LlmCall, col(LlmCall.request_key) == body["workflow_id"])
    assert len(recorded) == 1
    call = recorded[0]
    assert (call.status, call.provider, call.model) == ("ok", "offline", body["model"])
    assert call.completion_tokens == body["usage"]["completion_tokens"]


async def test_generate_ungrounded_does_not_invent(
    api: httpx.AsyncClient, demo_keys: dict[str, str]
) -> None:
    body = (await _generate(api, demo_keys["harborview-admin"], grounded=False)).json()
    # No passages: the offline responder says the knowledge base does not cover it.
    assert body["citations"] == [] and body["covered"] is None
    assert "doesn't cover" in body["text"]


async def test_stream_deltas_reassemble_the_done_text(
    api: httpx.AsyncClient, demo_keys: dict[str, str]
) -> None:
    events = await _stream(api, demo_keys["harborview-admin"], HOURS)
    kinds = [e["event"] for e in events]
    assert kinds[-1] == "done" and kinds.count("done") == 1
    assert set(kinds[:-1]) == {"delta"} and len(kinds) > 2
    done = events[-1]
    assert "".join(e["delta"] for e in events[:-1]).strip() == done["text"]
    assert done["citations"][0]["title"] == "Opening Hours"
    assert done["workflow_id"].startswith("llm-generate-")


async def test_usage_sums_the_ledger_per_tenant(
    api: httpx.AsyncClient, demo_keys: dict[str, str], engines: Engines
) -> None:
    reception = key_headers(demo_keys["harborview-reception"])
    other = key_headers(demo_keys["riverside-admin"])
    before_other = (await api.get("/api/v1/llm/usage", headers=other)).json()
    assert (await _generate(api, demo_keys["harborview-admin"])).status_code == 200
    usage = (await api.get("/api/v1/llm/usage", headers=reception)).json()
    since = usage["since"]
    calls = await rows(engines, LlmCall, col(LlmCall.tenant_id) == usage["tenant_id"])
    assert usage["totals"]["calls"] == len(calls) > 0
    assert usage["totals"]["completion_tokens"] == sum(c.completion_tokens for c in calls)
    assert usage["totals"]["cost_usd"] == pytest.approx(sum(c.cost_usd for c in calls))
    offline = next(r for r in usage["rows"] if r["provider"] == "offline")
    assert offline["model"] == "grounded-responder-v1"
    assert offline["calls"] == sum(1 for c in calls if c.provider == "offline")
    assert usage["budget"]["spent_usd"] == pytest.approx(sum(c.cost_usd for c in calls))
    assert since.endswith(("Z", "+00:00")) and since[8:10] == "01"
    # Another clinic's totals did not move: each tenant sees its own calls only.
    after_other = (await api.get("/api/v1/llm/usage", headers=other)).json()
    assert after_other["tenant_id"] != usage["tenant_id"]
    assert after_other["totals"] == before_other["totals"]
    empty = await api.get(
        "/api/v1/llm/usage", params={"since": "2999-01-01T00:00:00Z"}, headers=reception
    )
    assert empty.status_code == 200 and empty.json()["rows"] == []
    backwards = await api.get(
        "/api/v1/llm/usage",
        params={"since": "2024-02-01T00:00:00Z", "until": "2024-01-01T00:00:00Z"},
        headers=reception,
    )
    assert backwards.status_code == 422
    assert backwards.json()["error"]["code"] == "validation_error"
    patient = key_headers(demo_keys["harborview-patient-1"])
    denied = await api.get("/api/v1/llm/usage", headers=patient)
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "forbidden"


async def test_budget_refusal_is_402_and_recorded(
    api: httpx.AsyncClient,
    demo_keys: dict[str, str],
    engines: Engines,
    tiered_routing: dict[str, str],
) -> None:
    admin = tiered_routing
    reception = key_headers(demo_keys["harborview-reception"])
    assert (await api.get(BUDGET, headers=reception)).json()["source"] in ("settings", "stored")
    denied = await api.put(BUDGET, json={"monthly_usd": 0}, headers=reception)
    assert denied.status_code == 403
    refused_before = await rows(engines, LlmCall, col(LlmCall.status) == "refused")
    try:
        saved = await api.put(BUDGET, json={"monthly_usd": 0, "policy": "refuse"}, headers=admin)
        assert saved.status_code == 200
        assert (await api.get(BUDGET, headers=reception)).json() == {
            "monthly_usd": 0.0,
            "policy": "refuse",
            "downgrade_to": None,
            "allowed_deployments": None,
            "source": "stored",
        }
        resp = await _generate(api, demo_keys["harborview-admin"])
        assert resp.status_code == 402, resp.text
        assert resp.json()["error"]["code"] == "llm_budget_exceeded"
        refused = await rows(engines, LlmCall, col(LlmCall.status) == "refused")
        new = [r for r in refused if r.id not in {b.id for b in refused_before}]
        assert len(new) == 1 and new[0].cost_usd == 0.0 and new[0].provider == "none"
        events = await _stream(api, demo_keys["harborview-admin"], HOURS)
        assert events[-1]["event"] == "error"
        assert events[-1]["error"]["code"] == "llm_budget_exceeded"
        route = (
            await api.post("/api/v1/llm/route", json={"prompt": "quick one"}, headers=admin)
        ).json()
        assert route["refused"] is True and route["chain"] == []
        assert route["budget"]["action"] == "refused"
        # The budget is the clinic's own: another clinic still routes to a model.
        other = (
            await api.post(
                "/api/v1/llm/route",
                json={"prompt": "quick one"},
                headers=key_headers(demo_keys["riverside-admin"]),
            )
        ).json()
        assert other["refused"] is False and other["deployment"] == "fast-1"
    finally:
        await api.delete(BUDGET, headers=admin)


async def test_routing_config_roles_validation_and_audit(
    api: httpx.AsyncClient, demo_keys: dict[str, str], engines: Engines
) -> None:
    admin = key_headers(demo_keys["harborview-admin"])
    for label in ("harborview-patient-1", "harborview-reception"):
        key = key_headers(demo_keys[label])
        assert (await api.get(ROUTING, headers=key)).status_code == 403
        put = await api.put(ROUTING, json=TIERED, headers=key)
        assert put.status_code == 403 and put.json()["error"]["code"] == "forbidden"
    # Another clinic's admin manages its own budget, never the platform's routing.
    riverside = key_headers(demo_keys["riverside-admin"])
    assert (await api.put(ROUTING, json=TIERED, headers=riverside)).status_code == 403
    assert (await api.delete(ROUTING, headers=riverside)).status_code == 403
    patient = key_headers(demo_keys["harborview-patient-1"])
    assert (await api.put(BUDGET, json={}, headers=patient)).status_code == 403
    assert (await api.get(BUDGET, headers=patient)).status_code == 403
    current = (await api.get(ROUTING, headers=admin)).json()
    assert current["source"] in ("settings", "stored") and current["deployments"] == []
    bad_bodies = [
        {"deployments": [deployment("a", "fast", 1), deployment("a", "premium", 2)]},
        {"deployments": [{**deployment("a", "fast", 1), "api_key": "sk-secret-value"}]},
        {"deployments": [{**deployment("a", "fast", 1), "api_key_env": "DATABASE_URL"}]},
        {"deployments": [{**deployment("a", "fast", 1), "tier": "gold"}]},
        {"keyword_rules": [{"pattern": "(unclosed", "tier": "fast"}]},
        {"deployment": []},
    ]
    for bad in bad_bodies:
        resp = await api.put(ROUTING, json=bad, headers=admin)
        assert resp.status_code == 422, bad
        error = resp.json()["error"]
        assert error["code"] == "validation_error" and error["request_id"]
        assert "sk-secret-value" not in resp.text
    bad_budget = await api.put(BUDGET, json={"monthly_usd": -1}, headers=admin)
    assert bad_budget.status_code == 422
    try:
        saved = await api.put(ROUTING, json=TIERED, headers=admin)
        assert saved.status_code == 200
        shown = (await api.get(ROUTING, headers=admin)).json()
        assert shown["source"] == "stored"
        assert [d["name"] for d in shown["deployments"]] == ["fast-1", "standard-1", "premium-1"]
        assert all(d["api_key_env"] == "TEST_LLM_API_KEY" for d in shown["deployments"])
        assert all("api_key" not in d for d in shown["deployments"])
    finally:
        await api.delete(ROUTING, headers=admin)
    audit = await rows(engines, AuditLog, col(AuditLog.action) == "update_routing")
    assert audit and audit[-1].service == "llm" and audit[-1].details["scope"] == "global"


async def test_generate_rejects_bad_input_before_any_workflow(
    api: httpx.AsyncClient, demo_keys: dict[str, str]
) -> None:
    key = demo_keys["harborview-admin"]
    huge = await _generate(api, key, prompt="x " * 5000)
    assert huge.status_code == 422 and huge.json()["error"]["code"] == "input_too_long"
    bad_name = await _generate(api, key, model="Not A Name!")
    assert bad_name.status_code == 422
    assert (await api.post("/api/v1/llm/generate", json={"prompt": HOURS})).status_code == 401


async def test_generate_runs_the_turns_screen_and_the_clinics_policy(
    api: httpx.AsyncClient, demo_keys: dict[str, str], engines: Engines
) -> None:
    """The raw gateway is no side door: the tenant's banned words block it as in a turn,
    PII is redacted before the model sees the prompt, and only allowed deployments run."""
    admin = key_headers(demo_keys["riverside-admin"])
    policy = "/api/v1/admin/safety/policy"
    saved = await api.put(
        policy,
        json={"banned_words": ["botox"], "blocked_reply": "Please call us about that."},
        headers=admin,
    )
    assert saved.status_code == 200
    try:
        blocked = await _generate(api, demo_keys["riverside-admin"], prompt="How much is Botox?")
        assert blocked.status_code == 422, blocked.text
        assert blocked.json()["error"] == {
            **blocked.json()["error"],
            "code": "input_blocked",
            "message": "Please call us about that.",
        }
        events = await _stream(api, demo_keys["riverside-admin"], "Botox prices please")
        assert events[-1]["event"] == "error" and events[-1]["error"]["code"] == "input_blocked"
        # The doors that reach no model are screened alike: the same word, the same answer.
        doors = {
            "/api/v1/llm/route": {"prompt": "How much is Botox?"},
            "/api/v1/rag/retrieve": {"query": "botox prices"},
            "/api/v1/rag/embed": {"texts": ["parking", "Botox after hours"]},
        }
        for path, body in doors.items():
            refused = await api.post(path, json=body, headers=admin)
            assert refused.status_code == 422, (path, refused.text)
            assert refused.json()["error"]["code"] == "input_blocked", path
            assert refused.json()["error"]["message"] == "Please call us about that."
        # The rest of the clinic's questions pass, with the screen's findings reported.
        fine = await api.post(
            "/api/v1/llm/route", json={"prompt": "My SSN is 123-45-6789, hours?"}, headers=admin
        )
        assert fine.status_code == 200 and "pii" in fine.json()["screened"], fine.text
        for path, body in {
            "/api/v1/rag/retrieve": {"query": "parking"},
            "/api/v1/rag/embed": {"texts": ["parking"]},
        }.items():
            assert (await api.post(path, json=body, headers=admin)).status_code == 200, path
    finally:
        await api.put(policy, json={}, headers=admin)
    named = await _generate(
        api, demo_keys["riverside-admin"], prompt="My SSN is 123-45-6789, what are your hours?"
    )
    assert named.status_code == 200, named.text
    assert "pii" in named.json()["screened"]

    try:
        saved = await api.put(
            ROUTING, json=TIERED, headers=key_headers(demo_keys["harborview-admin"])
        )
        assert saved.status_code == 200
        unknown = await api.put(BUDGET, json={"allowed_deployments": ["nowhere-1"]}, headers=admin)
        assert unknown.status_code == 422
        assert unknown.json()["error"]["code"] == "unknown_deployment"
        limited = await api.put(BUDGET, json={"allowed_deployments": ["fast-1"]}, headers=admin)
        assert limited.status_code == 200, limited.text
        denied = await api.post(
            "/api/v1/llm/route",
            json={"prompt": "quick one", "deployment": "premium-1"},
            headers=admin,
        )
        assert denied.status_code == 403
        assert denied.json()["error"]["code"] == "deployment_not_allowed"
        # Automatic routing stays inside the allowed set, even for a premium request.
        deep = await api.post(
            "/api/v1/llm/route", json={"prompt": "deep analysis please"}, headers=admin
        )
        assert deep.json()["deployment"] == "fast-1", deep.text
        missing = await _generate(api, demo_keys["riverside-admin"], model="nowhere-1")
        assert missing.status_code == 422
        assert missing.json()["error"]["code"] == "unknown_deployment"
    finally:
        await api.delete(BUDGET, headers=admin)
        await api.delete(ROUTING, headers=key_headers(demo_keys["harborview-admin"]))
