"""Provider failures sorted into what the gateway does next, by exception type."""

from __future__ import annotations

import email.utils
import time
from typing import Any, Literal

FailureKind = Literal[
    "rate_limited",  # cool down for Retry-After, try the next deployment
    "unavailable",  # 5xx, connection lost, stream cut: cool down, next deployment
    "timeout",
    "malformed",  # the provider sent something we cannot parse
    "auth",  # this deployment's key is wrong: next deployment, and an operator must look
    "context_overflow",  # try a deployment with a larger context window
    "content_policy",  # no provider should see the request again
    "invalid_request",
]
# The request itself is at fault: another provider would refuse it too.
NON_RETRYABLE: frozenset[FailureKind] = frozenset({"content_policy", "invalid_request"})


class ProviderFailure(Exception):
    def __init__(self, kind: FailureKind, detail: str, retry_after: float | None = None) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind: FailureKind = kind
        self.detail = detail
        self.retry_after = retry_after


class LlmUnavailable(Exception):
    """Every deployment in the chain failed; Temporal retries (after `retry_after`)."""

    def __init__(self, tried: list[tuple[str, str]], retry_after: float | None) -> None:
        super().__init__("no LLM deployment answered: " + ", ".join(f"{n} ({k})" for n, k in tried))
        self.tried = tried
        self.retry_after = retry_after


class LlmRejected(Exception):
    """The request is refused for what it is (content policy, invalid); never retried."""

    def __init__(self, kind: FailureKind, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


def classify(exc: BaseException, litellm: Any) -> ProviderFailure:
    """Map a LiteLLM (or transport) exception to a failure kind. Subclasses come first:
    LiteLLM's context and content-policy errors are BadRequestErrors."""
    if isinstance(exc, ProviderFailure):
        return exc
    # LiteLLM wraps every failure during a stream (a 429 included) in MidStreamFallbackError;
    # the provider's own error inside it decides what we do.
    inner = getattr(exc, "original_exception", None)
    if isinstance(inner, BaseException) and inner is not exc:
        return classify(inner, litellm)
    detail = type(exc).__name__
    if isinstance(exc, litellm.ContextWindowExceededError):
        return ProviderFailure("context_overflow", detail)
    if isinstance(exc, litellm.ContentPolicyViolationError):
        return ProviderFailure("content_policy", detail)
    if isinstance(exc, litellm.RateLimitError):
        return ProviderFailure("rate_limited", detail, retry_after_of(exc))
    if isinstance(exc, litellm.Timeout | TimeoutError):
        return ProviderFailure("timeout", detail)
    if isinstance(exc, litellm.AuthenticationError | litellm.PermissionDeniedError):
        return ProviderFailure("auth", detail)
    if isinstance(
        exc, litellm.BadRequestError | litellm.UnprocessableEntityError | litellm.NotFoundError
    ):
        return ProviderFailure("invalid_request", detail)
    if isinstance(exc, litellm.APIResponseValidationError | ValueError):
        return ProviderFailure("malformed", detail)
    return ProviderFailure("unavailable", detail, retry_after_of(exc))


def retry_after_of(exc: BaseException) -> float | None:
    headers: Any = getattr(exc, "litellm_response_headers", None)
    if not headers:
        response = getattr(exc, "response", None)
        headers = getattr(response, "headers", None)
    if not headers:
        return None
    raw = headers.get("retry-after-ms")
    if raw is not None:
        try:
            return max(0.0, float(raw) / 1000)
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if raw is None:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:  # an HTTP date
        return max(0.0, email.utils.parsedate_to_datetime(raw).timestamp() - time.time())
    except (TypeError, ValueError):
        return None
