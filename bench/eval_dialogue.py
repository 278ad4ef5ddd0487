"""Multi-turn dialogue evaluation: task success and turns to completion, through the path a
turn takes (Temporal dev server, the real worker and engines, the demo clinic on SQLite).

Each scripted dialogue (bench/data/dialogue_{test,dev}.json, written by people who never
saw the planner) is sent turn by turn into one conversation. Its goals are checked against
the clinic database and the replies: a booking that matches every constraint said (and, for
a pick, the option picked from the list shown), a cancellation, a move, a refill, nothing
changed, an answer holding the expected facts, an emergency handled. The database is put
back after each dialogue so every one starts from the seeded demo clinic.

    python bench/eval_dialogue.py [--set test|dev|both] [--show] [--only ID ...]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
import unicodedata
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import select
from temporalio.client import Client

from activities.embedding import Embedder, prepare_model
from api.turns import run_turn
from bench.stack import start_dev_server, stop_dev_server
from core.payloads import Caller, PipelineResult, TurnInput
from core.settings import ROOT, Settings
from core.temporal import connect
from store.db import make_engine, make_session_factory
from store.migrate import upgrade_async
from store.models import Appointment, Prescription, User
from store.seed import seed_demo
from store.timeutil import now_local, utc_naive_to_local
from worker import bootstrap_knowledge, build_engines, create_worker

DATA = Path(__file__).parent / "data"
TZ = "America/New_York"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
STATE_GOALS = ("book", "cancel", "reschedule", "refill", "none")


@dataclass
class Snapshot:
    appts: dict[int, tuple[str, datetime]]  # id -> (status, start)
    rx: dict[int, tuple[int, datetime | None]]  # id -> (refills_remaining, requested_at)


@dataclass
class Outcome:
    item: dict[str, Any]
    ok: bool
    turns_to_done: int | None
    replies: list[str] = field(default_factory=list)
    why: list[str] = field(default_factory=list)
    ms: list[float] = field(default_factory=list)
    moves: list[str] = field(default_factory=list)  # intent and dialogue move of each turn


def plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


async def snapshot(sessions: async_sessionmaker[AsyncSession]) -> Snapshot:
    async with sessions() as s:
        appts = {a.id or 0: (a.status, a.start_time) for a in await s.scalars(select(Appointment))}
        rx = {
            r.id or 0: (r.refills_remaining, r.refill_requested_at)
            for r in await s.scalars(select(Prescription))
        }
    return Snapshot(appts, rx)


async def restore(sessions: async_sessionmaker[AsyncSession], snap: Snapshot) -> None:
    async with sessions() as s:
        for a in await s.scalars(select(Appointment)):
            if a.id not in snap.appts:
                await s.delete(a)
                continue
            status, start = snap.appts[a.id or 0]
            if (a.status, a.start_time) != (status, start):
                a.end_time = start + (a.end_time - a.start_time)
                a.status, a.start_time = status, start
                s.add(a)
        for r in await s.scalars(select(Prescription)):
            left, asked = snap.rx[r.id or 0]
            r.refills_remaining, r.refill_requested_at = left, asked
            s.add(r)
        await s.commit()


def _part(start: datetime) -> str:
    return "morning" if start.hour < 12 else "afternoon" if start.hour < 17 else "evening"


def _matches(goal: dict[str, Any], provider: str, start: datetime, today: date) -> list[str]:
    bad = []
    if goal.get("provider") and plain(goal["provider"]) != plain(provider):
        bad.append(f"provider {provider}")
    if goal.get("weekday") and WEEKDAYS[start.weekday()] != goal["weekday"][:3].lower():
        bad.append(f"weekday {WEEKDAYS[start.weekday()]}")
    if goal.get("time") and start.strftime("%H:%M") != goal["time"]:
        bad.append(f"time {start:%H:%M}")
    if goal.get("part_of_day") and _part(start) != goal["part_of_day"]:
        bad.append(f"part {_part(start)}")
    if goal.get("week"):
        monday = today - timedelta(days=today.weekday())
        if goal["week"] == "next":
            monday += timedelta(weeks=1)
        if not monday <= start.date() < monday + timedelta(days=7):
            bad.append(f"week of {start.date()}")
    return bad


async def check_state(
    sessions: async_sessionmaker[AsyncSession],
    snap: Snapshot,
    patient: int,
    goals: list[dict[str, Any]],
    offered: list[dict[str, Any]],
    today: date,
) -> list[str]:
    """Why the database does not (yet) show the goals; empty when it does."""
    async with sessions() as s:
        appts = list(await s.scalars(select(Appointment)))
        rxs = list(await s.scalars(select(Prescription)))
    new = [a for a in appts if a.id not in snap.appts and a.status == "confirmed"]
    changed = [
        a for a in appts if a.id in snap.appts and (a.status, a.start_time) != snap.appts[a.id]
    ]
    refilled = [
        r for r in rxs if (r.refills_remaining, r.refill_requested_at) != snap.rx[r.id or 0]
    ]
    wanted = {g["type"] for g in goals}
    why: list[str] = []
    if "book" not in wanted and new:
        why.append(f"unexpected booking x{len(new)}")
    if not wanted & {"cancel", "reschedule"} and changed:
        why.append("unexpected change to an appointment")
    if "refill" not in wanted and refilled:
        why.append("unexpected refill")
    for goal in goals:
        kind = goal["type"]
        if kind == "book":
            mine = [a for a in new if a.patient_id == patient]
            if len(mine) != 1 or len(new) != 1:
                why.append(f"{len(mine)} bookings")
                continue
            start = utc_naive_to_local(mine[0].start_time, TZ).replace(tzinfo=None)
            bad = _matches(goal, mine[0].provider_name, start, today)
            pick = goal.get("pick")
            if pick and not bad:
                bad += _picked(pick, mine[0].staff_id, start, offered)
            why += [f"book: {b}" for b in bad]
        elif kind in ("cancel", "reschedule"):
            mine = [a for a in changed if a.patient_id == patient]
            if len(mine) != 1 or len(changed) != 1 or new:
                why.append(f"{kind}: {len(mine)} changed, {len(new)} new")
                continue
            a = mine[0]
            if plain(a.provider_name) != plain(goal.get("provider", a.provider_name)):
                why.append(f"{kind}: provider {a.provider_name}")
            if kind == "cancel" and a.status != "cancelled":
                why.append(f"cancel: status {a.status}")
            if kind == "reschedule":
                start = utc_naive_to_local(a.start_time, TZ).replace(tzinfo=None)
                if a.status != "confirmed" or a.start_time == snap.appts[a.id or 0][1]:
                    why.append("reschedule: not moved")
                why += [f"reschedule: {b}" for b in _matches(goal, a.provider_name, start, today)]
        elif kind == "refill":
            names = [r.medication_name for r in refilled if r.patient_id == patient]
            if len(refilled) != 1 or not any(plain(goal["medication"]) in plain(n) for n in names):
                why.append(f"refill: {names or 'none'}")
    return why


def _picked(
    pick: dict[str, Any], staff_id: int, start: datetime, offered: list[dict[str, Any]]
) -> list[str]:
    if not offered:
        return ["pick: no list was offered"]
    starts = [(o["staff_id"], o["start_local"][:16]) for o in offered]
    booked = (staff_id, start.isoformat()[:16])
    if "ordinal" in pick:
        n = pick["ordinal"]
        want = starts[-1] if n == "last" else (starts[n - 1] if n <= len(starts) else None)
    else:
        ordered = sorted(starts, key=lambda s: s[1])
        want = ordered[-1] if pick["extreme"] == "latest" else ordered[0]
    return [] if want == booked else [f"pick: booked {booked}, wanted {want}"]


def check_replies(goals: list[dict[str, Any]], results: list[PipelineResult]) -> list[str]:
    why = []
    for goal in goals:
        turn = goal.get("turn", len(results) - 1)
        if turn >= len(results):
            why.append(f"{goal['type']}: turn {turn} never ran")
            continue
        res = results[turn]
        if goal["type"] == "answer":
            reply = plain(res.final_response)
            for fact in goal["facts"]:
                options = fact if isinstance(fact, list) else [fact]
                if not any(plain(o) in reply for o in options):
                    why.append(f"answer t{turn}: missing {options[0]!r}")
        elif goal["type"] == "escalate" and not res.requires_escalation:
            why.append(f"escalate t{turn}: not escalated")
    return why


def offered_of(result: PipelineResult) -> list[dict[str, Any]]:
    """The slot options the turn left on offer (from its dialogue state)."""
    state = result.dialogue
    task = state.task if state else None
    return [
        {"staff_id": o.staff_id, "start_local": o.start_local}
        for o in (task.offered if task else [])
        if o.kind == "slot"
    ]


async def run_dialogue(
    client: Client,
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    users: dict[int, int],
    item: dict[str, Any],
) -> Outcome:
    snap = await snapshot(sessions)
    today = now_local(TZ).date()
    patient = int(item["patient"])
    caller = Caller(tenant_id=1, user_id=users[patient], role="patient", patient_id=patient)
    session = f"eval-{item['id']}-{uuid.uuid4().hex[:6]}"
    state_goals = [g for g in item["goals"] if g["type"] in STATE_GOALS]
    results: list[PipelineResult] = []
    offered: list[dict[str, Any]] = []
    last_offered: list[dict[str, Any]] = []
    done_at: int | None = None
    ms = []
    try:
        for index, prompt in enumerate(item["turns"]):
            began = time.perf_counter()
            res = await run_turn(
                client, settings, TurnInput(uuid.uuid4().hex, prompt, caller), session
            )
            ms.append((time.perf_counter() - began) * 1000)
            results.append(res)
            why = await check_state(sessions, snap, patient, state_goals, last_offered, today)
            if not why and done_at is None and any(g["type"] != "none" for g in state_goals):
                done_at = index + 1
            offered = offered_of(res)
            last_offered = offered or last_offered
        why = await check_state(sessions, snap, patient, state_goals, last_offered, today)
        why += check_replies([g for g in item["goals"] if g["type"] not in STATE_GOALS], results)
    finally:
        await restore(sessions, snap)
    if not state_goals or all(g["type"] == "none" for g in state_goals):
        done_at = len(results) if not why else None
    replies = [r.final_response for r in results]
    moves = [
        f"{r.intent} "
        + ",".join(s.output["move"] for s in r.steps if s.name == "dialogue" and s.output)
        for r in results
    ]
    return Outcome(item, not why, done_at if not why else None, replies, why, ms, moves)


def report(name: str, outcomes: list[Outcome]) -> str:
    ok = [o for o in outcomes if o.ok]
    kinds = sorted({o.item["kind"] for o in outcomes})
    print(f"\n== {name}: {len(ok)}/{len(outcomes)} dialogues succeeded")
    print(f"{'kind':<22} {'n':>3} {'success':>8} {'turns':>6}")
    for kind in kinds:
        rows = [o for o in outcomes if o.item["kind"] == kind]
        good = [o for o in rows if o.ok]
        turns = statistics.mean(o.turns_to_done or 0 for o in good) if good else float("nan")
        print(f"{kind:<22} {len(rows):>3} {len(good) / len(rows):>8.2f} {turns:>6.2f}")
    for lang in ("en", "es"):
        rows = [o for o in outcomes if o.item.get("lang") == lang]
        if rows:
            rate = sum(o.ok for o in rows) / len(rows)
            print(f"{'language ' + lang:<22} {len(rows):>3} {rate:>8.2f}")
    vague = [o for o in ok if o.item["kind"] == "vague_booking"]
    books = [o for o in ok if any(g["type"] == "book" for g in o.item["goals"])]
    vague_turns = statistics.mean(o.turns_to_done or 0 for o in vague) if vague else float("nan")
    book_turns = statistics.mean(o.turns_to_done or 0 for o in books) if books else float("nan")
    all_ms = [m for o in outcomes for m in o.ms]
    line = (
        f"{name}: task success {len(ok) / len(outcomes):.3f} ({len(ok)}/{len(outcomes)}), "
        f"vague-start booking turns {vague_turns:.2f}, booking turns {book_turns:.2f}, "
        f"turn p50 {statistics.median(all_ms):.0f} ms"
    )
    print(line)
    return line


async def main(sets: list[str], show: bool, only: list[str]) -> None:
    work = Path(tempfile.mkdtemp(prefix="aurixa-dialogue-"))
    server, port = start_dev_server()
    model_dir = prepare_model(ROOT / "data" / "models" / "all-minilm-l6-v2-onnx")
    summaries = []
    try:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            data_dir=work,
            temporal_address=f"127.0.0.1:{port}",
            temporal_task_queue="eval-dialogue",
            embedding_model_dir=model_dir,
            log_level="WARNING",
        )
        await upgrade_async(settings.effective_database_url)
        db = make_engine(settings.effective_database_url)
        sessions = make_session_factory(db)
        await seed_demo(sessions)
        async with sessions() as s:
            users = {
                u.patient_id: u.id or 0
                for u in await s.scalars(select(User).where(User.tenant_id == 1))
                if u.patient_id is not None
            }
        engines = await build_engines(settings, embedder=Embedder(model_dir))
        client: Client = await connect(settings)
        with ThreadPoolExecutor(max_workers=8) as pool:
            async with create_worker(client, engines, task_queue="eval-dialogue", executor=pool):
                for wf in await bootstrap_knowledge(client, engines, settings):
                    await client.get_workflow_handle(wf).result()
                for name in sets:
                    items = json.loads((DATA / f"dialogue_{name}.json").read_text())
                    items = [i for i in items if not only or i["id"] in only]
                    outcomes = []
                    for item in items:
                        out = await run_dialogue(client, settings, sessions, users, item)
                        outcomes.append(out)
                        if show and not out.ok:
                            print(f"\n-- {item['id']} ({item['kind']}, {item['lang']}): {out.why}")
                            for said, reply, move in zip(
                                item["turns"], out.replies, out.moves, strict=False
                            ):
                                print(f"   > {said}\n   < [{move}] {reply[:300]!r}")
                    summaries.append(report(name, outcomes))
        await engines.close()
        await db.dispose()
    finally:
        stop_dev_server(server)
    print("\nsummary: " + " | ".join(summaries))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", choices=["test", "dev", "both"], default="both")
    parser.add_argument("--show", action="store_true", help="print failed dialogues")
    parser.add_argument("--only", nargs="*", default=[])
    args = parser.parse_args()
    chosen = ["test", "dev"] if args.set == "both" else [args.set]
    asyncio.run(main(chosen, args.show, args.only))
