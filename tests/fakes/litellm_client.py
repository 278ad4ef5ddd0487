"""Small helpers the fake-provider tests share for driving LiteLLM and reading raw SSE."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

# LiteLLM fetches its model cost map over the network at import unless told not to, which
# stalls an offline run for ~10 s; so the variable is set before the import below.
os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
import litellm
from litellm.exceptions import MidStreamFallbackError  # not re-exported by the package

__all__ = ["MidStreamFallbackError", "litellm"]

REPLY = "Your appointment is confirmed for Tuesday at 10:00 with Dr. Rivera."
SYSTEM = "Answer briefly from the clinic's passages."
MESSAGES = [
    {"role": "system", "content": SYSTEM},
    {"role": "user", "content": "Can I book a cleaning next week?"},
]
# How every fake counts tokens: whitespace words of all message texts.
PROMPT_TOKENS = sum(len(m["content"].split()) for m in MESSAGES)
REPLY_TOKENS = len(REPLY.split())


async def acomplete(model: str, api_base: str, **kwargs: Any) -> Any:
    # max_retries=0: a scripted failure must reach the test, not be retried away.
    params: dict[str, Any] = {
        "model": model,
        "api_base": api_base,
        "api_key": "test-key",
        "messages": MESSAGES,
        "max_retries": 0,
    }
    return await litellm.acompletion(**(params | kwargs))


async def collect(stream: Any) -> tuple[str, list[Any]]:
    chunks = [chunk async for chunk in stream]
    return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices), chunks


async def read_until_error(stream: Any) -> tuple[str, BaseException | None]:
    """The text received before the stream raised, and what it raised (None: it ended)."""
    received: list[str] = []
    try:
        async for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                received.append(chunk.choices[0].delta.content)
    except Exception as exc:
        return "".join(received), exc
    return "".join(received), None


def provider_headers(exc: BaseException) -> Mapping[str, str]:
    """The provider's HTTP response headers, which LiteLLM attaches to its exceptions.

    ``exc.response`` is a synthetic response without them, so this is where Retry-After is.
    """
    headers = getattr(exc, "litellm_response_headers", None)
    return headers if headers is not None else {}


def finish_reasons(chunks: list[Any]) -> list[str]:
    return [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]


def usages(chunks: list[Any]) -> list[Any]:
    return [u for c in chunks if (u := getattr(c, "usage", None)) is not None]


def expected_cost(model: str, prompt_tokens: int, completion_tokens: int) -> float:
    prices = litellm.model_cost[model]
    return float(
        prompt_tokens * prices["input_cost_per_token"]
        + completion_tokens * prices["output_cost_per_token"]
    )


def sse_events(raw: str) -> list[tuple[str | None, Any]]:
    """(event name or None, decoded data) per event of a raw SSE body."""
    events: list[tuple[str | None, Any]] = []
    for block in raw.replace("\r\n", "\n").split("\n\n"):
        if not block.strip():
            continue
        name, data = None, None
        for line in block.split("\n"):
            field, _, value = line.partition(": ")
            if field == "event":
                name = value
            elif field == "data":
                data = json.loads(value)
        events.append((name, data))
    return events
