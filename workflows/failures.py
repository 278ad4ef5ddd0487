"""How a failed activity is told outside Temporal: its type, never its text."""

from __future__ import annotations

from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.exceptions import TimeoutError as ActivityTimeout

from core.actions import ACTION_INPUT_REFUSED, ACTION_TRANSIENT


def failure_text(err: ActivityError) -> str:
    """What the ledger keeps about a failure: its type, and our own transient message; never
    another exception's message, which may quote a statement's parameters."""
    cause = err.cause
    if isinstance(cause, ApplicationError):
        kind = cause.type or "ApplicationError"
        ours = kind in (ACTION_TRANSIENT, ACTION_INPUT_REFUSED)  # messages naming types only
        return f"{kind}: {cause.message}" if ours else kind
    if isinstance(cause, ActivityTimeout):
        return f"ActivityTimeout: {cause.type.name if cause.type else 'unknown'}"
    return type(cause or err).__name__
