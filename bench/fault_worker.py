"""The platform's worker with one fault point, so bench/faults.py can strike at the worst
place for exactly-once:

- `FAULT_POINT=after_commit` (default): a booking's write committed, the activity has not
  completed; the bench kills this worker there, or restarts the Temporal server.
- `FAULT_POINT=before_commit`: the booking's statements reached the database inside its
  transaction, the commit has not; the bench cuts the database connections there.

At the point the worker writes a marker (`<pid>-<key hash>`) into FAULT_HOLD_DIR and holds
the activity until the bench removes it. Each key is held once across every worker (the
bench leaves `done-<key hash>`), so the retry that follows the fault runs through.

    FAULT_HOLD_DIR=/tmp/x .venv/bin/python bench/fault_worker.py
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import worker

HOLD_DIR = Path(os.environ["FAULT_HOLD_DIR"])
TOOLS = frozenset(os.environ.get("FAULT_TOOLS", "create_appointment").split(","))
POINT = os.environ.get("FAULT_POINT", "after_commit")


async def hold(tool: str, key: str) -> None:
    if tool not in TOOLS:
        return
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    if (HOLD_DIR / f"done-{digest}").exists():
        return  # the retry after this key's fault: let it finish
    marker = HOLD_DIR / f"{os.getpid()}-{digest}"
    marker.write_text(key)
    while marker.exists():  # until the bench has struck (or killed this process)
        await asyncio.sleep(0.02)


if __name__ == "__main__":
    hooks = {POINT: hold}
    asyncio.run(worker.main(**hooks))
