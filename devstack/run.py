"""`make run`: model, migrations, seed, Temporal dev server, worker and API; Ctrl-C stops all."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from activities.embedding import prepare_model
from core.logging import setup_logging
from core.settings import ROOT, Settings, get_settings
from devstack.temporal import dev_server_command, wait_for_port
from store.db import make_engine, make_session_factory
from store.migrate import upgrade
from store.seed import read_demo_keys, seed_demo, write_demo_keys

log = logging.getLogger("aurixa.run")
EMBEDDED_TEMPORAL = "127.0.0.1:7233"


async def _seed(settings: Settings) -> dict[str, str]:
    engine = make_engine(settings.effective_database_url)
    try:
        created = await seed_demo(make_session_factory(engine))
    finally:
        await engine.dispose()
    if created:
        write_demo_keys(settings.demo_keys_file, created)
    return read_demo_keys(settings.demo_keys_file)


def _spawn(
    name: str, cmd: list[str], logs: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    out = (logs / f"{name}.log").open("ab")
    # Own process group: Ctrl-C reaches us once, and we stop the children in order.
    return subprocess.Popen(
        cmd,
        cwd=ROOT,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env={**os.environ, **(env or {})},
    )


def _wait_healthy(url: str, timeout_s: float, procs: dict[str, subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for name, proc in procs.items():
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited early; see data/logs/{name}.log")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310 - our own URL
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise TimeoutError(f"{url} not healthy after {timeout_s}s")


def _stop(procs: dict[str, subprocess.Popen[bytes]]) -> None:
    # API first, Temporal last: the worker finishes its tasks while the server still runs.
    ordered = list(reversed(procs.values()))
    for proc in ordered:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in ordered:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def _natural(item: tuple[str, str]) -> tuple[str, int]:
    # "patient-2" before "patient-10".
    stem, _, num = item[0].rpartition("-")
    return (stem, int(num)) if num.isdigit() else (item[0], 0)


def _banner(settings: Settings, keys: dict[str, str], seconds: float) -> str:
    api = f"http://{settings.api_host}:{settings.api_port}"
    lines = [
        "",
        f"AURIXA is ready in {seconds:.1f}s",
        f"  API            {api}  (OpenAPI docs: {api}/docs)",
        f"  Temporal UI    http://127.0.0.1:{settings.temporal_ui_port}"
        "  (payloads are encrypted; decoded for the harborview-admin key via /codec)",
        f"  Health         {api}/health/services",
        f"  Logs           {settings.data_dir / 'logs'}",
        "  Demo API keys (also in data/demo-keys.json):",
        *[f"    {label:<24} {key}" for label, key in sorted(keys.items(), key=_natural)],
        "  Try:",
        f"    curl -s {api}/api/v1/pipelines -H 'X-API-Key: {keys.get('harborview-patient-1', '')}'"
        " -H 'Content-Type: application/json' -d '{\"prompt\": \"What are your opening hours?\"}'",
        "Press Ctrl-C to stop everything.",
    ]
    return "\n".join(lines)


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main() -> None:
    # Explicit handlers: a shell that starts us in the background sets SIGINT to "ignore",
    # and SIGTERM (from a supervisor) must stop the children just like Ctrl-C.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    started = time.monotonic()
    settings = get_settings()
    setup_logging("run", settings.log_level, json_output=False)
    logs = settings.data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log.info("preparing the offline embedding model")
    prepare_model(settings.model_dir)
    log.info("applying migrations")
    upgrade(settings.effective_database_url)
    keys = asyncio.run(_seed(settings))
    procs: dict[str, subprocess.Popen[bytes]] = {}
    api_cmd = [
        *(sys.executable, "-m", "uvicorn", "--factory", "api.main:create_app_with_logging"),
        *("--host", settings.api_host, "--port", str(settings.api_port), "--no-access-log"),
    ]
    try:
        if settings.temporal_address == EMBEDDED_TEMPORAL:
            cmd = dev_server_command(
                port=7233,
                ui_port=settings.temporal_ui_port,
                db_file=settings.data_dir / "temporal.db",
                codec_endpoint=f"http://{settings.api_host}:{settings.api_port}/codec",
            )
            procs["temporal"] = _spawn("temporal", cmd, logs)
            wait_for_port(7233, timeout_s=60, proc=procs["temporal"])
        # One BLAS thread per process: per-turn matrix products are tiny and thread hand-offs
        # more than doubled classify's p95 on two cores (bench/eval_intents.py: 6.2 vs 14.8 ms).
        blas = {"OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "1")}
        procs["worker"] = _spawn("worker", [sys.executable, "worker.py"], logs, blas)
        # The demo's first clinic operates the demo platform: its admin key may decode
        # workflow payloads (/codec) and change the LLM routing, unless the caller says else.
        operator = {"PLATFORM_ADMIN_TENANT_ID": os.environ.get("PLATFORM_ADMIN_TENANT_ID", "1")}
        procs["api"] = _spawn("api", api_cmd, logs, operator)
        base = f"http://{settings.api_host}:{settings.api_port}"
        _wait_healthy(f"{base}/health/services", 180, procs)
        sys.stdout.write(_banner(settings, keys, time.monotonic() - started) + "\n")
        sys.stdout.flush()
        while all(p.poll() is None for p in procs.values()):
            time.sleep(0.5)
        failed = [name for name, p in procs.items() if p.poll() is not None]
        log.error("%s stopped; see data/logs/; stopping the rest", ", ".join(failed))
    except KeyboardInterrupt:
        log.info("stopping")
    finally:
        _stop(procs)


if __name__ == "__main__":
    main()
