"""Turns through HTTP, on a stack started as `make run` starts it, beside the bare ceiling.

Run: `.venv/bin/python bench/turn_latency.py --http [--turns 40] [--concurrency 1 16]`.
The worker and the API are separate processes (bench/http_stack.py); the LLM provider is
this process's fake OpenAI-compatible server, so the provider path (LiteLLM, SSE) is real.

- plain: `POST /api/v1/pipelines`, a new session per turn, the fake answering at once;
- bare: the no-op workflow of bench/turn_latency.py on the same Temporal server;
- stream: `POST /api/v1/pipelines/stream` with the fake's first token 200 ms after it gets
  the request; "after token" is the time from the provider's first token (when the fake
  received the request plus its delay) to the first `text_delta` line the client reads.
  Goal (the performance issue): at most 50 ms.
"""

from __future__ import annotations

import statistics
import time
import uuid
from typing import Any

import httpx
from temporalio.client import Client
from temporalio.worker import Worker

from bench.bare_workflow import BareTurnWorkflow, noop
from bench.http_stack import http_stack
from tests.fakes.openai_server import FakeOpenAI

PROMPT = "What are your opening hours?"
FIRST_TOKEN_S = 0.2
BARE_STEPS = 5


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _stream_turn(api: httpx.AsyncClient, key: str, fake: FakeOpenAI) -> tuple[float, float]:
    """(ms from request to the first text delta, ms from the provider's first token to it)."""
    started = time.perf_counter()
    first: float | None = None
    async with api.stream(
        "POST", "/api/v1/pipelines/stream", json={"prompt": PROMPT}, headers={"X-API-Key": key}
    ) as resp:
        resp.raise_for_status()
        async for line in resp.aiter_lines():
            if first is None and '"text_delta"' in line:
                first = time.time()
                elapsed = (time.perf_counter() - started) * 1000
    if first is None:
        raise RuntimeError("the stream sent no text delta")
    sent = fake.calls[-1].received_at + FIRST_TOKEN_S
    return elapsed, (first - sent) * 1000


async def run_http(turns: int, levels: list[int]) -> None:
    from bench.turn_latency import measure  # the same lanes as the in-process bench

    async with FakeOpenAI(reply="Downtown is open 8:00 AM to 6:00 PM on weekdays.") as fake:
        env = {
            "LLM_PROVIDER": "openai_compatible",
            "LLM_API_BASE": fake.base_url,
            "LLM_MODEL": "fake-model",
            "STREAM_BATCH_MS": "20",
        }
        async with http_stack(env) as stack:
            key = stack.keys["harborview-patient-1"]
            client = await Client.connect(stack.temporal_address)
            async with (
                httpx.AsyncClient(base_url=stack.base_url, timeout=120) as api,
                Worker(
                    client, task_queue="bench-bare", workflows=[BareTurnWorkflow], activities=[noop]
                ),
            ):

                async def plain(_lane: str) -> None:
                    resp = await api.post(
                        "/api/v1/pipelines", json={"prompt": PROMPT}, headers={"X-API-Key": key}
                    )
                    resp.raise_for_status()

                async def bare(_lane: str) -> None:
                    await client.execute_workflow(
                        BareTurnWorkflow.run,
                        BARE_STEPS,
                        id=f"bare-{uuid.uuid4().hex}",
                        task_queue="bench-bare",
                    )

                await plain("warm-up")
                await bare("warm-up")
                rows: list[tuple[int, str, float, float, float]] = []
                for level in levels:
                    for name, fn in (("plain turn", plain), ("bare no-op", bare)):
                        lat, tput = await measure(fn, turns, level)
                        rows.append((level, name, _pct(lat, 0.5), _pct(lat, 0.95), tput))
                fake.first_token_delay = FIRST_TOKEN_S
                streamed = [await _stream_turn(api, key, fake) for _ in range(turns)]
    _report(rows, streamed, turns)


def _report(
    rows: list[tuple[int, str, float, float, float]],
    streamed: list[tuple[float, float]],
    turns: int,
) -> None:
    print("through HTTP (API and worker as processes; new session per turn)")
    print(f"{'conc':>4}  {'workload':<12} {'p50 ms':>8} {'p95 ms':>8} {'turns/s':>8}")
    for level, name, p50, p95, tput in rows:
        print(f"{level:>4}  {name:<12} {p50:>8.1f} {p95:>8.1f} {tput:>8.1f}")
    first = [s[0] for s in streamed]
    after = [s[1] for s in streamed]
    print(
        f"stream, provider first token at {FIRST_TOKEN_S * 1000:.0f} ms: first text delta "
        f"p50 {statistics.median(first):.0f} ms from the request, "
        f"{statistics.median(after):.1f} ms (p95 {_pct(after, 0.95):.1f}) after the token"
    )
    by: dict[tuple[int, str], Any] = {(r[0], r[1]): r for r in rows}
    ratios = ", ".join(
        f"c{level} {by[(level, 'plain turn')][2] / by[(level, 'bare no-op')][2]:.2f}x latency, "
        f"{by[(level, 'plain turn')][4]:.1f} turns/s "
        f"({by[(level, 'plain turn')][4] / by[(level, 'bare no-op')][4]:.2f}x bare)"
        for level in sorted({r[0] for r in rows})
    )
    print(
        f"summary http: {ratios}; first delta {statistics.median(after):.1f} ms after the "
        f"provider's first token (p50, {turns} turns, one run)"
    )
