"""Turn latency and throughput against a zero-delay fake LLM, next to the bare Temporal ceiling.

Run: `make bench` (or `.venv/bin/python bench/turn_latency.py --turns 40`; `--http` for the
same turns through the API and worker processes, bench/http_turns.py). Starts its own
tuned Temporal dev server, a temporary SQLite database with the demo clinic, a fake
OpenAI-compatible server and an in-process worker; turns go through the same
update-with-start path the API uses.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.worker import Worker

from activities.embedding import Embedder, prepare_model
from api.turns import run_turn
from bench.bare_workflow import BareTurnWorkflow, noop
from bench.stack import demo_settings, start_dev_server, stop_dev_server
from core.payloads import Caller, TurnInput
from core.settings import ROOT, Settings
from core.temporal import connect
from tests.fakes.openai_server import FakeOpenAI
from worker import build_engines, create_worker
from workflows.conversation import conversation_workflow_id

PROMPT = "What are your opening hours?"


ACTIVITIES_PER_TURN = 5  # understand (screen + classify), retrieve, generate, check, persist


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


RunOne = Callable[[str], Awaitable[None]]


async def measure(run_one: RunOne, turns: int, concurrency: int) -> tuple[list[float], float]:
    """`concurrency` lanes, each running turns back to back; a lane is one conversation."""
    latencies: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(turns):
        queue.put_nowait(i)
    run_id = uuid.uuid4().hex[:6]

    async def lane(k: int) -> None:
        while not queue.empty():
            queue.get_nowait()
            started = time.perf_counter()
            await run_one(f"lane-{run_id}-{k}")
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(lane(k) for k in range(concurrency)))
    return latencies, turns / (time.perf_counter() - started)


async def print_trace(client: Client, settings: Settings, caller: Caller) -> None:
    """One turn's server-side timeline: where the milliseconds go between events."""
    session = f"trace-{uuid.uuid4().hex[:8]}"
    result = await run_turn(client, settings, TurnInput(uuid.uuid4().hex, PROMPT, caller), session)
    for wf_id in (conversation_workflow_id(1, session), result.workflow_id):
        history = await client.get_workflow_handle(wf_id).fetch_history()
        first = history.events[0].event_time.ToMilliseconds()
        print(f"-- {wf_id}")
        for event in history.events:
            name = EventType.Name(event.event_type).removeprefix("EVENT_TYPE_")
            print(f"{event.event_time.ToMilliseconds() - first:>6} ms  {name}")


async def _count(client: Client, wf_id: str) -> tuple[int, int]:
    """History events and workflow tasks of one workflow so far."""
    history = await client.get_workflow_handle(wf_id).fetch_history()
    tasks = sum(
        e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED for e in history.events
    )
    return len(history.events), tasks


async def events_per_turn(client: Client, settings: Settings, caller: Caller) -> dict[str, int]:
    """What one turn costs the Temporal server: the pipeline's events and workflow tasks,
    and what the turn added to its conversation's history (first turn, then a next one)."""
    session = f"events-{uuid.uuid4().hex[:8]}"
    conv = conversation_workflow_id(caller.tenant_id, session)
    counts: dict[str, int] = {}
    before = (0, 0)
    for name in ("first", "next"):
        turn = TurnInput(uuid.uuid4().hex, PROMPT, caller)
        result = await run_turn(client, settings, turn, session)
        events, tasks = await _count(client, result.workflow_id)
        conv_events, conv_tasks = await _count(client, conv)
        counts[f"{name} pipeline events"] = events
        counts[f"{name} pipeline workflow tasks"] = tasks
        counts[f"{name} conversation events"] = conv_events - before[0]
        counts[f"{name} conversation workflow tasks"] = conv_tasks - before[1]
        before = (conv_events, conv_tasks)
    return counts


async def main(turns: int, levels: list[int], *, trace: bool = False) -> None:
    work = Path(tempfile.mkdtemp(prefix="aurixa-bench-"))
    server, port = start_dev_server()
    model_dir = prepare_model(ROOT / "data" / "models" / "all-minilm-l6-v2-onnx")
    try:
        async with FakeOpenAI(reply="Downtown is open 8:00 AM to 6:00 PM on weekdays.") as fake:
            settings = await demo_settings(work, port, "bench", model_dir, fake.base_url)
            engines = await build_engines(settings, embedder=Embedder(model_dir))
            client: Client = await connect(settings)
            caller = Caller(tenant_id=1, user_id=1, role="patient", patient_id=1)

            async def new_session(lane: str) -> None:
                turn = TurnInput(uuid.uuid4().hex, PROMPT, caller)
                await run_turn(client, settings, turn, f"bench-{uuid.uuid4().hex[:12]}")

            async def same_session(lane: str) -> None:
                await run_turn(client, settings, TurnInput(uuid.uuid4().hex, PROMPT, caller), lane)

            async def bare(_lane: str) -> None:
                await client.execute_workflow(
                    BareTurnWorkflow.run,
                    ACTIVITIES_PER_TURN,
                    id=f"bare-{uuid.uuid4().hex}",
                    task_queue="bench-bare",
                )

            # A first turn also starts the conversation workflow; later turns reuse it.
            workloads: list[tuple[str, RunOne]] = [
                ("first turn", new_session),
                ("next turn", same_session),
                ("bare 6 no-op", bare),
            ]
            rows: list[tuple[int, str, float, float, float]] = []
            with ThreadPoolExecutor(max_workers=8) as pool:
                ours_worker = create_worker(client, engines, task_queue="bench", executor=pool)
                bare_worker = Worker(
                    client, task_queue="bench-bare", workflows=[BareTurnWorkflow], activities=[noop]
                )
                async with ours_worker, bare_worker:
                    await new_session("warm-up")  # sandbox imports, first model call
                    await bare("warm-up")
                    if trace:
                        await print_trace(client, settings, caller)
                    costs = await events_per_turn(client, settings, caller)
                    for level in levels:
                        for name, fn in workloads:
                            lat, tput = await measure(fn, turns, level)
                            rows.append((level, name, pct(lat, 0.5), pct(lat, 0.95), tput))
            await engines.close()
    finally:
        stop_dev_server(server)

    print(f"{'conc':>4}  {'workload':<14} {'p50 ms':>8} {'p95 ms':>8} {'turns/s':>8}")
    for level, name, p50, p95, tput in rows:
        print(f"{level:>4}  {name:<14} {p50:>8.1f} {p95:>8.1f} {tput:>8.1f}")

    def median_of(level: int, name: str) -> float:
        return next(r[2] for r in rows if r[0] == level and r[1] == name)

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ratios = [
        f"c{level} {median_of(level, 'first turn') / median_of(level, 'bare 6 no-op'):.2f}x"
        f"/{median_of(level, 'next turn') / median_of(level, 'bare 6 no-op'):.2f}x"
        for level in levels
    ]
    print(f"peak RSS of this process (worker + driver): {rss_mb:.0f} MB")
    print("history per turn (pipeline + its share of the conversation):")
    for name in ("first", "next"):
        events = costs[f"{name} pipeline events"] + costs[f"{name} conversation events"]
        tasks = (
            costs[f"{name} pipeline workflow tasks"] + costs[f"{name} conversation workflow tasks"]
        )
        print(
            f"  {name} turn: {events} events ({costs[f'{name} pipeline events']} + "
            f"{costs[f'{name} conversation events']}), {tasks} workflow tasks "
            f"({costs[f'{name} pipeline workflow tasks']} + "
            f"{costs[f'{name} conversation workflow tasks']})"
        )
    print(
        "summary: ours/bare " + ", ".join(ratios) + f" ({turns} turns per level, median of one run)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=40)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--trace", action="store_true", help="print one turn's event timeline")
    parser.add_argument(
        "--http", action="store_true", help="through the API and worker processes (http_turns)"
    )
    args = parser.parse_args()
    if args.http:
        from bench.http_turns import run_http

        asyncio.run(run_http(args.turns, args.concurrency))
    else:
        asyncio.run(main(args.turns, args.concurrency, trace=args.trace))
