"""Typed JSON errors with request ids, and health endpoints that report each dependency."""

from __future__ import annotations

import uuid

import httpx

from api.main import create_app
from core.settings import Settings
from tests.conftest import key_headers


def _assert_error(resp: httpx.Response, status: int, code: str) -> None:
    assert resp.status_code == status, resp.text
    err = resp.json()["error"]
    assert err["code"] == code
    assert err["message"]
    assert err["request_id"] == resp.headers["x-request-id"]


async def test_authentication_errors(api: httpx.AsyncClient) -> None:
    _assert_error(
        await api.post("/api/v1/pipelines", json={"prompt": "hi"}), 401, "unauthenticated"
    )
    _assert_error(
        await api.post(
            "/api/v1/pipelines", json={"prompt": "hi"}, headers=key_headers("ak_not-a-real-key")
        ),
        401,
        "unauthenticated",
    )


async def test_validation_errors(api: httpx.AsyncClient, demo_keys: dict[str, str]) -> None:
    headers = key_headers(demo_keys["harborview-patient-1"])
    bad_json = await api.post(
        "/api/v1/pipelines",
        content=b"{not json",
        headers=headers | {"content-type": "application/json"},
    )
    _assert_error(bad_json, 422, "validation_error")
    too_long = await api.post("/api/v1/pipelines", json={"prompt": "x" * 5000}, headers=headers)
    _assert_error(too_long, 422, "input_too_long")
    bad_session = await api.post(
        "/api/v1/pipelines", json={"prompt": "hi", "session_id": "../etc/passwd"}, headers=headers
    )
    _assert_error(bad_session, 422, "validation_error")
    assert bad_session.json()["error"]["details"][0]["field"] == "session_id"
    blank = await api.post("/api/v1/pipelines", json={"prompt": "   "}, headers=headers)
    _assert_error(blank, 422, "input_empty")


async def test_not_found_and_request_id_echo(api: httpx.AsyncClient) -> None:
    resp = await api.get("/api/v1/nothing-here", headers={"X-Request-ID": "req-12345678"})
    _assert_error(resp, 404, "not_found")
    assert resp.headers["x-request-id"] == "req-12345678"


async def test_health(api: httpx.AsyncClient) -> None:
    resp = await api.get("/health")
    assert resp.status_code == 200
    body = resp.json()
    assert body["database"] == "connected" and body["temporal"] == "connected"
    services = (await api.get("/health/services")).json()
    assert services["services"]["worker"]["status"] == "healthy"
    assert services["services"]["worker"]["pollers"] >= 1


async def test_a_turn_nobody_picks_up_times_out_with_504(
    settings: Settings, demo_keys: dict[str, str]
) -> None:
    # No worker polls this queue: the turn waits durably, the HTTP request does not.
    idle = settings.model_copy(
        update={"temporal_task_queue": f"idle-{uuid.uuid4().hex[:6]}", "turn_timeout_s": 1.0}
    )
    app = create_app(idle)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://idle.test"
        ) as client,
    ):
        resp = await client.post(
            "/api/v1/pipelines",
            json={"prompt": "Hello", "session_id": "idle-1"},
            headers=key_headers(demo_keys["riverside-patient-1"]),
        )
    _assert_error(resp, 504, "turn_timeout")
    assert "/api/v1/conversations/idle-1" in resp.json()["error"]["message"]
