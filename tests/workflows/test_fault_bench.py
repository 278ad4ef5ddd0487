"""The fault bench at CI size: bookings whose worker is SIGKILLed after each commit are
answered once, booked once, and leave no ledger row pending (bench/faults.py has 100)."""

from __future__ import annotations

import pytest

from bench.faults import run


@pytest.mark.timeout(400)
async def test_bookings_survive_a_worker_kill_between_commit_and_completion() -> None:
    assert await run(2) == 0
