"""The shared rate limiter: fixed windows counted in Redis, for several API replicas."""

from __future__ import annotations

import logging

from redis.asyncio import Redis
from redis.exceptions import RedisError

from api.ratelimit import Decision, fixed_window

log = logging.getLogger("aurixa.ratelimit")


class RedisRateLimiter:
    """Fixed windows shared by every API replica through one Redis counter per window."""

    def __init__(self, url: str) -> None:
        self.redis: Redis = Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)

    async def hit(self, key: str, limit: int, window_s: int) -> Decision:
        index, reset_in = fixed_window(window_s)
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
