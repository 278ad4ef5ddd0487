"""The fake OpenAI server's function calling must read as OpenAI's to LiteLLM, both ways."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.fakes.litellm_client import acomplete, post
from tests.fakes.openai_server import FakeOpenAI, ScriptedToolCall

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "cancel_appointment",
            "description": "Cancel an appointment.",
            "parameters": {
                "type": "object",
                "properties": {"appointment_id": {"type": "integer"}},
                "required": ["appointment_id"],
            },
        },
    }
]
CALL = ScriptedToolCall("cancel_appointment", {"appointment_id": 12, "patient_id": 7})
USER = [{"role": "user", "content": "Cancel appointment 12."}]


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI(reply="Plain text.", tool_calls=[CALL]) as server:
        yield server


async def complete(fake: FakeOpenAI, **kwargs: Any) -> Any:
    params: dict[str, Any] = {
        "api_key": "sk-test",
        "messages": USER,
        "tools": TOOLS,
        # This LiteLLM imports its MCP gateway (and the absent `mcp` package) for any request
        # with tools unless told the tools are plain functions.
        "_skip_mcp_handler": True,
    }
    return await acomplete("openai/fake-model", fake.base_url, **(params | kwargs))


async def test_non_streaming_tool_call(fake: FakeOpenAI) -> None:
    response = await complete(fake)
    choice = response.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    (call,) = choice.message.tool_calls
    assert call.type == "function" and call.id.startswith("call_")
    assert call.function.name == "cancel_appointment"
    assert json.loads(call.function.arguments) == {"appointment_id": 12, "patient_id": 7}
    assert response.usage.completion_tokens > 0
    assert fake.last_request["tools"] == TOOLS


async def test_streamed_tool_call_reassembles(fake: FakeOpenAI) -> None:
    stream = await complete(fake, stream=True)
    name, arguments, finish = "", "", None
    async for chunk in stream:
        if not chunk.choices:
            continue
        for piece in chunk.choices[0].delta.tool_calls or []:
            name += piece.function.name or ""
            arguments += piece.function.arguments or ""
        finish = chunk.choices[0].finish_reason or finish
    assert name == "cancel_appointment"
    assert json.loads(arguments) == {"appointment_id": 12, "patient_id": 7}
    assert finish == "tool_calls"


async def test_requests_without_tools_get_text_and_raw_shape_is_openais(fake: FakeOpenAI) -> None:
    plain = await complete(fake, tools=None)
    assert plain.choices[0].message.content == "Plain text."
    resp = await post(
        f"{fake.base_url}/chat/completions", json={"model": "m", "messages": USER, "tools": TOOLS}
    )
    message = resp.json()["choices"][0]["message"]
    assert message["content"] is None and message["role"] == "assistant"
    assert message["tool_calls"][0]["function"]["arguments"] == (
        '{"appointment_id":12,"patient_id":7}'
    )


async def test_a_callable_decides_per_request_and_reset_clears(fake: FakeOpenAI) -> None:
    fake.tool_calls = lambda body: [] if "hello" in str(body["messages"]) else [CALL]
    greeting = await complete(fake, messages=[{"role": "user", "content": "hello"}])
    assert greeting.choices[0].message.content == "Plain text."
    fake.reset()
    assert fake.tool_calls == [CALL]
