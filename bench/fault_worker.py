"""The platform's worker with one fault point: after a booking's write commits, it writes a
marker (its pid) and holds the activity, so bench/faults.py can SIGKILL it between the write
and the activity's completion, the worst place for exactly-once.

    FAULT_HOLD_DIR=/tmp/x .venv/bin/python bench/fault_worker.py
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import worker

HOLD_DIR = Path(os.environ["FAULT_HOLD_DIR"])
TOOLS = frozenset(os.environ.get("FAULT_TOOLS", "create_appointment").split(","))


async def hold(tool: str, key: str) -> None:
    if tool not in TOOLS:
        return
    marker = HOLD_DIR / f"{os.getpid()}-{abs(hash(key))}"
    if marker.exists():
        return  # a replay of the same key on this worker: let it finish
    marker.write_text(key)
    await asyncio.sleep(3600)  # the bench kills this process long before


if __name__ == "__main__":
    asyncio.run(worker.main(after_commit=hold))
