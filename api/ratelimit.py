"""Per-tenant request limits: in-process by default, shared through Redis when configured."""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Decision:
    allowed: bool
    remaining: int
    retry_after_s: int


class RateLimiter(Protocol):
    async def hit(self, key: str, limit: int, window_s: int) -> Decision: ...

    async def ping(self) -> dict[str, str]: ...

    async def close(self) -> None: ...


def fixed_window(window_s: int) -> tuple[int, int]:
    now = int(time.time())
    return now // window_s, window_s - now % window_s


class MemoryRateLimiter:
    """Fixed windows in this process: right for one API process (the embedded topology)."""

    def __init__(self, max_keys: int = 10_000) -> None:
        self.counts: OrderedDict[tuple[str, int], int] = OrderedDict()
        self.max_keys = max_keys

    async def hit(self, key: str, limit: int, window_s: int) -> Decision:
        index, reset_in = fixed_window(window_s)
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


def make_rate_limiter(redis_url: str | None) -> RateLimiter:
    if not redis_url:
        return MemoryRateLimiter()
    # Imported only when configured: the client costs a single-replica API ~7 MB for nothing.
    from api.ratelimit_redis import RedisRateLimiter

    return RedisRateLimiter(redis_url)
