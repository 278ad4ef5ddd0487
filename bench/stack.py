"""What the benches that run real turns share: a throwaway Temporal dev server, and the
settings and demo database of an in-process stack around it."""

from __future__ import annotations

import subprocess
from pathlib import Path

from core.settings import Settings
from devstack.temporal import dev_server_command, free_port, wait_for_port
from store.db import make_engine, make_session_factory
from store.migrate import upgrade_async
from store.seed import seed_demo


def start_dev_server() -> tuple[subprocess.Popen[bytes], int]:
    """A Temporal dev server on a free port, in memory, ready to connect to."""
    port = free_port()
    server = subprocess.Popen(
        dev_server_command(port=port, ui_port=None, db_file=None),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port, timeout_s=60, proc=server)
    return server, port


def stop_dev_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    server.wait(timeout=20)


async def demo_settings(
    work: Path, port: int, queue: str, model_dir: Path, llm_base: str | None = None
) -> Settings:
    """Settings for a worker in the bench's process, on a fresh SQLite database in `work`
    seeded with the demo clinic, talking to the fake LLM at `llm_base` (None: the offline
    responder)."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=work,
        temporal_address=f"127.0.0.1:{port}",
        temporal_task_queue=queue,
        embedding_model_dir=model_dir,
        stream_batch_ms=20,
        log_level="WARNING",
    )
    if llm_base:
        settings = settings.model_copy(
            update={
                "llm_provider": "openai_compatible",
                "llm_api_base": llm_base,
                "llm_model": "fake-model",
            }
        )
    await upgrade_async(settings.effective_database_url)
    db = make_engine(settings.effective_database_url)
    try:
        await seed_demo(make_session_factory(db))
    finally:
        await db.dispose()
    return settings
