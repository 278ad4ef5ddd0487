"""Per-tenant rate limits: typed 429s with Retry-After, shared through a real Redis."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

from api.main import create_app
from api.ratelimit import MemoryRateLimiter
from api.ratelimit_redis import RedisRateLimiter
from core.settings import Settings
from tests.conftest import key_headers, require_service

REDIS_URL = os.environ.get("AURIXA_TEST_REDIS", "redis://127.0.0.1:6379/15")


async def test_memory_limiter_counts_per_key() -> None:
    limiter = MemoryRateLimiter()
    decisions = [await limiter.hit("tenant:1", 2, 60) for _ in range(3)]
    assert [d.allowed for d in decisions] == [True, True, False]
    assert (await limiter.hit("tenant:2", 2, 60)).allowed
    assert 0 < decisions[-1].retry_after_s <= 60


async def test_redis_limiter_is_shared_between_replicas() -> None:
    probe = Redis.from_url(REDIS_URL)
    try:
        await probe.ping()
    except (RedisError, OSError):
        require_service("Redis at 127.0.0.1:6379 is unavailable")
    finally:
        await probe.aclose()
    key = f"tenant:test-{uuid.uuid4().hex[:8]}"
    replica_a, replica_b = RedisRateLimiter(REDIS_URL), RedisRateLimiter(REDIS_URL)
    try:
        assert (await replica_a.hit(key, 2, 60)).allowed
        assert (await replica_b.hit(key, 2, 60)).allowed
        third = await replica_a.hit(key, 2, 60)
        assert not third.allowed and third.retry_after_s > 0
        assert await replica_a.ping() == {"mode": "redis"}
    finally:
        await replica_a.close()
        await replica_b.close()


async def test_redis_outage_fails_open() -> None:
    dead = RedisRateLimiter("redis://127.0.0.1:1/0")
    try:
        assert (await dead.hit("tenant:1", 1, 60)).allowed
    finally:
        await dead.close()


@pytest.fixture
async def limited_api(settings: Settings, worker: None) -> AsyncIterator[httpx.AsyncClient]:
    # A long window, so the three requests cannot straddle a window boundary.
    limits = {"rate_limit_per_minute": 2, "rate_limit_window_s": 3600}
    app = create_app(settings.model_copy(update=limits))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://rl.test") as client:
            yield client


async def test_api_returns_typed_429(
    limited_api: httpx.AsyncClient, demo_keys: dict[str, str]
) -> None:
    headers = key_headers(demo_keys["riverside-patient-1"])
    statuses = [
        (await limited_api.post("/api/v1/pipelines", json={"prompt": "Hello"}, headers=headers))
        for _ in range(3)
    ]
    assert [r.status_code for r in statuses] == [200, 200, 429]
    err = statuses[-1].json()["error"]
    assert err["code"] == "rate_limited" and err["request_id"]
    retry = int(statuses[-1].headers["retry-after"])
    assert retry > 0
    assert "2 requests" in err["message"] and f"retry in {retry} s" in err["message"]
    assert statuses[-1].headers["ratelimit-limit"] == "2"
    assert statuses[-1].headers["ratelimit-remaining"] == "0"
    assert statuses[-1].headers["ratelimit-reset"] == str(retry)
