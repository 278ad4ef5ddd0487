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
import base64
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bench.stack import start_dev_server, stop_dev_server  # noqa: E402
from devstack.temporal import free_port  # noqa: E402
from store.db import make_engine, make_session_factory  # noqa: E402
from store.migrate import upgrade_async  # noqa: E402
from store.seed import seed_demo  # noqa: E402

MODEL_DIR = ROOT / "data" / "models" / "all-minilm-l6-v2-onnx"
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


async def _seed(db_url: str) -> dict[str, str]:
    await upgrade_async(db_url)
    engine = make_engine(db_url)
    try:
        return await seed_demo(make_session_factory(engine))
    finally:
        await engine.dispose()


async def _traffic(base: str, keys: dict[str, str], turns: int) -> int:
    patient = {"X-API-Key": keys["harborview-patient-1"]}
    admin = {"X-API-Key": keys["harborview-admin"]}
    sent = 0
    async with httpx.AsyncClient(base_url=base, timeout=120) as api:
        deadline = time.monotonic() + 180
        while True:
            try:
                if (await api.get("/health/services")).status_code == 200:
                    break
            except httpx.TransportError:
                pass  # the API is still starting
            if time.monotonic() > deadline:
                raise TimeoutError("the stack did not become healthy")
            await asyncio.sleep(1)
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
    root = Path(tempfile.mkdtemp(prefix="aurixa-memory-"))
    db_url = f"sqlite+aiosqlite:///{root / 'aurixa.db'}"
    keys = asyncio.run(_seed(db_url))
    server, temporal_port = start_dev_server()
    api_port = free_port()
    env = {
        **os.environ,
        "DATA_DIR": str(root),
        "DATABASE_URL": db_url,
        "TEMPORAL_ADDRESS": f"127.0.0.1:{temporal_port}",
        "TEMPORAL_TASK_QUEUE": "memory",
        "EMBEDDING_MODEL_DIR": str(MODEL_DIR),
        "PAYLOAD_KEYS": "memory=" + base64.b64encode(os.urandom(32)).decode(),
        "OPENBLAS_NUM_THREADS": "1",
        "LOG_LEVEL": "WARNING",
    }
    log = (root / "processes.log").open("ab")
    procs = {
        "worker": subprocess.Popen(
            [sys.executable, "worker.py"], cwd=ROOT, env=env, stdout=log, stderr=log
        ),
        "api": subprocess.Popen(
            [
                *(sys.executable, "-m", "uvicorn", "--factory"),
                "api.main:create_app_with_logging",
                *("--host", "127.0.0.1", "--port", str(api_port), "--no-access-log"),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
        ),
    }
    try:
        sent = asyncio.run(_traffic(f"http://127.0.0.1:{api_port}", keys, args.turns))
        readings = {name: memory_mb(proc.pid) for name, proc in procs.items()}
    finally:
        for proc in procs.values():
            proc.terminate()
        for proc in procs.values():
            proc.wait(timeout=30)
        stop_dev_server(server)
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
