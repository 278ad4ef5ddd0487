"""Fault bench: bookings while the worker is SIGKILLed inside the booking activity.

Each turn books an appointment through the public API. The worker that runs the booking
commits its write, then holds the activity (bench/fault_worker.py); the bench kills that
worker with SIGKILL at that moment, the worst place for exactly-once, and starts another.
Temporal retries the activity on a surviving worker after its start-to-close timeout (15 s),
which finds the committed ledger row and replays it. Afterwards every turn is checked:
answered once, one appointment, one ledger row, nothing left pending.

    .venv/bin/python bench/faults.py [--turns 100]

Fault kinds not in this bench yet (see the robustness issue): Temporal dev-server restarts,
database connections cut through a proxy, LLM provider failures. Worker kills at other
points are covered by tests/workflows/test_worker_restart.py.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from pydantic import SecretStr  # noqa: E402
from sqlmodel import col, select  # noqa: E402

from api.main import create_app  # noqa: E402
from bench.stack import start_dev_server, stop_dev_server  # noqa: E402
from core.settings import Settings  # noqa: E402
from store.db import make_engine, make_session_factory  # noqa: E402
from store.migrate import upgrade_async  # noqa: E402
from store.models import ActionExecution, Appointment  # noqa: E402
from store.seed import seed_demo  # noqa: E402
from store.timeutil import to_utc_naive  # noqa: E402
from tests.helpers import bookable_slot  # noqa: E402

MODEL_DIR = ROOT / "data" / "models" / "all-minilm-l6-v2-onnx"
PATIENTS = [f"harborview-patient-{n}" for n in range(1, 11)]
HOURS = (9, 10, 11, 13, 14, 15, 16)


@dataclass
class Turn:
    status: int
    ms: float
    killed: bool
    booked: int = 0
    ledger: int = 0


class Workers:
    """Worker processes, each with its own data dir (its local Qdrant), one database."""

    def __init__(self, base_env: dict[str, str], root: Path) -> None:
        self.env, self.root = base_env, root
        self.procs: dict[int, subprocess.Popen[bytes]] = {}

    def start(self) -> None:
        data = self.root / f"worker-{uuid.uuid4().hex[:6]}"
        data.mkdir()
        log = (self.root / f"{data.name}.log").open("ab")
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "fault_worker.py")],
            cwd=ROOT,
            env={**self.env, "DATA_DIR": str(data)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.procs[proc.pid] = proc

    def kill(self, pid: int) -> None:
        proc = self.procs.pop(pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)

    def stop(self) -> None:
        for proc in self.procs.values():
            proc.terminate()
        for proc in self.procs.values():
            proc.wait(timeout=30)


async def _one_turn(
    api: httpx.AsyncClient, key: str, prompt: str, holds: Path, workers: Workers
) -> tuple[httpx.Response, float, bool]:
    started = time.perf_counter()
    call = asyncio.create_task(
        api.post("/api/v1/pipelines", json={"prompt": prompt}, headers={"X-API-Key": key})
    )
    killed = False
    while not call.done():
        for marker in holds.iterdir():
            pid = int(marker.name.split("-")[0])
            marker.unlink()
            if pid in workers.procs:
                workers.kill(pid)  # between the booking's commit and the activity's return
                workers.start()
                killed = True
        await asyncio.sleep(0.05)
    return await call, (time.perf_counter() - started) * 1000, killed


async def run(turns: int) -> int:
    server, port = start_dev_server()
    root = Path(tempfile.mkdtemp(prefix="aurixa-faults-"))
    holds = root / "holds"
    holds.mkdir()
    queue = f"faults-{uuid.uuid4().hex[:6]}"
    db_url = f"sqlite+aiosqlite:///{root / 'aurixa.db'}"
    payload_keys = "faults=" + base64.b64encode(os.urandom(32)).decode()
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "TEMPORAL_ADDRESS": f"127.0.0.1:{port}",
        "TEMPORAL_TASK_QUEUE": queue,
        "EMBEDDING_MODEL_DIR": str(MODEL_DIR),
        "LLM_PROVIDER": "offline",
        "PAYLOAD_KEYS": payload_keys,
        "FAULT_HOLD_DIR": str(holds),
        "LOG_LEVEL": "WARNING",
    }
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=root,
        database_url=db_url,
        temporal_address=f"127.0.0.1:{port}",
        temporal_task_queue=queue,
        embedding_model_dir=MODEL_DIR,
        llm_provider="offline",
        payload_keys=SecretStr(payload_keys),
        rate_limit_per_minute=100_000,
    )
    await upgrade_async(db_url)
    engine = make_engine(db_url)
    sessions = make_session_factory(engine)
    keys = await seed_demo(sessions)
    workers = Workers(env, root)
    results: list[Turn] = []
    checks: list[tuple[int, datetime, int]] = []
    try:
        workers.start()
        workers.start()
        app = create_app(settings)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://faults", timeout=300
            ) as api,
        ):
            probe = SimpleNamespace(sessions=sessions)
            for n in range(turns):
                label = PATIENTS[n % len(PATIENTS)]
                staff, phrase, start = await bookable_slot(
                    probe,  # type: ignore[arg-type]
                    hour=HOURS[n % len(HOURS)],
                    min_days=1 + n // (len(HOURS) * 2),
                )
                prompt = f"Book me with {staff.full_name} {phrase}"
                resp, ms, killed = await _one_turn(api, keys[label], prompt, holds, workers)
                results.append(Turn(resp.status_code, ms, killed))
                if resp.status_code == 200:
                    body = resp.json()
                    patient = int(body["request"]["patient_id"])
                    checks.append((n, to_utc_naive(start, "America/New_York"), patient))
                print(f"turn {n + 1}/{turns}: {resp.status_code} {ms:.0f} ms killed={killed}")
        async with sessions() as session:
            for n, start, patient in checks:
                booked = await session.scalars(
                    select(Appointment).where(
                        col(Appointment.patient_id) == patient,
                        col(Appointment.start_time) == start,
                    )
                )
                results[n].booked = len(list(booked))
            pending = await session.scalars(
                select(ActionExecution).where(col(ActionExecution.status) != "succeeded")
            )
            stuck = len(list(pending))
            ledger = await session.scalars(
                select(ActionExecution).where(col(ActionExecution.action) == "create_appointment")
            )
            rows = list(ledger)
    finally:
        workers.stop()
        await engine.dispose()
        stop_dev_server(server)
    kills = sum(t.killed for t in results)
    lost = sum(t.status != 200 or t.booked == 0 for t in results)
    duplicated = sum(t.booked > 1 for t in results) + (
        len(rows) - len({r.idempotency_key for r in rows})
    )
    during = [t.ms for t in results if t.killed] or [0.0]
    print()
    print(
        "| fault | faults | turns | lost | duplicated | stuck | turn p50 / p95 ms during faults |"
    )
    print("|---|---|---|---|---|---|---|")
    p95 = sorted(during)[min(len(during) - 1, int(0.95 * len(during)))]
    print(
        f"| worker SIGKILL after the booking commits | {kills} | {len(results)} | {lost} | "
        f"{duplicated} | {stuck} | {statistics.median(during):.0f} / {p95:.0f} |"
    )
    ok = kills == len(results) and lost == 0 and duplicated == 0 and stuck == 0
    print(
        f"SUMMARY faults={kills} turns={len(results)} lost={lost} duplicated={duplicated} "
        f"stuck={stuck} {'OK' if ok else 'FAILED'}"
    )
    return 0 if ok else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=100)
    args = parser.parse_args()
    sys.exit(asyncio.run(run(args.turns)))


if __name__ == "__main__":
    main()
