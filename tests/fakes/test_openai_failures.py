"""The failure kinds the OpenAI fake shares with the Anthropic and Gemini fakes, via LiteLLM.

Each test pins down which LiteLLM exception a gateway sees for that failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.fakes.litellm_client import (
    REPLY,
    USER_ONLY,
    acomplete,
    check_cut_mid_stream,
    check_drop_then_recovery,
    check_killed_then_restarted,
    collect,
    first_words,
    litellm,
    post,
    provider_headers,
)
from tests.fakes.openai_server import FakeOpenAI


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
    assert text == first_words(3)
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
    # Mid-stream, the read timeout is an APIConnectionError, not a litellm.Timeout.
    await check_cut_mid_stream(await complete(fake, stream=True, timeout=0.3), 2)


async def test_drop_mid_stream_raises_and_the_server_stays_up(fake: FakeOpenAI) -> None:
    # A connection that dies before the response: LiteLLM says InternalServerError.
    await check_drop_then_recovery(fake, complete, litellm.InternalServerError, "Connection error")


async def test_kill_mid_stream_then_restart(fake: FakeOpenAI) -> None:
    fake.kill_next(after_chunks=3)
    # Connection refused: also an InternalServerError (the openai SDK's APIConnectionError).
    await check_killed_then_restarted(
        fake, complete, litellm.InternalServerError, "Connection error", litellm.APIConnectionError
    )


async def test_without_usage_the_stream_has_no_usage_chunk(fake: FakeOpenAI) -> None:
    fake.report_usage = False
    resp = await post(
        f"{fake.base_url}/chat/completions",
        json={
            "model": "m",
            "messages": USER_ONLY,
            "stream": True,
            "stream_options": {"include_usage": True},
        },
    )
    assert '"usage"' not in resp.text
