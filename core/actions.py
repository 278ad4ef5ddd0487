"""Payloads, ids and failure types of actions: one side effect, retried by Temporal, once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from core.payloads import Caller, ToolCall, ToolResult

# A database hiccup (connection lost, deadlock, serialization failure, lock timeout): the
# attempt wrote nothing and Temporal retries it with backoff.
ACTION_TRANSIENT = "ActionTransient"
# What the user hears once retries are exhausted; the ledger row waits for an operator.
ACTION_FAILED = "action_failed"
ACTION_FAILED_REPLY = "I couldn't complete that just now; our staff will retry it."

# The database refused what the attempt carried (a number beyond the column's range, a
# character it cannot store): the same input fails every time, so Temporal does not retry it,
# no operator retry can fix it, and the user hears so instead of "staff will retry".
ACTION_INPUT_REFUSED = "ActionInputRefused"
ACTION_REJECTED = "action_rejected"

# Ledger states. A row is written `succeeded` by the effect's own transaction, or `failed`
# after retries ran out (`rejected` when no retry can succeed); an operator's retry turns
# `failed` into `succeeded`, never a new row.
SUCCEEDED = "succeeded"
FAILED = "failed"
REJECTED = "rejected"
ABANDONED = "abandoned"


def execute_workflow_id(tenant_id: int, key: str) -> str:
    """The workflow of `POST /api/v1/execute`: one id per idempotency key, so a repeated
    request joins (or re-runs, replaying the ledger) the same action."""
    return f"action-{tenant_id}-k{uuid.uuid5(uuid.NAMESPACE_URL, key).hex}"


def retry_workflow_id(tenant_id: int, action_id: int, retry: int) -> str:
    """An operator's nth retry of ledger row `action_id`: two clicks on the same retry join
    one run; the next retry after a failed one gets the next number."""
    return f"action-{tenant_id}-{action_id}-retry-{retry}"


@dataclass
class ActionInput:
    """One action to run to completion: the caller it acts for, and its idempotency key."""

    caller: Caller
    call: ToolCall
    idempotency_key: str
    # Who asked for this run (an operator's retry); None when the caller itself asked.
    requested_by: int | None = None
    retry: int = 0  # 0: the first run; n: the operator's nth retry


@dataclass
class ActionOutput:
    result: ToolResult
    workflow_id: str = ""


@dataclass
class RecordFailureInput:
    """An action whose retries ran out: recorded `failed` so staff can retry or abandon it."""

    caller: Caller
    call: ToolCall
    idempotency_key: str
    workflow_id: str
    error: str  # failure type and message, never the patient's data
    retry: int = 0
    status: str = FAILED  # or REJECTED: the input itself can never be stored


@dataclass
class RecordFailureOutput:
    action_id: int  # the ledger row staff retry or abandon
    # failed or rejected, or the status a racing run left (then `result` is its result)
    status: str
    result: ToolResult | None = None


@dataclass
class RunActionInput:
    """One attempt's input; Temporal retries it unchanged, so the key never changes."""

    caller: Caller
    call: ToolCall
    idempotency_key: str
    workflow_id: str = ""
    requested_by: int | None = None  # the operator whose retry this is
    retry: int = 0
