"""Resident memory of the API and the worker, as `make run` starts them, after real traffic.

Starts a Temporal dev server, the worker (`worker.py`) and the API (uvicorn, the same factory
as `make run`) on a fresh SQLite database, sends turns, classifications, validations and
retrievals through HTTP, then reads each process's resident set (VmRSS) and peak (VmHWM)
from /proc.

    .venv/bin/python bench/memory.py [--turns 10]

Targets (the performance issue): API <= 150 MB; worker <= 1 GB with every model loaded.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bench.http_stack import HttpStack, http_stack  # noqa: E402

API_TARGET_MB, WORKER_TARGET_MB = 150, 1024
PROMPTS = (
    "What are your opening hours?",
    "Do you take Aetna insurance?",
    "Which appointments do I have coming up?",
    "¿Cuál es el horario de la clínica?",
    "How do I prepare for a fasting blood test?",
)


def memory_mb(pid: int) -> tuple[float, float]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        fields[name] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


async def measure(turns: int) -> tuple[int, dict[str, tuple[float, float]]]:
    async with http_stack() as stack:
        sent = await _traffic(stack, turns)
        return sent, {name: memory_mb(proc.pid) for name, proc in stack.procs.items()}


async def _traffic(stack: HttpStack, turns: int) -> int:
    patient = {"X-API-Key": stack.keys["harborview-patient-1"]}
    admin = {"X-API-Key": stack.keys["harborview-admin"]}
    sent = 0
    async with httpx.AsyncClient(base_url=stack.base_url, timeout=120) as api:
        for n in range(turns):
            prompt = PROMPTS[n % len(PROMPTS)]
            calls = [
                api.post("/api/v1/pipelines", json={"prompt": prompt}, headers=patient),
                api.post("/api/v1/classify", json={"text": prompt}, headers=patient),
                api.post("/api/v1/safety/validate", json={"text": prompt}, headers=patient),
                api.post("/api/v1/rag/retrieve", json={"query": prompt}, headers=admin),
            ]
            for call in calls:
                resp = await call
                resp.raise_for_status()
                sent += 1
    return sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=10)
    args = parser.parse_args()
    sent, readings = asyncio.run(measure(args.turns))
    print(f"{sent} requests through HTTP ({args.turns} turns, classify, validate, retrieve each)")
    print(f"{'process':<8} {'RSS MB':>8} {'peak MB':>8} {'target MB':>10}")
    targets = {"api": API_TARGET_MB, "worker": WORKER_TARGET_MB}
    for name, (rss, peak) in readings.items():
        print(f"{name:<8} {rss:>8.0f} {peak:>8.0f} {targets[name]:>10}")
    api_rss, worker_rss = readings["api"][0], readings["worker"][0]
    ok = api_rss <= API_TARGET_MB and worker_rss <= WORKER_TARGET_MB
    print(
        f"SUMMARY api {api_rss:.0f} MB (<= {API_TARGET_MB}), worker {worker_rss:.0f} MB "
        f"(<= {WORKER_TARGET_MB}, no voice models yet): {'PASS' if ok else 'FAIL'}"
    )


if __name__ == "__main__":
    main()
