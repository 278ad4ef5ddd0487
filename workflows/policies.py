"""Named timeouts and retry policies, one per kind of activity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from temporalio.common import RetryPolicy

from core.errors import NON_RETRYABLE_TYPES
from core.policy import LLM_MAX_ATTEMPTS


@dataclass(frozen=True)
class ActivityOptions:
    start_to_close: timedelta
    retry: RetryPolicy
    heartbeat: timedelta | None = None


# CPU-bound engines in the worker: fail fast, retry a little.
ENGINE = ActivityOptions(
    timedelta(seconds=10),
    RetryPolicy(initial_interval=timedelta(milliseconds=200), maximum_attempts=3),
)
# Database work: transient errors (locks, restarts) retry with backoff; bad input never does.
DATABASE = ActivityOptions(
    timedelta(seconds=15),
    RetryPolicy(
        initial_interval=timedelta(milliseconds=300),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(seconds=10),
        maximum_attempts=8,
        non_retryable_error_types=NON_RETRYABLE_TYPES,
    ),
)
# Generation streams for a while; heartbeats let a dead worker's attempt be retried quickly.
LLM = ActivityOptions(
    timedelta(seconds=90),
    RetryPolicy(
        initial_interval=timedelta(milliseconds=500),
        maximum_attempts=LLM_MAX_ATTEMPTS,
        non_retryable_error_types=["LlmContentPolicy", "LlmInvalidRequest"],
    ),
    heartbeat=timedelta(seconds=5),
)
# A finished turn must be recorded: keep trying until the database is back.
PERSIST = ActivityOptions(
    timedelta(seconds=15),
    RetryPolicy(
        initial_interval=timedelta(milliseconds=300), maximum_interval=timedelta(seconds=30)
    ),
)
# Knowledge ingestion. Planning reads the article and scans its stored chunks (a linear scan
# in local mode); embedding a batch takes about a second. Both retry with backoff for a
# good while, since an article change must eventually reach the index.
INGEST_DB = ActivityOptions(
    timedelta(seconds=120),
    RetryPolicy(
        initial_interval=timedelta(seconds=1),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(seconds=30),
        maximum_attempts=10,
        non_retryable_error_types=NON_RETRYABLE_TYPES,
    ),
)
# The heartbeat timeout comes from the workflow input: it is how fast a killed worker's
# batch moves to another worker.
INGEST_EMBED = ActivityOptions(
    timedelta(seconds=300),
    RetryPolicy(
        initial_interval=timedelta(seconds=1),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(seconds=30),
        maximum_attempts=10,
    ),
)
# Writes a timer-driven workflow owes (a due callback's staff task, a reminder, the state a
# move or cancel left): retry with backoff until the database is back, since giving up would
# break a promise made to a patient; bad input still fails at once.
DURABLE_WRITE = ActivityOptions(
    timedelta(seconds=15),
    RetryPolicy(
        initial_interval=timedelta(seconds=1),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(seconds=60),
        non_retryable_error_types=NON_RETRYABLE_TYPES,
    ),
)
# A side-effecting action (booking, cancelling, a refill): transient database errors
# (deadlocks, serialization failures, a dropped connection) usually clear within a second
# or two, so five attempts over about four seconds ride them out while the patient waits.
# A longer outage is not waited out: the action is recorded as failed, the patient hears
# that staff will retry, and the ledger makes that retry safe. Refusals (slot taken, no
# refills left) are results, not errors, so they never reach this policy.
ACTION_WRITE = ActivityOptions(
    timedelta(seconds=15),
    RetryPolicy(
        initial_interval=timedelta(milliseconds=250),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(seconds=4),
        maximum_attempts=5,
        non_retryable_error_types=NON_RETRYABLE_TYPES,
    ),
)
# A read-only tool: nothing to record when it fails, so fail fast into the turn's apology.
ACTION_READ = ActivityOptions(
    timedelta(seconds=10),
    RetryPolicy(
        initial_interval=timedelta(milliseconds=200),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(seconds=2),
        maximum_attempts=3,
        non_retryable_error_types=NON_RETRYABLE_TYPES,
    ),
)
