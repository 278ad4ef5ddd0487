"""The fake OpenAI server must look like OpenAI to real clients: LiteLLM and raw HTTP."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest

from tests.fakes.litellm_client import (
    REPLY,
    USER_ONLY,
    acomplete,
    check_max_tokens_truncates,
    check_times_out,
    collect,
    fake_process,
    first_words,
    litellm,
    post,
)
from tests.fakes.openai_server import Failure, FakeOpenAI, split_words


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(reply=REPLY) as server:
        yield server


async def complete(fake: FakeOpenAI, **kwargs: Any) -> Any:
    # The user's message alone, unlike the other providers' tests.
    params = {"messages": USER_ONLY, "api_key": "sk-test"} | kwargs
    return await acomplete("openai/fake-model", fake.base_url, **params)


def sse_events(body: str) -> list[str]:
    assert body.endswith("\n\n"), "every SSE event ends with a blank line"
    events = [e for e in body.split("\n\n") if e]
    assert all(e.startswith("data: ") for e in events)
    return [e.removeprefix("data: ") for e in events]


async def test_non_streaming_reply_has_openai_shape(fake: FakeOpenAI) -> None:
    response = await complete(fake)

    assert response.choices[0].message.content == REPLY
    assert response.choices[0].message.role == "assistant"
    assert response.choices[0].finish_reason == "stop"
    assert response.model == "fake-model"
    assert response.usage.completion_tokens == len(REPLY.split())
    assert response.usage.prompt_tokens == len(USER_ONLY[0]["content"].split())
    assert response.usage.total_tokens == (
        response.usage.prompt_tokens + response.usage.completion_tokens
    )


async def test_raw_non_streaming_body_matches_openai() -> None:
    async with FakeOpenAI() as fake:
        resp = await post(
            f"{fake.base_url}/chat/completions",
            json={"model": "m", "messages": [{"role": "user", "content": "hello " * 20}]},
        )
    body = resp.json()
    assert resp.status_code == 200
    assert body["object"] == "chat.completion"
    assert body["id"].startswith("chatcmpl-")
    assert isinstance(body["created"], int)
    assert set(body["usage"]) == {"prompt_tokens", "completion_tokens", "total_tokens"}
    # The default reply echoes the first 60 characters of the last user message.
    assert body["choices"][0]["message"]["content"] == "Fake reply: " + ("hello " * 20)[:60]


async def test_streaming_deltas_join_to_the_reply_and_report_usage(fake: FakeOpenAI) -> None:
    fake.chunk_words = 2
    stream = await complete(fake, stream=True, stream_options={"include_usage": True})
    text, chunks = await collect(stream)

    assert text == REPLY
    content_chunks = [c for c in chunks if c.choices and c.choices[0].delta.content]
    assert len(content_chunks) == len(split_words(REPLY, 2))
    usages = [u for c in chunks if (u := getattr(c, "usage", None)) is not None]
    assert usages, "include_usage must yield a usage chunk"
    assert usages[-1].completion_tokens == len(REPLY.split())


async def test_raw_stream_is_openai_sse(fake: FakeOpenAI) -> None:
    fake.chunk_words = 3
    resp = await post(
        f"{fake.base_url}/chat/completions",
        json={
            "model": "fake-model",
            "messages": USER_ONLY,
            "stream": True,
            "stream_options": {"include_usage": True},
        },
    )
    assert resp.headers["content-type"].startswith("text/event-stream")
    events = sse_events(resp.text)
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert len({c["id"] for c in chunks}) == 1, "one id for the whole stream"
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    *with_choices, usage_chunk = chunks
    assert with_choices[-1]["choices"][0]["finish_reason"] == "stop"
    assert all(c["choices"][0]["finish_reason"] is None for c in with_choices[:-1])
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in with_choices)
    assert text == REPLY
    assert usage_chunk["choices"] == []
    assert usage_chunk["usage"]["completion_tokens"] == len(REPLY.split())


async def test_stream_without_include_usage_has_no_usage_chunk(fake: FakeOpenAI) -> None:
    resp = await post(
        f"{fake.base_url}/chat/completions",
        json={"model": "fake-model", "messages": USER_ONLY, "stream": True},
    )
    chunks = [json.loads(e) for e in sse_events(resp.text)[:-1]]
    assert all("usage" not in c and c["choices"] for c in chunks)


async def test_scripted_500_surfaces_then_service_recovers(fake: FakeOpenAI) -> None:
    fake.fail_next(500)

    with pytest.raises(litellm.InternalServerError):
        await complete(fake)
    response = await complete(fake)

    assert response.choices[0].message.content == REPLY
    assert len(fake.requests) == 2, "failed requests are recorded too"
    assert fake.pending_failures == []


async def test_429_carries_retry_after(fake: FakeOpenAI) -> None:
    fake.fail_next(429, retry_after=2)
    resp = await post(
        f"{fake.base_url}/chat/completions", json={"model": "m", "messages": USER_ONLY}
    )
    assert resp.status_code == 429
    assert resp.headers["retry-after"] == "2"
    assert resp.json()["error"]["code"] == "rate_limit_exceeded"

    fake.fail_next(429, retry_after=1)
    with pytest.raises(litellm.RateLimitError):
        await complete(fake)


async def test_failures_are_consumed_in_order(fake: FakeOpenAI) -> None:
    fake.script(Failure(status=503), Failure(status=429))
    with pytest.raises(litellm.ServiceUnavailableError):
        await complete(fake)
    with pytest.raises(litellm.RateLimitError):
        await complete(fake)
    assert (await complete(fake)).choices[0].message.content == REPLY


async def test_hang_makes_the_client_time_out(fake: FakeOpenAI) -> None:
    fake.hang_next()
    await check_times_out(complete(fake, timeout=0.5), within=5)


async def test_bounded_hang_is_just_a_slow_request(fake: FakeOpenAI) -> None:
    fake.hang_next(seconds=0.2)
    started = time.monotonic()
    response = await complete(fake, timeout=5)
    assert time.monotonic() - started >= 0.2
    assert response.choices[0].message.content == REPLY


async def test_malformed_mid_stream_raises_after_some_text(fake: FakeOpenAI) -> None:
    fake.malform_next(after_chunks=2)
    stream = await complete(fake, stream=True)
    received: list[str] = []
    with pytest.raises(openai.APIError):
        async for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                received.append(chunk.choices[0].delta.content)
    assert "".join(received) == first_words(2)


async def test_error_event_mid_stream_raises(fake: FakeOpenAI) -> None:
    fake.fail_next(500, after_chunks=1)
    stream = await complete(fake, stream=True)
    with pytest.raises(openai.APIError):
        await collect(stream)


async def test_records_system_prompt_and_headers(fake: FakeOpenAI) -> None:
    messages = [
        {"role": "system", "content": "Answer only from these passages:\n[1] Parking is free."},
        {"role": "user", "content": "Is parking free?"},
    ]
    await complete(fake, messages=messages, temperature=0.1)

    body = fake.last_request
    assert "Parking is free." in body["messages"][0]["content"]
    assert body["model"] == "fake-model"
    assert body["temperature"] == 0.1
    assert fake.calls[-1].headers["Authorization"] == "Bearer sk-test"


async def test_reply_can_be_computed_from_the_request(fake: FakeOpenAI) -> None:
    fake.reply = lambda body: f"{len(body['messages'])} messages"
    response = await complete(fake)
    assert response.choices[0].message.content == "1 messages"


async def test_delay_paces_the_stream(fake: FakeOpenAI) -> None:
    fake.reply, fake.delay = "one two three four", 0.05
    started = time.monotonic()
    text, _ = await collect(await complete(fake, stream=True))
    assert text == "one two three four"
    assert time.monotonic() - started >= 4 * 0.05


async def test_max_tokens_truncates_with_finish_reason_length(fake: FakeOpenAI) -> None:
    await check_max_tokens_truncates(fake, complete)


async def test_wrong_api_key_is_rejected(fake: FakeOpenAI) -> None:
    fake.api_key = "sk-right"
    with pytest.raises(litellm.AuthenticationError):
        await complete(fake, api_key="sk-wrong")


async def test_models_endpoint(fake: FakeOpenAI) -> None:
    async with httpx.AsyncClient() as client:
        resp = await client.get(f"{fake.base_url}/models")
    assert resp.json()["object"] == "list"
    assert resp.json()["data"][0]["id"] == "fake-model"


async def test_admin_endpoints_configure_a_running_fake(fake: FakeOpenAI) -> None:
    root = fake.base_url.removesuffix("/v1")
    async with httpx.AsyncClient(base_url=root) as client:
        await client.post("/_fake/config", json={"reply": "from admin", "chunk_words": 2})
        await client.post("/_fake/failures", json={"failures": [{"status": 502}]})
        failed = await client.post(
            "/v1/chat/completions", json={"model": "m", "messages": USER_ONLY}
        )
        ok = await client.post("/v1/chat/completions", json={"model": "m", "messages": USER_ONLY})
        recorded = (await client.get("/_fake/requests")).json()
        await client.post("/_fake/reset")

    assert failed.status_code == 502
    assert ok.json()["choices"][0]["message"]["content"] == "from admin"
    assert len(recorded["requests"]) == 2
    assert fake.reply == REPLY and fake.chunk_words == 1 and fake.requests == []


def test_split_words_round_trips() -> None:
    for text in ["", "one", "  lead and trail  ", "a\nb\tc d", REPLY]:
        for size in (1, 2, 5):
            assert "".join(split_words(text, size)) == text


def test_runs_as_a_process() -> None:
    with fake_process("openai_server", "--reply", "pong") as (proc, base_url):
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1"), base_url
        resp = httpx.post(
            f"{base_url}/chat/completions", json={"model": "m", "messages": USER_ONLY}, timeout=10
        )
        assert resp.json()["choices"][0]["message"]["content"] == "pong"
        proc.terminate()
        assert proc.wait(timeout=10) == 0, "SIGTERM is a clean shutdown"
