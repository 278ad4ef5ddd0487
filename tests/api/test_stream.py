"""The NDJSON stream: status events first, text deltas next, one `done` at the end."""

from __future__ import annotations

import json

import httpx

from tests.conftest import key_headers


async def _events(api: httpx.AsyncClient, key: str, prompt: str) -> list[dict[str, object]]:
    async with api.stream(
        "POST", "/api/v1/pipelines/stream", json={"prompt": prompt}, headers=key_headers(key)
    ) as resp:
        assert resp.status_code == 200
        assert resp.headers["content-type"].startswith("application/x-ndjson")
        return [json.loads(line) async for line in resp.aiter_lines() if line.strip()]


async def test_stream_order_and_done(api: httpx.AsyncClient, demo_keys: dict[str, str]) -> None:
    events = await _events(api, demo_keys["harborview-patient-7"], "What are your opening hours?")
    kinds = [e["event"] for e in events]
    first_delta = kinds.index("text_delta")
    assert "status" in kinds[:first_delta]
    assert kinds[0] == "status"
    assert kinds[-1] == "done" and kinds.count("done") == 1
    steps_running = [e["step"] for e in events if e["event"] == "status"]
    assert {"safety_input", "retrieve", "generate"} <= set(steps_running)
    steps_done = [e["step"] for e in events if e["event"] == "step"]
    assert {"safety_input", "classify", "retrieve", "generate"} <= set(steps_done)
    text = "".join(str(e["delta"]) for e in events if e["event"] == "text_delta")
    done = events[-1]
    assert text.strip() == done["final_response"]
    assert isinstance(done["result"], dict)
    assert done["result"]["citations"][0]["title"] == "Opening Hours"


async def test_stream_emergency_has_delta_and_done(
    api: httpx.AsyncClient, demo_keys: dict[str, str]
) -> None:
    events = await _events(api, demo_keys["harborview-patient-8"], "My dad is slurring his words")
    kinds = [e["event"] for e in events]
    assert kinds[0] == "status" and kinds[-1] == "done"
    assert "text_delta" in kinds
    done = events[-1]
    assert isinstance(done["result"], dict) and done["result"]["requires_escalation"] is True


async def test_rejected_stream_is_a_plain_http_error(
    api: httpx.AsyncClient, demo_keys: dict[str, str]
) -> None:
    resp = await api.post(
        "/api/v1/pipelines/stream",
        json={"prompt": ""},
        headers=key_headers(demo_keys["harborview-patient-7"]),
    )
    assert resp.status_code == 422
    assert resp.json()["error"]["code"] == "validation_error"
