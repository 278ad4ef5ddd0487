"""Per-worker health of LLM deployments: latency averages, failures and cooldowns."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

# Weight of the newest sample in the latency average: recent enough to notice a slow
# provider within a handful of calls, smooth enough not to flap on one outlier.
_ALPHA = 0.3


@dataclass
class DeploymentHealth:
    latency_ms: float | None = None
    first_token_ms: float | None = None
    calls: int = 0
    failures: int = 0
    consecutive_failures: int = 0
    cooldown_until: float = 0.0
    last_error: str | None = None


class HealthBoard:
    """In-process, so every worker learns on its own; a cooldown costs at most one failed
    call per worker, and there is no shared state to lose."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._by_name: dict[str, DeploymentHealth] = {}

    def get(self, name: str) -> DeploymentHealth:
        return self._by_name.setdefault(name, DeploymentHealth())

    def cooling(self, name: str) -> float:
        """Seconds until the deployment may be tried again (0: it may)."""
        return max(0.0, self.get(name).cooldown_until - self._clock())

    def success(self, name: str, latency_ms: float, first_token_ms: float | None) -> None:
        h = self.get(name)
        h.calls += 1
        h.consecutive_failures = 0
        h.cooldown_until = 0.0
        h.latency_ms = _ewma(h.latency_ms, latency_ms)
        if first_token_ms is not None:
            h.first_token_ms = _ewma(h.first_token_ms, first_token_ms)

    def failure(self, name: str, kind: str, cooldown_s: float, *, after: int = 1) -> None:
        """Count a failure; cool the deployment down once it failed `after` times in a row
        (a rate limit passes after=1: the provider said when to come back)."""
        h = self.get(name)
        h.calls += 1
        h.failures += 1
        h.consecutive_failures += 1
        h.last_error = kind
        if cooldown_s > 0 and h.consecutive_failures >= after:
            h.cooldown_until = max(h.cooldown_until, self._clock() + cooldown_s)

    def reset(self) -> None:
        self._by_name.clear()


def _ewma(old: float | None, sample: float) -> float:
    return sample if old is None else (1 - _ALPHA) * old + _ALPHA * sample
