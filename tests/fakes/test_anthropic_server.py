"""The fake Anthropic server must look like Anthropic's Messages API to LiteLLM and raw HTTP.

Each failure test also pins down which LiteLLM exception a gateway sees for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.common import Failure, split_words
from tests.fakes.litellm_client import (
    MESSAGES,
    REPLY,
    REPLY_TOKENS,
    SYSTEM,
    USER_ONLY,
    acomplete,
    check_cut_mid_stream,
    check_drop_then_recovery,
    check_ends_silently,
    check_kill_from_the_test_cuts_an_open_stream,
    check_killed_then_restarted,
    check_max_tokens_truncates,
    check_reply_usage_and_cost,
    check_streamed_reply_and_usage,
    check_times_out,
    collect,
    fake_process,
    finish_reasons,
    first_words,
    litellm,
    post,
    provider_headers,
    sse_events,
    usages,
)

MODEL = "anthropic/claude-haiku-4-5"
RAW_HEADERS = {"x-api-key": "test-key", "anthropic-version": "2023-06-01"}
RAW_BODY = {"model": "claude-haiku-4-5", "max_tokens": 100, "messages": USER_ONLY}


@pytest.fixture
def fake() -> Iterator[FakeAnthropic]:
    with FakeAnthropic(reply=REPLY, api_key="test-key") as server:
        yield server


async def complete(fake: FakeAnthropic, **kwargs: Any) -> Any:
    return await acomplete(MODEL, fake.base_url, **kwargs)


async def raw_post(fake: FakeAnthropic, body: dict[str, Any], **headers: str) -> httpx.Response:
    return await post(f"{fake.base_url}/v1/messages", json=body, headers=headers or RAW_HEADERS)


async def test_non_streaming_reply_usage_and_cost(fake: FakeAnthropic) -> None:
    response = await complete(fake)

    check_reply_usage_and_cost(response, "claude-haiku-4-5", priced_as="claude-haiku-4-5")
    # The request LiteLLM sent: Anthropic's path, key header and shape (system split out).
    call = fake.calls[-1]
    assert call.path == "/v1/messages"
    assert call.headers["x-api-key"] == "test-key"
    assert call.headers["anthropic-version"] == "2023-06-01"
    assert fake.last_request["system"] == [{"type": "text", "text": SYSTEM}]
    assert fake.last_request["messages"][0]["role"] == "user"
    assert isinstance(fake.last_request["max_tokens"], int)


async def test_stream_reassembles_and_reports_usage(fake: FakeAnthropic) -> None:
    fake.chunk_words = 2
    stream = await complete(fake, stream=True, stream_options={"include_usage": True})
    text, chunks = await collect(stream)

    check_streamed_reply_and_usage(text, chunks)
    assert sum(bool(c.choices and c.choices[0].delta.content) for c in chunks) == len(
        split_words(REPLY, 2)
    )
    # LiteLLM does not forward stream_options to Anthropic; the usage chunk comes from the
    # provider's message_start/message_delta counts.
    assert "stream_options" not in fake.last_request


async def test_raw_stream_is_anthropic_sse(fake: FakeAnthropic) -> None:
    fake.chunk_words = 3
    resp = await raw_post(fake, RAW_BODY | {"stream": True})
    assert resp.headers["content-type"].startswith("text/event-stream")
    assert resp.headers["request-id"].startswith("req_")
    events = sse_events(resp.text)
    assert all(name == data["type"] for name, data in events)
    pieces = split_words(REPLY, 3)
    assert [name for name, _ in events] == [
        "message_start",
        "content_block_start",
        "ping",
        *["content_block_delta"] * len(pieces),
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]
    start, *_, delta, _ = (data for _, data in events)
    assert start["message"]["usage"]["input_tokens"] == len(MESSAGES[1]["content"].split())
    assert delta["delta"]["stop_reason"] == "end_turn"
    assert delta["usage"] == {"output_tokens": REPLY_TOKENS}
    deltas = [d["delta"] for n, d in events if n == "content_block_delta"]
    assert all(d["type"] == "text_delta" for d in deltas)
    assert "".join(d["text"] for d in deltas) == REPLY


async def test_without_usage_the_stream_has_none_and_litellm_estimates(
    fake: FakeAnthropic,
) -> None:
    fake.report_usage = False
    raw = await raw_post(fake, RAW_BODY | {"stream": True})
    assert '"usage"' not in raw.text

    stream = await complete(fake, stream=True, stream_options={"include_usage": True})
    text, chunks = await collect(stream)
    assert text == REPLY
    # LiteLLM fills in a tokenizer estimate, which differs from the fake's word counts.
    assert usages(chunks)[-1].completion_tokens > 0


@pytest.mark.parametrize("stream", [False, True])
async def test_429_is_a_rate_limit_error_with_retry_after(
    fake: FakeAnthropic, stream: bool
) -> None:
    fake.fail_next(429, retry_after=7)
    with pytest.raises(litellm.RateLimitError) as caught:
        await complete(fake, stream=stream)
    # LiteLLM keeps the provider's headers on litellm_response_headers; exc.response is a
    # synthetic response without them.
    assert provider_headers(caught.value)["retry-after"] == "7"
    assert "retry-after" not in caught.value.response.headers
    assert "rate_limit_error" in str(caught.value)
    assert len(fake.requests) == 1, "max_retries=0: LiteLLM did not retry internally"


@pytest.mark.parametrize(
    ("status", "error_type", "expected"),
    [
        (500, "api_error", litellm.InternalServerError),
        (503, "api_error", litellm.ServiceUnavailableError),
        (529, "overloaded_error", litellm.InternalServerError),
    ],
)
async def test_server_errors_map_to_retryable_exceptions(
    fake: FakeAnthropic, status: int, error_type: str, expected: type[Exception]
) -> None:
    fake.fail_next(status)
    with pytest.raises(expected) as caught:
        await complete(fake)
    assert error_type in str(caught.value)
    # 529 "overloaded" arrives as an InternalServerError with status_code 500.
    assert caught.value.status_code == (500 if status == 529 else status)  # type: ignore[attr-defined]


async def test_invalid_request_is_a_bad_request(fake: FakeAnthropic) -> None:
    fake.fail_next(400)
    with pytest.raises(litellm.BadRequestError) as caught:
        await complete(fake)
    assert type(caught.value) is litellm.BadRequestError


@pytest.mark.parametrize("stream", [False, True])
async def test_content_policy_refusal(fake: FakeAnthropic, stream: bool) -> None:
    fake.refuse_next()
    with pytest.raises(litellm.ContentPolicyViolationError):
        await complete(fake, stream=stream)


async def test_refusal_mid_stream_ends_with_content_filter(fake: FakeAnthropic) -> None:
    # Claude 4's streaming classifier: message_delta with stop_reason "refusal", no error.
    fake.refuse_next(after_chunks=3)
    text, chunks = await collect(await complete(fake, stream=True))
    assert text == first_words(3)
    assert finish_reasons(chunks) == ["content_filter"]


@pytest.mark.parametrize("stream", [False, True])
async def test_context_overflow_is_context_window_exceeded(
    fake: FakeAnthropic, stream: bool
) -> None:
    fake.overflow_next()
    with pytest.raises(litellm.ContextWindowExceededError) as caught:
        await complete(fake, stream=stream)
    assert "prompt is too long" in str(caught.value)


@pytest.mark.parametrize("stream", [False, True])
async def test_hang_times_out(fake: FakeAnthropic, stream: bool) -> None:
    fake.hang_next()
    await check_times_out(complete(fake, stream=stream, timeout=0.3), within=3)


async def test_hang_mid_stream_is_a_mid_stream_fallback_error(fake: FakeAnthropic) -> None:
    fake.hang_next(after_chunks=2)
    await check_cut_mid_stream(await complete(fake, stream=True, timeout=0.3), 2)


async def test_error_event_mid_stream(fake: FakeAnthropic) -> None:
    fake.fail_next(529, after_chunks=2)
    # MidStreamFallbackError subclasses ServiceUnavailableError; it wraps the mapped error.
    stream = await complete(fake, stream=True)
    error = await check_cut_mid_stream(stream, 2, litellm.InternalServerError)
    assert isinstance(error, litellm.ServiceUnavailableError)


async def test_malformed_mid_stream_ends_silently(fake: FakeAnthropic) -> None:
    # LiteLLM buffers an undecodable event as a possibly-fragmented one and, at the end of
    # the stream, drops it: the caller sees a short reply and no error at all.
    fake.malform_next(after_chunks=2)
    await check_ends_silently(await complete(fake, stream=True), 2)


async def test_drop_mid_stream_raises_and_the_server_stays_up(fake: FakeAnthropic) -> None:
    await check_drop_then_recovery(
        fake, complete, litellm.InternalServerError, "Server disconnected", stream=True
    )


async def test_scripted_kill_mid_stream_then_restart(fake: FakeAnthropic) -> None:
    fake.script(Failure("kill", after_chunks=3))
    # Dead: connections are refused, which LiteLLM reports as an InternalServerError.
    await check_killed_then_restarted(fake, complete, litellm.InternalServerError, "Cannot connect")


async def test_kill_from_the_test_cuts_an_open_stream(fake: FakeAnthropic) -> None:
    await check_kill_from_the_test_cuts_an_open_stream(fake, complete)


async def test_max_tokens_truncates_with_finish_reason_length(fake: FakeAnthropic) -> None:
    await check_max_tokens_truncates(fake, complete)


async def test_wrong_key_and_missing_version_are_rejected(fake: FakeAnthropic) -> None:
    with pytest.raises(litellm.AuthenticationError):
        await complete(fake, api_key="wrong-key")
    resp = await raw_post(fake, RAW_BODY, **{"x-api-key": "test-key"})
    assert resp.status_code == 400
    assert resp.json()["error"]["type"] == "invalid_request_error"


def test_runs_as_a_process_and_dies_on_request() -> None:
    with fake_process("anthropic_server", "--reply", "pong") as (proc, base_url):
        resp = httpx.post(f"{base_url}/v1/messages", json=RAW_BODY, headers=RAW_HEADERS)
        assert resp.json()["content"] == [{"type": "text", "text": "pong"}]
        assert httpx.post(f"{base_url}/_fake/kill").json() == {"killed": True}
        assert proc.wait(timeout=10) == 0
