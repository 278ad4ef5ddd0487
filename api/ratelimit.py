"""Per-tenant request limits: in-process by default, shared through Redis when configured."""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger("aurixa.ratelimit")


@dataclass(frozen=True)
class Decision:
    allowed: bool
    remaining: int
    retry_after_s: int


class RateLimiter(Protocol):
    async def hit(self, key: str, limit: int, window_s: int) -> Decision: ...

    async def ping(self) -> dict[str, str]: ...

    async def close(self) -> None: ...


def _window(window_s: int) -> tuple[int, int]:
    now = int(time.time())
    return now // window_s, window_s - now % window_s


class MemoryRateLimiter:
    """Fixed windows in this process: right for one API process (the embedded topology)."""

    def __init__(self, max_keys: int = 10_000) -> None:
        self.counts: OrderedDict[tuple[str, int], int] = OrderedDict()
        self.max_keys = max_keys

    async def hit(self, key: str, limit: int, window_s: int) -> Decision:
        index, reset_in = _window(window_s)
        slot = (key, index)
        count = self.counts.pop(slot, 0) + 1
        self.counts[slot] = count
        while len(self.counts) > self.max_keys:
            self.counts.popitem(last=False)
        return Decision(count <= limit, max(limit - count, 0), reset_in)

    async def ping(self) -> dict[str, str]:
        return {"mode": "in-process"}

    async def close(self) -> None:
        return None


class RedisRateLimiter:
    """Fixed windows shared by every API replica through one Redis counter per window."""

    def __init__(self, url: str) -> None:
        self.redis: Redis = Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)

    async def hit(self, key: str, limit: int, window_s: int) -> Decision:
        index, reset_in = _window(window_s)
        name = f"aurixa:rl:{key}:{index}"
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.incr(name)
                pipe.expire(name, window_s + 1)
                count, _ = await pipe.execute()
        except (RedisError, OSError) as err:
            # Fail open: a Redis outage must not turn away a patient reporting an emergency.
            log.error("rate limiter unavailable; allowing", extra={"exc_type": type(err).__name__})
            return Decision(True, limit, 0)
        return Decision(int(count) <= limit, max(limit - int(count), 0), reset_in)

    async def ping(self) -> dict[str, str]:
        await self.redis.ping()
        return {"mode": "redis"}

    async def close(self) -> None:
        await self.redis.aclose()


def make_rate_limiter(redis_url: str | None) -> RateLimiter:
    return RedisRateLimiter(redis_url) if redis_url else MemoryRateLimiter()
