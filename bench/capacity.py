"""What one turn of each kind costs, measured, and what 150 and 1,500 turns/s would need.

Run: `.venv/bin/python bench/capacity.py [--turns 12]` (about a minute). Starts the stack
bench/turn_latency.py uses (its own Temporal dev server, a temporary SQLite database with the
demo clinic, a fake LLM server, the worker in this process) and runs turns of three kinds,
each in a new session:

- knowledge: an opening-hours question (starts the session's conversation workflow);
- booking: "Book me with <provider> <day> at <hour>" (books; schedules the reminder);
- emergency: chest pain (guidance; starts the escalation workflow, which then waits for staff).

Per turn of each kind it reports, summed over every workflow the turn started or extended:
history events, workflow tasks, activity tasks and local activities, and history bytes (the
serialized events, payloads encrypted as in production); then the database rows each table
gained and their data bytes (the sum of the new rows' column lengths, indexes not counted).

The load model (`docs/capacity.md`) multiplies these by a traffic mix and a rate, and sets
the result beside per-unit capacities that are stated there as assumptions.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from activities.embedding import Embedder, prepare_model
from api.turns import run_turn
from bench.stack import demo_settings, start_dev_server, stop_dev_server
from core.payloads import Caller, TurnInput
from core.settings import ROOT, Settings
from core.temporal import connect
from tests.fakes.openai_server import FakeOpenAI
from tests.helpers import bookable_slot
from worker import build_engines, create_worker

# The traffic mix the load model assumes: most turns ask, some act, few are emergencies.
MIX = {"knowledge": 0.70, "booking": 0.27, "emergency": 0.03}
RATES = (150, 1500)
# The plan in docs/capacity.md: what is provisioned at each rate, and what one unit is assumed
# to sustain (assumptions to confirm with a load test on the target hardware, not
# measurements). Utilisation above TARGET fails the check.
TARGET = 0.7
PLAN: dict[int, dict[str, int]] = {
    150: {
        "worker cores": 64,
        "history nodes": 3,
        "temporal db writes/s": 10_000,
        "app db writes/s": 5_000,
    },
    1500: {
        "worker cores": 576,
        "history nodes": 16,
        "temporal db writes/s": 60_000,
        "app db writes/s": 20_000,
    },
}
PER_UNIT = {"history node transitions/s": 2_000}
E = EventType


@dataclass
class Cost:
    turns: int = 0
    events: int = 0
    workflow_tasks: int = 0
    activity_tasks: int = 0
    markers: int = 0
    history_bytes: int = 0
    worker_cpu_s: float = 0.0  # this process: the worker and the driver
    server_cpu_s: float = 0.0  # the Temporal dev server
    rows: Counter[str] = field(default_factory=Counter)
    row_bytes: Counter[str] = field(default_factory=Counter)

    def per_turn(self, value: float) -> float:
        return value / max(self.turns, 1)


async def _histories(client: Client) -> dict[str, tuple[int, int, int, int, int]]:
    """(events, workflow tasks, activity tasks, markers, bytes) per run; markers are local
    activities and patch markers."""
    out: dict[str, tuple[int, int, int, int, int]] = {}
    async for wf in client.list_workflows():
        history = await client.get_workflow_handle(wf.id, run_id=wf.run_id).fetch_history()
        kinds = Counter(e.event_type for e in history.events)
        out[f"{wf.id}/{wf.run_id}"] = (
            len(history.events),
            kinds[E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED],
            kinds[E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED],
            kinds[E.EVENT_TYPE_MARKER_RECORDED],
            sum(e.ByteSize() for e in history.events),
        )
    return out


def _tables(db: Path) -> dict[str, tuple[int, int]]:
    """(row count, max rowid) per table."""
    with sqlite3.connect(db) as con:
        names = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        out = {}
        for name in names:
            count, top = con.execute(f'SELECT COUNT(*), MAX(rowid) FROM "{name}"').fetchone()
            out[name] = (count, top or 0)
        return out


def _new_bytes(db: Path, table: str, after_rowid: int) -> int:
    with sqlite3.connect(db) as con:
        cols = [r[1] for r in con.execute(f'PRAGMA table_info("{table}")')]
        length = " + ".join(f'COALESCE(LENGTH(CAST("{c}" AS BLOB)), 0)' for c in cols)
        value = con.execute(
            f'SELECT SUM({length}) FROM "{table}" WHERE rowid > ?', (after_rowid,)
        ).fetchone()[0]
        return int(value or 0)


def _cpu_s(pid: int) -> float:
    """User plus system CPU seconds of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


Prompt = Callable[[int], Awaitable[str]]


async def measure_kind(
    client: Client,
    db: Path,
    name: str,
    prompt: Prompt,
    turns: int,
    settings: Settings,
    caller: Caller,
    server_pid: int,
) -> Cost:
    before_h, before_t = await _histories(client), _tables(db)
    cpu, server_cpu = time.process_time(), _cpu_s(server_pid)
    for i in range(turns):
        turn = TurnInput(uuid.uuid4().hex, await prompt(i), caller)
        await run_turn(client, settings, turn, f"cap-{name}-{uuid.uuid4().hex[:10]}")
    cpu, server_cpu = time.process_time() - cpu, _cpu_s(server_pid) - server_cpu
    await asyncio.sleep(2.0)  # visibility catches up; the escalation's first steps run
    after_h, after_t = await _histories(client), _tables(db)
    cost = Cost(turns=turns, worker_cpu_s=cpu, server_cpu_s=server_cpu)
    for run, now in after_h.items():
        was = before_h.get(run, (0, 0, 0, 0, 0))
        delta = [a - b for a, b in zip(now, was, strict=True)]
        cost.events += delta[0]
        cost.workflow_tasks += delta[1]
        cost.activity_tasks += delta[2]
        cost.markers += delta[3]
        cost.history_bytes += delta[4]
    for table, (count, _) in after_t.items():
        grown = count - before_t.get(table, (0, 0))[0]
        if grown > 0:
            cost.rows[table] = grown
            cost.row_bytes[table] = _new_bytes(db, table, before_t.get(table, (0, 0))[1])
    return cost


def load_model(costs: dict[str, Cost]) -> None:
    def mixed(attr: str) -> float:
        return sum(share * costs[k].per_turn(getattr(costs[k], attr)) for k, share in MIX.items())

    rows = sum(MIX[k] * costs[k].per_turn(sum(costs[k].rows.values())) for k in MIX)
    row_bytes = sum(MIX[k] * costs[k].per_turn(sum(costs[k].row_bytes.values())) for k in MIX)
    mix = ", ".join(f"{k} {v:.0%}" for k, v in MIX.items())
    print(f"\nload model, mix {mix}")
    print(
        f"{'turns/s':>8} {'events/s':>9} {'WFT/s':>7} {'act/s':>7} {'hist MB/s':>9} "
        f"{'rows/s':>7} {'DB MB/s':>8} {'hist GB/day':>11} {'DB GB/day':>9} {'worker cores':>12}"
    )
    for rate in RATES:
        hist = rate * mixed("history_bytes")
        data = rate * row_bytes
        print(
            f"{rate:>8} {rate * mixed('events'):>9.0f} {rate * mixed('workflow_tasks'):>7.0f} "
            f"{rate * mixed('activity_tasks'):>7.0f} {hist / 1e6:>9.2f} {rate * rows:>7.0f} "
            f"{data / 1e6:>8.2f} {hist * 86400 / 1e9:>11.1f} {data * 86400 / 1e9:>9.1f} "
            f"{rate * mixed('worker_cpu_s'):>12.0f}"
        )
    # State transitions: every workflow task and activity task completed, and every start,
    # update or signal, is one history write; turns/s x the mixed counts approximates it.
    print(f"\nplan check (utilisation at or below {TARGET:.0%} passes)")
    for rate in RATES:
        plan = PLAN[rate]
        transitions = rate * (mixed("workflow_tasks") + mixed("activity_tasks"))
        # One write statement per table a turn writes: an upper bound on its transactions
        # (the steps go in one batch).
        writes = rate * sum(MIX[k] * len(costs[k].rows) for k in MIX)
        loads = {
            "worker cores": rate * mixed("worker_cpu_s") / plan["worker cores"],
            "history nodes": transitions
            / (plan["history nodes"] * PER_UNIT["history node transitions/s"]),
            "temporal db writes/s": transitions / plan["temporal db writes/s"],
            "app db writes/s": writes / plan["app db writes/s"],
        }
        verdict = "PASS" if all(v <= TARGET for v in loads.values()) else "FAIL"
        shown = ", ".join(f"{k} {v:.0%}" for k, v in loads.items())
        print(f"{rate:>6} turns/s: {shown} -> {verdict}")


async def main(turns: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="aurixa-capacity-"))
    server, port = start_dev_server()
    model_dir = prepare_model(ROOT / "data" / "models" / "all-minilm-l6-v2-onnx")
    try:
        async with FakeOpenAI(reply="Downtown is open 8:00 AM to 6:00 PM on weekdays.") as fake:
            settings = await demo_settings(work, port, "capacity", model_dir, fake.base_url)
            engines = await build_engines(settings, embedder=Embedder(model_dir))
            client = await connect(settings)
            caller = Caller(tenant_id=1, user_id=1, role="patient", patient_id=1)
            db = work / "aurixa.db"

            def saying(text: str) -> Prompt:
                async def prompt(_: int) -> str:
                    return text

                return prompt

            async def booking(i: int) -> str:
                # A slot free now (the last turn took one): every turn books.
                staff, phrase, _ = await bookable_slot(engines, hour=10 + i % 6)
                return f"Book me with {staff.full_name} {phrase}"

            kinds = {
                "knowledge": saying("What are your opening hours?"),
                "booking": booking,
                "emergency": saying("I have crushing chest pain and my left arm is numb"),
            }
            costs: dict[str, Cost] = {}
            with ThreadPoolExecutor(max_workers=8) as pool:
                async with create_worker(client, engines, task_queue="capacity", executor=pool):
                    args = (settings, caller, server.pid)
                    await measure_kind(client, db, "warm", saying("hello"), 1, *args)
                    for name, prompt in kinds.items():
                        costs[name] = await measure_kind(client, db, name, prompt, turns, *args)
            await engines.close()
    finally:
        stop_dev_server(server)

    print(f"per turn ({turns} turns of each kind, new session each)")
    print(
        f"{'kind':<10} {'events':>7} {'WFT':>5} {'act':>5} {'marks':>6} {'hist KB':>8} "
        f"{'DB rows':>8} {'DB KB':>7} {'worker ms':>9} {'server ms':>9}"
    )
    for name, c in costs.items():
        print(
            f"{name:<10} {c.per_turn(c.events):>7.1f} {c.per_turn(c.workflow_tasks):>5.1f} "
            f"{c.per_turn(c.activity_tasks):>5.1f} {c.per_turn(c.markers):>6.1f} "
            f"{c.per_turn(c.history_bytes) / 1024:>8.1f} {c.per_turn(sum(c.rows.values())):>8.1f} "
            f"{c.per_turn(sum(c.row_bytes.values())) / 1024:>7.1f} "
            f"{c.per_turn(c.worker_cpu_s) * 1000:>9.1f} {c.per_turn(c.server_cpu_s) * 1000:>9.1f}"
        )
    for name, c in costs.items():
        tables = ", ".join(
            f"{t} {c.per_turn(n):.1f} ({c.per_turn(c.row_bytes[t]) / 1024:.1f} KB)"
            for t, n in c.rows.most_common()
        )
        print(f"  {name} rows per turn: {tables}")
    load_model(costs)
    k = costs["knowledge"]
    print(
        f"summary: knowledge turn {k.per_turn(k.events):.0f} events, "
        f"{k.per_turn(k.workflow_tasks):.0f} workflow tasks, "
        f"{k.per_turn(k.history_bytes) / 1024:.0f} KB history, "
        f"{k.per_turn(sum(k.rows.values())):.0f} DB rows per turn"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=12)
    asyncio.run(main(parser.parse_args().turns))
