"""Security headers on every response; oversized bodies refused with a typed 413."""

from __future__ import annotations

import httpx

from tests.conftest import key_headers


async def test_every_response_carries_security_headers(
    api: httpx.AsyncClient, demo_keys: dict[str, str]
) -> None:
    for resp in (
        await api.get("/health"),
        await api.get("/api/v1/help/articles", headers=key_headers(demo_keys["riverside-admin"])),
        await api.get("/api/v1/nowhere"),
        await api.post("/api/v1/pipelines", json={"prompt": "hi"}),  # 401
    ):
        assert resp.headers["x-content-type-options"] == "nosniff", resp.url
        assert resp.headers["x-frame-options"] == "DENY"
        assert "default-src 'none'" in resp.headers["content-security-policy"]
        assert "strict-transport-security" not in resp.headers  # plain HTTP here
        assert resp.headers["x-request-id"]
    behind_tls = await api.get("/health", headers={"X-Forwarded-Proto": "https"})
    assert "max-age=" in behind_tls.headers["strict-transport-security"]


async def test_oversized_body_gets_a_typed_413(
    api: httpx.AsyncClient, demo_keys: dict[str, str]
) -> None:
    big = {"prompt": "x" * 2_000_000}
    headers = key_headers(demo_keys["harborview-patient-1"])
    declared = await api.post("/api/v1/pipelines", json=big, headers=headers)
    assert declared.status_code == 413
    error = declared.json()["error"]
    assert error["code"] == "body_too_large" and error["request_id"]
    assert declared.headers["x-request-id"] == error["request_id"]

    async def chunks():  # no Content-Length: the cap counts what arrives
        for _ in range(40):
            yield b"x" * 50_000

    streamed = await api.post(
        "/api/v1/pipelines",
        content=chunks(),
        headers={**headers, "Content-Type": "application/json"},
    )
    assert streamed.status_code == 413
    assert streamed.json()["error"]["code"] == "body_too_large"
