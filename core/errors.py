"""Error types shared by activities and the API; matched by type, never by message text."""

from __future__ import annotations


class AurixaError(Exception):
    """Base for errors that carry a stable code for clients."""

    code = "internal_error"
    status = 500

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code  # a more specific code than the class's, e.g. input_too_long


class ValidationFailed(AurixaError):
    code = "validation_error"
    status = 422


class NotFound(AurixaError):
    code = "not_found"
    status = 404


class Conflict(AurixaError):
    code = "conflict"
    status = 409


class PermissionDenied(AurixaError):
    code = "forbidden"
    status = 403


class Unauthenticated(AurixaError):
    code = "unauthenticated"
    status = 401


class RateLimited(AurixaError):
    code = "rate_limited"
    status = 429

    def __init__(self, message: str, retry_after_s: int, limit: int = 0) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
        self.limit = limit


class UnsupportedMedia(AurixaError):
    code = "unsupported_media_type"
    status = 415


class ServiceUnavailable(AurixaError):
    code = "service_unavailable"
    status = 503


class BudgetExceeded(AurixaError):
    """The tenant's monthly LLM budget refuses the call (policy `refuse`)."""

    code = "llm_budget_exceeded"
    status = 402


class GenerationTimedOut(AurixaError):
    """A raw generate request ran out of time; unlike a turn, nothing continues it."""

    code = "llm_timeout"
    status = 504


class TurnFailed(AurixaError):
    code = "turn_failed"
    status = 502


class TurnStillRunning(AurixaError):
    """The turn is durable and continues; only this HTTP wait gave up."""

    code = "turn_timeout"
    status = 504


class ActionStillRunning(AurixaError):
    """The action is durable and continues; only this HTTP wait gave up."""

    code = "action_timeout"
    status = 504


# Activity failure types Temporal must not retry: the input is wrong, not the world.
NON_RETRYABLE_TYPES = ["ValidationFailed", "NotFound", "PermissionDenied"]
