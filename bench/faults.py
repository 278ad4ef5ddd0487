"""Fault bench: bookings through the public API while faults strike at the worst places.

One stack per kind, one fault per turn:

- worker: SIGKILL the worker between the booking's commit and its activity's completion
  (bench/fault_worker.py holds it there); Temporal retries the activity on another worker
  after its start-to-close timeout (15 s), which replays the committed ledger row.
- temporal: SIGKILL the Temporal dev server at that same point and start it again (its
  state is in a file); the worker reports the completion to the restarted server.
- db: cut every PostgreSQL connection (a TCP proxy between the platform and the server)
  inside the booking's transaction, after its statements and before its commit; the
  attempt fails and Temporal retries it.
- llm: the primary provider fails the turn's reply with a 429, a 500, a stall past its
  timeout or a stream dropped mid-way (one row each); the gateway moves to the fallback.

Then every turn is checked: answered (a client that gets a 5xx or loses the connection
retries with the same Idempotency-Key, as a real one would; counted), one appointment, one
ledger row per key, no action row left anything but succeeded; for llm, one successful
model call per turn and a reply from one provider only.

    .venv/bin/python bench/faults.py [--kind all|worker|temporal|db|llm] [--turns 100]

`--turns` is per row (the llm kind has four rows). The db kind needs PostgreSQL on
127.0.0.1:5432; the others run on SQLite unless `--db postgres`.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker  # noqa: E402
from sqlmodel import col, func, select  # noqa: E402

from api.main import create_app  # noqa: E402
from bench.fault_stack import FALLBACK_REPLY, PRIMARY_REPLY, Stack, open_stack  # noqa: E402
from store.db import make_engine, make_session_factory  # noqa: E402
from store.migrate import upgrade_async  # noqa: E402
from store.models import ActionExecution, Appointment, LlmCall  # noqa: E402
from store.seed import seed_demo  # noqa: E402
from store.timeutil import to_utc_naive  # noqa: E402
from tests.fakes.common import Failure  # noqa: E402
from tests.helpers import bookable_slot  # noqa: E402

PATIENTS = [f"harborview-patient-{n}" for n in range(1, 11)]
HOURS = (9, 10, 11, 13, 14, 15, 16)
KINDS = ("worker", "temporal", "db", "llm")
LLM_FAILURES = {
    "llm 429": Failure("status", 429),
    "llm 500": Failure("status", 500),
    "llm timeout": Failure("hang", hang_s=8.0),  # the primary's timeout is 2 s
    "llm stream dropped": Failure("drop", after_chunks=1),
}
LABELS = {
    "worker": "worker SIGKILL after the booking commits",
    "temporal": "Temporal server SIGKILL + restart after the commit",
    "db": "database connections cut before the commit",
}
CLIENT_RETRIES = 5


@dataclass
class Turn:
    row: str
    status: int
    ms: float
    struck: bool
    retries: int
    reply: str = ""
    turn_id: str = ""
    booked: int = 0


@dataclass
class Row:
    label: str
    turns: list[Turn] = field(default_factory=list)
    duplicated: int = 0
    stuck: int = 0
    extra: str = ""

    @property
    def faults(self) -> int:
        return sum(t.struck for t in self.turns)

    @property
    def lost(self) -> int:
        return sum(t.status != 200 or t.booked == 0 for t in self.turns)

    @property
    def ok(self) -> bool:
        return (
            self.faults == len(self.turns) > 0
            and self.lost == 0
            and self.duplicated == 0
            and self.stuck == 0
        )


async def _strike_held(stack: Stack) -> bool:
    """Strikes at every activity a worker holds at its fault point; True if one was."""
    struck = False
    for marker in list(stack.holds.iterdir()):
        pid_text, _, digest = marker.name.partition("-")
        if pid_text == "done":
            continue
        (stack.holds / f"done-{digest}").touch()  # the retry after this fault runs through
        if stack.kind == "worker":
            stack.workers.kill(int(pid_text))
            stack.workers.start()
        elif stack.kind == "temporal":
            await stack.server.restart()
        elif stack.kind == "db" and stack.proxy is not None:
            stack.proxy.cut()
        marker.unlink(missing_ok=True)  # releases a held worker that is still alive
        struck = True
    return struck


async def _one_turn(
    stack: Stack, api: httpx.AsyncClient, key: str, prompt: str
) -> tuple[httpx.Response | None, float, bool, int]:
    headers = {"X-API-Key": key, "Idempotency-Key": uuid.uuid4().hex}
    started = time.perf_counter()
    struck, retries = False, 0
    while True:
        call = asyncio.create_task(
            api.post("/api/v1/pipelines", json={"prompt": prompt}, headers=headers)
        )
        while not call.done():
            struck |= await _strike_held(stack)
            await asyncio.sleep(0.02)
        resp = None if call.exception() else call.result()
        if (resp is not None and resp.status_code < 500) or retries == CLIENT_RETRIES:
            return resp, (time.perf_counter() - started) * 1000, struck, retries
        retries += 1
        await asyncio.sleep(1.0)


async def run_kind(kind: str, turns: int, db: str) -> list[Row]:
    names = list(LLM_FAILURES) if kind == "llm" else [kind]
    rows = {name: Row(LABELS.get(name, name)) for name in names}
    async with open_stack(kind, db) as stack:
        await upgrade_async(stack.db_url)
        engine = make_engine(stack.db_url)
        sessions = make_session_factory(engine)
        try:
            keys = await seed_demo(sessions)
            async with sessions() as session:
                # The demo's own appointments: a turn may book a patient at the hour of one
                # with another provider, which is not this bench's duplicate.
                seeded = set(await session.scalars(select(Appointment.id)))
            stack.workers.start()
            stack.workers.start()
            checks = await _drive(stack, keys, sessions, names, turns, rows)
            await _check(stack, sessions, checks, rows, seeded)
        finally:
            await engine.dispose()
    return list(rows.values())


async def _drive(
    stack: Stack,
    keys: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
    names: list[str],
    turns: int,
    rows: dict[str, Row],
) -> list[tuple[Turn, datetime, int]]:
    app = create_app(stack.settings)
    probe = SimpleNamespace(sessions=sessions)
    checks: list[tuple[Turn, datetime, int]] = []
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://faults", timeout=300
        ) as api,
    ):
        # Not measured: the first turn waits for a worker to load its models and poll.
        warm = await api.post(
            "/api/v1/pipelines",
            json={"prompt": "What are your opening hours?"},
            headers={"X-API-Key": keys[PATIENTS[0]]},
        )
        warm.raise_for_status()
        for n in range(turns * len(names)):
            name = names[n % len(names)]
            staff, phrase, start = await bookable_slot(
                probe,  # type: ignore[arg-type]
                hour=HOURS[n % len(HOURS)],
                min_days=1 + n // (len(HOURS) * 2),
            )
            if stack.primary is not None:
                stack.primary.script(LLM_FAILURES[name])
            label = PATIENTS[n % len(PATIENTS)]
            prompt = f"Book me with {staff.full_name} {phrase}"
            resp, ms, struck, retries = await _one_turn(stack, api, keys[label], prompt)
            if stack.primary is not None:
                struck = not stack.primary.pending_failures
                stack.primary.reset()  # an unconsumed failure must not strike the next turn
            turn = Turn(name, resp.status_code if resp else 0, ms, struck, retries)
            rows[name].turns.append(turn)
            if resp is not None and resp.status_code == 200:
                body = resp.json()
                turn.reply = str(body.get("final_response") or "")
                turn.turn_id = str(body.get("turn_id") or "")
                patient = int(body["request"]["patient_id"])
                checks.append((turn, to_utc_naive(start, "America/New_York"), patient))
            print(
                f"{name} {n + 1}/{turns * len(names)}: {turn.status} {ms:.0f} ms "
                f"struck={struck} retries={retries}",
                flush=True,
            )
    return checks


async def _check(
    stack: Stack,
    sessions: async_sessionmaker[AsyncSession],
    checks: list[tuple[Turn, datetime, int]],
    rows: dict[str, Row],
    seeded: set[int],
) -> None:
    async with sessions() as session:
        for turn, start, patient in checks:
            booked = await session.scalars(
                select(Appointment).where(
                    col(Appointment.patient_id) == patient,
                    col(Appointment.start_time) == start,
                    col(Appointment.id).not_in(seeded),
                )
            )
            turn.booked = len(list(booked))
        stuck = await session.scalar(
            select(func.count())
            .select_from(ActionExecution)
            .where(col(ActionExecution.status) != "succeeded")
        )
        keys = list(
            await session.scalars(
                select(ActionExecution.idempotency_key).where(
                    col(ActionExecution.action) == "create_appointment"
                )
            )
        )
        calls = list(await session.execute(select(LlmCall.request_key, LlmCall.status)))
    twice = len(keys) - len(set(keys))
    for row in rows.values():
        row.stuck = int(stuck or 0)
        row.duplicated = twice + sum(t.booked > 1 for t in row.turns)
    if stack.primary is None:
        return
    by_turn: dict[str, list[str]] = {}
    for request_key, status in calls:
        by_turn.setdefault(str(request_key).rpartition(":")[2], []).append(status)
    for row in rows.values():
        answered = [by_turn.get(t.turn_id, []) for t in row.turns]
        # Spend recorded twice, or one reply stitched from both providers' streams.
        row.duplicated += sum(s.count("ok") > 1 for s in answered)
        # A dropped stream has sent its first words ("Primary provider") before the cut.
        partial = PRIMARY_REPLY.split()[0]
        row.duplicated += sum(partial in t.reply and FALLBACK_REPLY in t.reply for t in row.turns)
        failed = sum(len(s) - s.count("ok") for s in answered)
        fallback = sum(FALLBACK_REPLY in t.reply for t in row.turns)
        row.extra = f"failed calls recorded {failed}; fallback answered {fallback}"


def report(rows: list[Row]) -> bool:
    print()
    print(
        "| fault | faults | turns | lost | duplicated | stuck | client retries "
        "| turn p50 / p95 ms during faults | notes |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        during = sorted(t.ms for t in row.turns if t.struck) or [0.0]
        p95 = during[min(len(during) - 1, int(0.95 * len(during)))]
        retries = sum(t.retries for t in row.turns)
        print(
            f"| {row.label} | {row.faults} | {len(row.turns)} | {row.lost} | {row.duplicated} "
            f"| {row.stuck} | {retries} | {statistics.median(during):.0f} / {p95:.0f} "
            f"| {row.extra} |"
        )
    ok = all(row.ok for row in rows)
    faults = sum(row.faults for row in rows)
    turns = sum(len(row.turns) for row in rows)
    print(
        f"SUMMARY kinds={len(rows)} faults={faults} turns={turns} "
        f"lost={sum(r.lost for r in rows)} duplicated={sum(r.duplicated for r in rows)} "
        f"stuck={sum(r.stuck for r in rows)} {'OK' if ok else 'FAILED'}"
    )
    return ok


async def run(kinds: list[str], turns: int, db: str | None = None) -> int:
    rows: list[Row] = []
    for kind in kinds:
        # Connections to cut need a server: the db kind always runs on PostgreSQL.
        rows += await run_kind(kind, turns, "postgres" if kind == "db" else db or "sqlite")
    return 0 if report(rows) else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=["all", *KINDS], default="all")
    parser.add_argument("--turns", type=int, default=100)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default=None)
    args = parser.parse_args()
    kinds = list(KINDS) if args.kind == "all" else [args.kind]
    sys.exit(asyncio.run(run(kinds, args.turns, args.db)))


if __name__ == "__main__":
    main()
