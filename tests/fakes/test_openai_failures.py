"""The failure kinds the OpenAI fake shares with the Anthropic and Gemini fakes, via LiteLLM.

Each test pins down which LiteLLM exception a gateway sees for that failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.fakes.litellm_client import (
    REPLY,
    MidStreamFallbackError,
    acomplete,
    collect,
    litellm,
    provider_headers,
)
from tests.fakes.openai_server import FakeOpenAI, split_words

USER = [{"role": "user", "content": "Can I book a cleaning next week?"}]


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(reply=REPLY) as server:
        yield server


async def complete(fake: FakeOpenAI, **kwargs: Any) -> Any:
    return await acomplete("openai/fake-model", fake.base_url, **kwargs)


@pytest.mark.parametrize("stream", [False, True])
async def test_429_retry_after_is_on_the_exception(fake: FakeOpenAI, stream: bool) -> None:
    fake.fail_next(429, retry_after=7)
    with pytest.raises(litellm.RateLimitError) as caught:
        await complete(fake, stream=stream)
    # On litellm_response_headers; exc.response is a synthetic response without them.
    assert provider_headers(caught.value)["retry-after"] == "7"
    assert "retry-after" not in caught.value.response.headers
    assert len(fake.requests) == 1, "max_retries=0: LiteLLM did not retry internally"


@pytest.mark.parametrize("stream", [False, True])
async def test_content_policy_violation(fake: FakeOpenAI, stream: bool) -> None:
    fake.refuse_next()
    with pytest.raises(litellm.ContentPolicyViolationError):
        await complete(fake, stream=stream)


async def test_content_filter_mid_stream_ends_the_reply(fake: FakeOpenAI) -> None:
    fake.refuse_next(after_chunks=3)
    text, chunks = await collect(await complete(fake, stream=True))
    assert text == "".join(split_words(REPLY, 1)[:3])
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "content_filter"


@pytest.mark.parametrize("stream", [False, True])
async def test_context_overflow_is_context_window_exceeded(fake: FakeOpenAI, stream: bool) -> None:
    fake.overflow_next()
    with pytest.raises(litellm.ContextWindowExceededError):
        await complete(fake, stream=stream)


async def test_stream_hang_times_out(fake: FakeOpenAI) -> None:
    fake.hang_next()
    with pytest.raises(litellm.Timeout):
        await complete(fake, stream=True, timeout=0.3)

    fake.hang_next(after_chunks=2)
    with pytest.raises(MidStreamFallbackError) as caught:
        await collect(await complete(fake, stream=True, timeout=0.3))
    # Mid-stream, the read timeout is an APIConnectionError, not a litellm.Timeout.
    assert isinstance(caught.value.original_exception, litellm.APIConnectionError)


async def test_drop_mid_stream_raises_and_the_server_stays_up(fake: FakeOpenAI) -> None:
    fake.drop_next(after_chunks=3)
    stream = await complete(fake, stream=True)
    with pytest.raises(MidStreamFallbackError) as caught:
        await collect(stream)
    assert isinstance(caught.value.original_exception, litellm.APIConnectionError)
    assert caught.value.generated_content == "".join(split_words(REPLY, 1)[:3])

    fake.drop_next(after_chunks=0)
    # A connection that dies before the response: LiteLLM says InternalServerError.
    with pytest.raises(litellm.InternalServerError, match="Connection error"):
        await complete(fake)
    assert (await complete(fake)).choices[0].message.content == REPLY


async def test_kill_mid_stream_then_restart(fake: FakeOpenAI) -> None:
    fake.kill_next(after_chunks=3)
    stream = await complete(fake, stream=True)
    with pytest.raises(MidStreamFallbackError) as caught:
        await collect(stream)
    assert isinstance(caught.value.original_exception, litellm.APIConnectionError)
    # Connection refused: also an InternalServerError (the openai SDK's APIConnectionError).
    with pytest.raises(litellm.InternalServerError, match="Connection error"):
        await complete(fake)
    fake.start()
    assert (await complete(fake)).choices[0].message.content == REPLY


async def test_without_usage_the_stream_has_no_usage_chunk(fake: FakeOpenAI) -> None:
    fake.report_usage = False
    async with httpx.AsyncClient() as client:
        resp = await client.post(
            f"{fake.base_url}/chat/completions",
            json={
                "model": "m",
                "messages": USER,
                "stream": True,
                "stream_options": {"include_usage": True},
            },
        )
    assert '"usage"' not in resp.text
