"""What the benches that run real turns share: a throwaway Temporal dev server."""

from __future__ import annotations

import subprocess

from devstack.temporal import dev_server_command, free_port, wait_for_port


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
