"""Small helpers the fake-provider tests share for driving LiteLLM and reading raw SSE.

The ``check_*`` helpers hold the assertions every provider's test makes alike; each takes the
test's ``complete(fake, **kwargs)``, which calls LiteLLM with that provider's model.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakes.common import split_words
from tests.fakes.completion import CompletionFake

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
USER_ONLY = MESSAGES[1:]  # for a raw request, or one without a system prompt
# How every fake counts tokens: whitespace words of all message texts.
PROMPT_TOKENS = sum(len(m["content"].split()) for m in MESSAGES)
REPLY_TOKENS = len(REPLY.split())
REPO_ROOT = Path(__file__).resolve().parents[2]

Complete = Callable[..., Awaitable[Any]]


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


def first_words(count: int) -> str:
    """What a stream of one-word chunks of REPLY delivers before a failure after ``count``."""
    return "".join(split_words(REPLY, 1)[:count])


async def post(url: str, **kwargs: Any) -> httpx.Response:
    """One raw HTTP POST, past LiteLLM."""
    async with httpx.AsyncClient() as client:
        return await client.post(url, **kwargs)


@contextlib.contextmanager
def fake_process(module: str, *args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """``python -m tests.fakes.<module> --port 0 *args``, and its base URL once it listens."""
    proc = subprocess.Popen(
        [sys.executable, "-m", f"tests.fakes.{module}", "--port", "0", *args],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        yield proc, proc.stdout.readline().rsplit(" ", 1)[-1].strip()
    finally:
        proc.kill()
        proc.wait(timeout=10)


def check_reply_usage_and_cost(response: Any, model: str, priced_as: str) -> None:
    """A non-streaming REPLY to MESSAGES, with the fake's token counts and LiteLLM's price."""
    assert response.choices[0].message.content == REPLY
    assert response.choices[0].finish_reason == "stop"
    assert response.model == model
    assert (response.usage.prompt_tokens, response.usage.completion_tokens) == (
        PROMPT_TOKENS,
        REPLY_TOKENS,
    )
    cost = response._hidden_params["response_cost"]
    assert cost == pytest.approx(expected_cost(priced_as, PROMPT_TOKENS, REPLY_TOKENS))


def check_streamed_reply_and_usage(text: str, chunks: list[Any]) -> None:
    """A streamed REPLY to MESSAGES whose last usage chunk has the fake's token counts."""
    assert text == REPLY
    assert finish_reasons(chunks) == ["stop"]
    usage = usages(chunks)[-1]
    assert (usage.prompt_tokens, usage.completion_tokens) == (PROMPT_TOKENS, REPLY_TOKENS)


async def check_times_out(call: Awaitable[Any], within: float) -> None:
    """``call`` raises litellm.Timeout, well before ``within`` seconds."""
    started = time.monotonic()
    with pytest.raises(litellm.Timeout):
        await call
    assert time.monotonic() - started < within


async def check_cut_mid_stream(
    stream: Any, after: int, cause: type[BaseException] | None = litellm.APIConnectionError
) -> MidStreamFallbackError:
    """The stream delivers ``after`` one-word chunks, then raises a MidStreamFallbackError
    (wrapping a ``cause`` when one is given) that holds what was delivered."""
    text, error = await read_until_error(stream)
    assert text == first_words(after)
    assert isinstance(error, MidStreamFallbackError)
    if cause is not None:
        assert isinstance(error.original_exception, cause)
    assert error.generated_content == text
    return error


async def check_ends_silently(stream: Any, after: int) -> None:
    """The stream delivers ``after`` one-word chunks, then ends with no error at all."""
    text, error = await read_until_error(stream)
    assert error is None
    assert text == first_words(after)


async def check_drop_then_recovery(
    fake: CompletionFake, complete: Complete, error: type[Exception], match: str, **kwargs: Any
) -> None:
    """A connection dropped mid-stream and one dropped before the response (``complete`` with
    ``kwargs`` raising ``error``), then the same server answers again."""
    fake.drop_next(after_chunks=3)
    await check_cut_mid_stream(await complete(fake, stream=True), 3)
    fake.drop_next(after_chunks=0)  # before any response byte
    with pytest.raises(error, match=match):
        await complete(fake, **kwargs)
    assert (await complete(fake)).choices[0].message.content == REPLY


async def check_killed_then_restarted(
    fake: CompletionFake,
    complete: Complete,
    refused: type[Exception],
    match: str,
    cause: type[BaseException] | None = None,
) -> None:
    """After a kill scripted for three chunks in: the stream is cut there, a new connection is
    refused (``complete`` raises ``refused``), and a restarted fake answers on the same port."""
    await check_cut_mid_stream(await complete(fake, stream=True), 3, cause)
    with pytest.raises(refused, match=match):
        await complete(fake)
    fake.start()  # the provider comes back on the same port
    assert (await complete(fake)).choices[0].message.content == REPLY


async def check_kill_from_the_test_cuts_an_open_stream(
    fake: CompletionFake, complete: Complete
) -> None:
    fake.delay = 0.2  # slow enough that the stream is surely still open when killed
    stream = await complete(fake, stream=True)
    received = ""
    with pytest.raises(MidStreamFallbackError):
        async for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                received += chunk.choices[0].delta.content
                fake.kill()
    assert received and REPLY.startswith(received) and received != REPLY


async def check_max_tokens_truncates(fake: CompletionFake, complete: Complete) -> None:
    """An output limit below the reply cuts it, with finish_reason "length"."""
    response = await complete(fake, max_tokens=3)
    assert response.choices[0].message.content == "Your appointment is"
    assert response.choices[0].finish_reason == "length"
