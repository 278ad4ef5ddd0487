"""The fake Gemini server must look like the Gemini API (AI Studio) to LiteLLM and raw HTTP.

Each failure test also pins down which LiteLLM exception a gateway sees for it. LiteLLM opens
a Gemini stream lazily: ``acompletion(stream=True)`` returns before any HTTP request, so even
errors "before the response" surface while iterating.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from litellm.llms.custom_httpx.http_handler import AsyncHTTPHandler

from tests.fakes.common import Failure, split_words
from tests.fakes.gemini_server import FakeGemini
from tests.fakes.litellm_client import (
    MESSAGES,
    REPLY,
    REPLY_TOKENS,
    SYSTEM,
    MidStreamFallbackError,
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
    read_until_error,
    sse_events,
    usages,
)

MODEL = "gemini/gemini-2.5-flash"
RAW_BODY = {"contents": [{"role": "user", "parts": [{"text": MESSAGES[1]["content"]}]}]}


@pytest.fixture
def fake() -> Iterator[FakeGemini]:
    with FakeGemini(reply=REPLY, api_key="test-key") as server:
        yield server


@pytest.fixture
async def short_timeout_client() -> AsyncIterator[AsyncHTTPHandler]:
    # The only way to bound a Gemini stream in LiteLLM: its own `timeout` is not applied.
    client = AsyncHTTPHandler(timeout=httpx.Timeout(0.3))
    yield client
    await client.close()


async def complete(fake: FakeGemini, **kwargs: Any) -> Any:
    return await acomplete(MODEL, fake.base_url, **kwargs)


async def stream_text(fake: FakeGemini, **kwargs: Any) -> tuple[str, list[Any]]:
    return await collect(await complete(fake, stream=True, **kwargs))


def raw_url(fake: FakeGemini, method: str) -> str:
    return f"{fake.base_url}/models/gemini-2.5-flash:{method}"


async def raw_stream(fake: FakeGemini) -> httpx.Response:
    return await post(
        raw_url(fake, "streamGenerateContent"),
        params={"alt": "sse"},
        json=RAW_BODY,
        headers={"x-goog-api-key": "test-key"},
    )


async def test_non_streaming_reply_usage_and_cost(fake: FakeGemini) -> None:
    response = await complete(fake)

    check_reply_usage_and_cost(response, "gemini-2.5-flash", priced_as=MODEL)
    # The request LiteLLM sent: {api_base}/models/<model>:generateContent, key in a header.
    call = fake.calls[-1]
    assert call.path == "/v1beta/models/gemini-2.5-flash:generateContent"
    assert call.query == ""
    assert call.headers["x-goog-api-key"] == "test-key"
    assert fake.last_request["system_instruction"] == {"parts": [{"text": SYSTEM}]}
    assert [c["role"] for c in fake.last_request["contents"]] == ["user"]


async def test_stream_reassembles_and_reports_usage(fake: FakeGemini) -> None:
    fake.chunk_words = 2
    text, chunks = await stream_text(fake, stream_options={"include_usage": True})

    check_streamed_reply_and_usage(text, chunks)
    assert fake.calls[-1].path.endswith(":streamGenerateContent")
    assert fake.calls[-1].query == "alt=sse"
    assert "stream_options" not in fake.last_request, "LiteLLM does not forward it to Gemini"


async def test_raw_stream_is_gemini_sse(fake: FakeGemini) -> None:
    fake.chunk_words = 3
    resp = await raw_stream(fake)
    assert resp.headers["content-type"].startswith("text/event-stream")
    assert "\r\n\r\n" in resp.text
    events = [data for name, data in sse_events(resp.text)]
    assert len(events) == len(split_words(REPLY, 3))
    candidates = [e["candidates"][0] for e in events]
    assert "".join(c["content"]["parts"][0]["text"] for c in candidates) == REPLY
    assert [c.get("finishReason") for c in candidates][-2:] == [None, "STOP"]
    assert all(c["content"]["role"] == "model" for c in candidates)
    assert events[-1]["usageMetadata"] == {
        "promptTokenCount": len(MESSAGES[1]["content"].split()),
        "candidatesTokenCount": REPLY_TOKENS,
        "totalTokenCount": len(MESSAGES[1]["content"].split()) + REPLY_TOKENS,
    }
    assert events[0]["modelVersion"] == "gemini-2.5-flash"


async def test_without_usage_the_stream_has_none_and_litellm_estimates(fake: FakeGemini) -> None:
    fake.report_usage = False
    raw = await raw_stream(fake)
    assert "usageMetadata" not in raw.text

    text, chunks = await stream_text(fake, stream_options={"include_usage": True})
    assert text == REPLY
    assert usages(chunks)[-1].completion_tokens > 0  # LiteLLM's own tokenizer estimate


async def test_429_is_a_rate_limit_error_with_retry_delay_in_the_body(fake: FakeGemini) -> None:
    fake.fail_next(429, retry_after=7)
    with pytest.raises(litellm.RateLimitError) as caught:
        await complete(fake)
    # Google sends no Retry-After header: the delay is google.rpc.RetryInfo in the body,
    # which LiteLLM leaves in the message text.
    assert '"retryDelay": "7s"' in str(caught.value)
    assert "retry-after" not in provider_headers(caught.value)
    assert len(fake.requests) == 1, "max_retries=0: LiteLLM did not retry internally"


async def test_429_on_a_stream_is_wrapped_in_mid_stream_fallback(fake: FakeGemini) -> None:
    fake.fail_next(429, retry_after=7)
    stream = await complete(fake, stream=True)  # no request yet: LiteLLM opens it lazily
    assert fake.requests == []
    text, error = await read_until_error(stream)
    assert text == ""
    assert isinstance(error, MidStreamFallbackError)
    assert error.status_code == 429
    assert error.is_pre_first_chunk
    assert isinstance(error.original_exception, litellm.RateLimitError)
    assert '"retryDelay": "7s"' in str(error)


@pytest.mark.parametrize("status", [500, 503])
async def test_server_errors_map_to_internal_server_error(fake: FakeGemini, status: int) -> None:
    # 503 too: LiteLLM keys on Google's "The model is overloaded." before the status code.
    fake.fail_next(status)
    with pytest.raises(litellm.InternalServerError) as caught:
        await complete(fake)
    assert type(caught.value) is litellm.InternalServerError

    fake.fail_next(status)
    _, error = await read_until_error(await complete(fake, stream=True))
    assert isinstance(error, MidStreamFallbackError)
    assert isinstance(error.original_exception, litellm.InternalServerError)


@pytest.mark.parametrize("stream", [False, True])
async def test_invalid_request_is_a_bad_request(fake: FakeGemini, stream: bool) -> None:
    fake.fail_next(400)
    with pytest.raises(litellm.BadRequestError) as caught:
        await (stream_text(fake) if stream else complete(fake))
    assert type(caught.value) is litellm.BadRequestError
    assert "INVALID_ARGUMENT" in str(caught.value)


async def test_blocked_prompt_is_a_content_filter_reply_not_an_error(fake: FakeGemini) -> None:
    fake.refuse_next()
    response = await complete(fake)
    assert response.choices[0].finish_reason == "content_filter"
    assert response.choices[0].message.content is None

    fake.refuse_next()
    text, chunks = await stream_text(fake)
    assert text == ""
    assert finish_reasons(chunks) == ["content_filter"]


async def test_safety_stop_mid_stream_ends_with_content_filter(fake: FakeGemini) -> None:
    fake.refuse_next(after_chunks=3)
    text, chunks = await stream_text(fake)
    assert text == first_words(3)
    assert finish_reasons(chunks) == ["content_filter"]


@pytest.mark.parametrize("stream", [False, True])
async def test_context_overflow_is_context_window_exceeded(fake: FakeGemini, stream: bool) -> None:
    fake.overflow_next()
    with pytest.raises(litellm.ContextWindowExceededError) as caught:
        await (stream_text(fake) if stream else complete(fake))
    assert "exceeds the maximum number of tokens allowed" in str(caught.value)


async def test_hang_times_out(fake: FakeGemini) -> None:
    fake.hang_next()
    await check_times_out(complete(fake, timeout=0.3), within=3)


async def test_stream_ignores_timeout(fake: FakeGemini) -> None:
    # LiteLLM's Gemini stream uses a shared client and never passes `timeout` to it: a
    # stalled stream is not cut. A gateway must bound it itself (or pass a client).
    fake.hang_next(seconds=0.8)
    started = time.monotonic()
    text, _ = await stream_text(fake, timeout=0.2)
    assert text == REPLY
    assert time.monotonic() - started >= 0.8


async def test_stream_hang_times_out_with_own_client(
    fake: FakeGemini, short_timeout_client: AsyncHTTPHandler
) -> None:
    fake.hang_next()
    with pytest.raises(litellm.Timeout):
        await stream_text(fake, client=short_timeout_client)

    fake.hang_next(after_chunks=2)
    await check_cut_mid_stream(await complete(fake, stream=True, client=short_timeout_client), 2)


async def test_error_event_mid_stream(fake: FakeGemini) -> None:
    fake.fail_next(500, after_chunks=2)
    stream = await complete(fake, stream=True)
    error = await check_cut_mid_stream(stream, 2, litellm.InternalServerError)
    assert not error.is_pre_first_chunk


async def test_malformed_mid_stream_ends_silently(fake: FakeGemini) -> None:
    # As for Anthropic: LiteLLM buffers the broken event as a fragment and drops it at EOF.
    fake.malform_next(after_chunks=2)
    await check_ends_silently(await complete(fake, stream=True), 2)


async def test_drop_raises_and_the_server_stays_up(fake: FakeGemini) -> None:
    await check_drop_then_recovery(
        fake, complete, litellm.APIConnectionError, "Server disconnected"
    )


async def test_scripted_kill_mid_stream_then_restart(fake: FakeGemini) -> None:
    fake.script(Failure("kill", after_chunks=3))
    await check_killed_then_restarted(fake, complete, litellm.APIConnectionError, "Cannot connect")


async def test_kill_from_the_test_cuts_an_open_stream(fake: FakeGemini) -> None:
    await check_kill_from_the_test_cuts_an_open_stream(fake, complete)


async def test_max_tokens_truncates_with_finish_reason_length(fake: FakeGemini) -> None:
    await check_max_tokens_truncates(fake, complete)


async def test_wrong_or_missing_key_is_rejected(fake: FakeGemini) -> None:
    # Google answers a wrong key with 400 "API key not valid."; LiteLLM maps it on the text.
    with pytest.raises(litellm.AuthenticationError):
        await complete(fake, api_key="wrong-key")
    resp = await post(raw_url(fake, "generateContent"), json=RAW_BODY)
    assert resp.status_code == 403
    assert resp.json()["error"]["status"] == "PERMISSION_DENIED"


def test_runs_as_a_process() -> None:
    with fake_process("gemini_server", "--reply", "pong") as (proc, base_url):
        assert base_url.endswith("/v1beta")
        resp = httpx.post(f"{base_url}/models/m:generateContent", json=RAW_BODY)
        assert resp.json()["candidates"][0]["content"]["parts"] == [{"text": "pong"}]
        proc.terminate()
        assert proc.wait(timeout=10) == 0, "SIGTERM is a clean shutdown"
