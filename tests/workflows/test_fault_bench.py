"""The fault bench at CI size (bench/faults.py runs 100 of each): bookings under a worker
SIGKILL between commit and completion, a Temporal server restart at the same point, database
connections cut inside the booking's transaction, and an LLM provider that rate-limits,
errs, stalls or drops its stream. Every turn is answered once, booked once, spent once,
and leaves no ledger row pending; the API rides through the server restart without making
the client retry. The SQLite pass takes the first two kinds, the PostgreSQL pass the others
(the connection cuts need a server), so each pass adds about a minute."""

from __future__ import annotations

import pytest

from bench.faults import Row, report, run_kind
from tests.conftest import TEST_DB

KINDS = {"sqlite": [("worker", 2), ("temporal", 2)], "postgres": [("db", 2), ("llm", 1)]}


@pytest.mark.timeout(600)
async def test_bookings_survive_every_fault_kind() -> None:
    rows: list[Row] = []
    for kind, turns in KINDS[TEST_DB]:
        rows += await run_kind(kind, turns, TEST_DB)
    assert report(rows), "a fault lost, duplicated or stranded a turn (table above)"
    for row in rows:
        assert row.faults == len(row.turns) > 0, row.label
        assert sum(t.retries for t in row.turns) == 0, f"{row.label}: the client had to retry"
