"""The engines' side doors: /classify, /safety/validate and /rag/retrieve through HTTP on a
stack started as `make run` starts it, and the same requests from a Temporal client the old
way (a workflow per request, still registered) and the new way (an update to the engine
door, workflows/engine_door.py), interleaved so both see the same machine.

    .venv/bin/python bench/side_doors.py [--calls 60]

Target (the performance issue): each endpoint's p50 through HTTP <= 40 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from pydantic import SecretStr  # noqa: E402
from temporalio.client import Client  # noqa: E402

from api.doors import call_door  # noqa: E402
from bench.http_stack import HttpStack, http_stack  # noqa: E402
from core import workflow_refs as refs  # noqa: E402
from core.payloads import (  # noqa: E402
    Caller,
    ClassifyRequest,
    ClassifyResult,
    ValidateRequest,
    ValidateResult,
)
from core.retrieval_payloads import RetrieveInput, RetrieveOutput  # noqa: E402
from core.settings import Settings  # noqa: E402
from core.temporal import connect  # noqa: E402

TARGET_MS = 40.0
TEXTS = (
    "Could you book me with Dr Chen tomorrow at 3?",
    "What are your opening hours on Saturday?",
    "Do you take Aetna insurance?",
    "¿Necesito ayuno para el análisis de sangre?",
)
Call = Callable[[str], Awaitable[Any]]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def timed(calls: dict[str, Call], n: int) -> dict[str, list[float]]:
    """Each call n times, interleaved, after one untimed warm-up each."""
    times: dict[str, list[float]] = {name: [] for name in calls}
    for call in calls.values():
        await call(TEXTS[0])
    for i in range(n):
        for name, call in calls.items():
            started = time.perf_counter()
            await call(TEXTS[i % len(TEXTS)])
            times[name].append((time.perf_counter() - started) * 1000)
    return times


def http_calls(api: httpx.AsyncClient, stack: HttpStack) -> dict[str, Call]:
    patient = {"X-API-Key": stack.keys["harborview-patient-2"]}
    admin = {"X-API-Key": stack.keys["harborview-admin"]}

    async def post(path: str, body: dict[str, Any], headers: dict[str, str]) -> None:
        resp = await api.post(path, json=body, headers=headers)
        resp.raise_for_status()

    return {
        "HTTP /classify": lambda t: post("/api/v1/classify", {"text": t}, patient),
        "HTTP /safety/validate": lambda t: post("/api/v1/safety/validate", {"text": t}, patient),
        "HTTP /rag/retrieve": lambda t: post("/api/v1/rag/retrieve", {"query": t}, admin),
    }


def client_calls(client: Client, settings: Settings) -> dict[str, Call]:
    caller = Caller(tenant_id=1, user_id=1, role="patient", patient_id=2)
    queue = settings.temporal_task_queue
    work: dict[str, tuple[str, str, Callable[[str], Any], type]] = {
        "classify": (
            refs.CLASSIFY,
            refs.DOOR_CLASSIFY,
            lambda t: ClassifyRequest(caller, t),
            ClassifyResult,
        ),
        "validate": (
            refs.SAFETY_VALIDATE,
            refs.DOOR_VALIDATE,
            lambda t: ValidateRequest(1, t),
            ValidateResult,
        ),
        "retrieve": (
            refs.RAG_RETRIEVE,
            refs.DOOR_RETRIEVE,
            lambda t: RetrieveInput(1, t, 4),
            RetrieveOutput,
        ),
    }
    calls: dict[str, Call] = {}
    for name, (workflow, update, make, result_type) in work.items():

        async def per_request(t: str, wf: str = workflow, mk: Any = make, rt: Any = result_type):
            await client.execute_workflow(
                wf, mk(t), id=f"bench-{uuid.uuid4().hex}", task_queue=queue, result_type=rt
            )

        async def door(t: str, up: str = update, mk: Any = make, rt: Any = result_type):
            await call_door(
                client, settings, up, mk(t), rt, tenant_id=1, timeout_s=30, failed="failed"
            )

        calls[f"{name}: workflow per request"] = per_request
        calls[f"{name}: door update"] = door
    return calls


async def run(n: int) -> dict[str, list[float]]:
    async with http_stack() as stack:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            temporal_address=stack.temporal_address,
            temporal_task_queue=stack.task_queue,
            payload_keys=SecretStr(stack.env["PAYLOAD_KEYS"]),
        )
        client = await connect(settings)
        async with httpx.AsyncClient(base_url=stack.base_url, timeout=60) as api:
            return await timed({**http_calls(api, stack), **client_calls(client, settings)}, n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=60)
    args = parser.parse_args()
    times = asyncio.run(run(args.calls))
    print(f"{args.calls} calls each, interleaved, concurrency 1; ms")
    print(f"{'path':<38} {'p50':>7} {'p95':>7}")
    for name, values in times.items():
        print(f"{name:<38} {statistics.median(values):>7.1f} {pct(values, 0.95):>7.1f}")
    http = {k: statistics.median(v) for k, v in times.items() if k.startswith("HTTP")}
    ok = all(v <= TARGET_MS for v in http.values())
    shown = ", ".join(f"{k.removeprefix('HTTP ')} {v:.1f}" for k, v in http.items())
    print(
        f"SUMMARY p50 through HTTP: {shown} ms; "
        f"target <= {TARGET_MS:.0f}: {'PASS' if ok else 'FAIL'}"
    )


if __name__ == "__main__":
    main()
