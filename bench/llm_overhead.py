"""What the LLM gateway adds over LiteLLM, against one zero-delay fake provider, in one run.

Run: `.venv/bin/python bench/llm_overhead.py --calls 300`. Starts the fake OpenAI server in
its own process (so it does not share our GIL), then streams the same request through raw
httpx, `litellm.acompletion`, and the gateway (routing, budget check, spend ledger on a
temporary SQLite database), interleaved call by call so machine noise hits all alike. The
LiteLLM proxy is measured too when it can start offline. Prints a table and a summary line.

"gateway" ends when the last delta reaches the caller; the spend row is committed by a
batched writer behind it. "gateway + ledger commit" also waits for that commit, which the
generate activity does before it completes (an fsync on SQLite dominates it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

import httpx

from activities.llm.factory import build_gateway
from activities.llm.gateway import Delta, GatewayRequest, GatewayResult
from activities.llm.prompts import build_messages
from core.llm_payloads import GenerateInput
from core.settings import Settings
from devstack.temporal import free_port, wait_for_port
from store.db import make_engine, make_session_factory
from store.migrate import upgrade_async
from store.seed import seed_demo

PROMPT = "What are your opening hours?"
INPUT = GenerateInput(1, PROMPT, "knowledge_question", "knowledge")
# The same messages for every method: exactly what the gateway sends for INPUT.
MESSAGES = build_messages(INPUT)
Timed = Callable[[], Awaitable[tuple[float, float]]]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def timed(chunks: AsyncIterator[Any]) -> tuple[float, float]:
    """(time to first chunk, time to the end of the stream), in ms."""
    start = time.perf_counter()
    first = 0.0
    async for _ in chunks:
        if not first:
            first = (time.perf_counter() - start) * 1000
    return first, (time.perf_counter() - start) * 1000


def raw_httpx(base: str) -> Timed:
    client = httpx.AsyncClient(timeout=30)
    body = {"model": "fake-model", "messages": MESSAGES, "stream": True}

    async def lines() -> AsyncIterator[str]:
        async with client.stream("POST", f"{base}/chat/completions", json=body) as resp:
            async for line in resp.aiter_lines():
                if line.startswith("data: ") and line != "data: [DONE]":
                    json.loads(line[6:])  # a client parses each chunk
                    yield line

    return lambda: timed(lines())


def litellm_call(base: str, litellm: Any, model: str = "openai/fake-model") -> Timed:
    async def chunks() -> AsyncIterator[Any]:
        response = await litellm.acompletion(
            model=model,
            api_base=base,
            api_key="not-needed",
            messages=MESSAGES,
            stream=True,
            stream_options={"include_usage": True},
            max_retries=0,
            timeout=30,
        )
        async for chunk in response:
            yield chunk

    return lambda: timed(chunks())


def gateway_call(
    settings: Settings,
) -> tuple[Timed, Timed, Callable[[], Awaitable[None]]]:
    """The gateway's stream as a client sees it, and the same call held until its spend row
    is committed (what the generate activity waits for before it completes)."""
    engine = make_engine(settings.effective_database_url)
    gw = build_gateway(settings, make_session_factory(engine))

    async def deltas(settle: bool) -> AsyncIterator[Any]:
        req = GatewayRequest(1, uuid.uuid4().hex, INPUT)
        async for event in gw.stream(req):
            if isinstance(event, Delta):
                yield event
            elif isinstance(event, GatewayResult) and settle:
                await gw.settle(event)

    return (lambda: timed(deltas(False))), (lambda: timed(deltas(True))), engine.dispose


def start_proxy(fake_base: str, workdir: Path) -> tuple[subprocess.Popen[bytes] | None, str]:
    """The LiteLLM proxy, if its extra dependencies are installed and it starts offline."""
    cli = shutil.which("litellm", path=str(Path(sys.executable).parent))
    if cli is None:
        return None, "no litellm CLI"
    config = workdir / "proxy.yaml"
    config.write_text(
        "model_list:\n  - model_name: fake-model\n    litellm_params:\n"
        f"      model: openai/fake-model\n      api_base: {fake_base}\n      api_key: x\n"
    )
    port = free_port()
    log = (workdir / "proxy.log").open("wb")
    proc = subprocess.Popen(
        [cli, "--config", str(config), "--port", str(port), "--num_workers", "1"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, timeout_s=60, proc=proc)
    except (TimeoutError, RuntimeError):
        proc.kill()
        tail = (workdir / "proxy.log").read_text(errors="replace").strip().splitlines()[-1:]
        return None, "did not start: " + (tail[0][:120] if tail else "no output")
    return proc, f"http://127.0.0.1:{port}"


async def main(calls: int, warmup: int) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="aurixa-llm-bench-"))
    fake_port = free_port()
    fake = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.openai_server", "--port", str(fake_port)],
        cwd=Path(__file__).resolve().parent.parent,
        stdout=subprocess.DEVNULL,
    )
    proxy: subprocess.Popen[bytes] | None = None
    try:
        wait_for_port(fake_port, timeout_s=30, proc=fake)
        base = f"http://127.0.0.1:{fake_port}/v1"
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            data_dir=workdir,
            llm_provider="openai_compatible",
            llm_model="fake-model",
            llm_api_base=base,
            llm_monthly_budget_usd=1000.0,  # the budget check runs on every call
        )
        await upgrade_async(settings.effective_database_url)
        engine = make_engine(settings.effective_database_url)
        await seed_demo(make_session_factory(engine))
        await engine.dispose()
        import litellm

        litellm.suppress_debug_info = True
        gateway, settled, close = gateway_call(settings)
        methods: dict[str, Timed] = {
            "raw httpx": raw_httpx(base),
            "litellm.acompletion": litellm_call(base, litellm),
            "gateway": gateway,
            "gateway + ledger commit": settled,
        }
        proxy, proxy_note = start_proxy(base, workdir)
        if proxy is not None:
            methods["litellm proxy"] = litellm_call(proxy_note, litellm, "openai/fake-model")
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in methods}
        for i in range(warmup + calls):
            for name, run in methods.items():
                sample = await run()
                if i >= warmup:
                    results[name].append(sample)
        await close()
    finally:
        fake.terminate()
        if proxy is not None:
            proxy.terminate()
        shutil.rmtree(workdir, ignore_errors=True)
    report(results, calls, None if proxy is not None else proxy_note)


def report(
    results: dict[str, list[tuple[float, float]]], calls: int, proxy_note: str | None
) -> None:
    base = statistics.median(t for _, t in results["litellm.acompletion"])
    print(f"{calls} streamed calls per method, interleaved; times in ms")
    print(
        f"{'method':<26}{'p50':>8}{'p95':>8}{'ttfc p50':>10}{'ttfc p95':>10}{'vs litellm p50':>16}"
    )
    for name, samples in results.items():
        total = [t for _, t in samples]
        first = [f for f, _ in samples]
        added = statistics.median(total) - base
        print(
            f"{name:<26}{statistics.median(total):>8.2f}{pct(total, 0.95):>8.2f}"
            f"{statistics.median(first):>10.2f}{pct(first, 0.95):>10.2f}{added:>+16.2f}"
        )
    if proxy_note:
        print(f"{'litellm proxy':<26}  not measured: {proxy_note}")
    # Paired per-call differences: both members of a pair ran back to back.
    pairs = [
        g - lt
        for (_, g), (_, lt) in zip(results["gateway"], results["litellm.acompletion"], strict=True)
    ]
    added = statistics.median(pairs)
    verdict = "PASS" if added <= 2.0 else "FAIL"
    print(
        f"SUMMARY gateway adds {added:.2f} ms p50 (paired) over litellm.acompletion "
        f"(p95 {pct(pairs, 0.95):.2f} ms); target <= 2 ms: {verdict}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(main(args.calls, args.warmup))
