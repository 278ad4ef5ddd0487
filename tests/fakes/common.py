"""Types and helpers every fake LLM provider shares: scripted failures, turns, text, SSE."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

FailureKind = Literal[
    "status", "hang", "malformed", "drop", "kill", "content_policy", "context_window"
]
ReplySource = str | Callable[[dict[str, Any]], str] | None


@dataclass(frozen=True)
class ScriptedToolCall:
    """A function call the fake answers with; ``arguments`` is sent as JSON text (a string
    is sent as is, so a test can send arguments that are not valid JSON)."""

    name: str
    arguments: dict[str, Any] | str = field(default_factory=dict)

    @property
    def arguments_text(self) -> str:
        if isinstance(self.arguments, str):
            return self.arguments
        return json.dumps(self.arguments, separators=(",", ":"))


# Calls for a request that offers tools: a list, or a callable given the request body
# (None or [] from it: reply with text). Requests without ``tools`` always get text.
ToolCallSource = (
    list[ScriptedToolCall] | Callable[[dict[str, Any]], list[ScriptedToolCall] | None] | None
)


@dataclass(frozen=True)
class Failure:
    """One scripted failure, consumed by the next completion request.

    ``after_chunks == 0`` (or a non-streaming request) means "before any response byte";
    otherwise the failure strikes in the stream after that many content chunks.

    - status: an error in the provider's shape with ``status`` (and Retry-After, or the
      provider's equivalent, when ``retry_after`` is set); mid-stream, the provider's error event.
    - hang: stall ``hang_s`` seconds (None: until the server stops); if the client is still
      there afterwards the request completes normally, so this doubles as "slow request".
    - malformed: a truncated JSON body, or mid-stream a broken JSON event and no proper end.
    - drop: abort this TCP connection with no terminating event (the server stays up).
    - kill: ``FakeProvider.kill()`` at that point: every connection is cut, new ones refused.
    - content_policy: the provider's own refusal (an error, or a filtered reply mid-stream).
    - context_window: the provider's own "prompt too long" error (always before the response).
    """

    kind: FailureKind = "status"
    status: int = 500
    retry_after: float | None = None
    message: str | None = None
    after_chunks: int = 0
    hang_s: float | None = None


@dataclass(frozen=True)
class RecordedRequest:
    """What the fake received; bodies of completion requests are also in ``requests``."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    query: str = ""
    received_at: float = field(default_factory=time.time)


@dataclass
class Turn:
    """One completion request as the provider-neutral stream loop sees it."""

    body: dict[str, Any]
    model: str
    stream: bool
    prompt_tokens: int
    max_tokens: int | None = None
    include_usage: bool = True  # whether the stream reports usage
    id: str = ""
    created: int = field(default_factory=lambda: int(time.time()))
    text: str = ""
    finish: Literal["stop", "length", "tool_calls"] = "stop"
    pieces: list[str] = field(default_factory=list)
    tool_calls: list[ScriptedToolCall] = field(default_factory=list)

    @property
    def completion_tokens(self) -> int:
        said = " ".join(f"{c.name} {c.arguments_text}" for c in self.tool_calls)
        return count_tokens(self.text) + count_tokens(said)


def split_words(text: str, words_per_chunk: int) -> list[str]:
    """Split into pieces of ``words_per_chunk`` words whose concatenation is exactly ``text``.

    Each piece keeps the whitespace after its words, so joining the streamed deltas gives
    back the configured reply byte for byte.
    """
    if not text:
        return []
    words = re.split(r"(?<=\s)(?=\S)", text)
    size = max(1, words_per_chunk)
    return ["".join(words[i : i + size]) for i in range(0, len(words), size)]


def count_tokens(text: str) -> int:
    # Whitespace words stand in for tokens: deterministic and good enough for usage assertions.
    return len(text.split())


def content_text(content: Any, separator: str = "\n") -> str:
    """The text of a content that is a string or a list of ``{"type": "text", ...}`` blocks.

    By default one block per line, so words of adjacent blocks are never run together when
    counted.
    """
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return separator.join(
            str(block.get("text", ""))
            for block in content
            if isinstance(block, dict) and block.get("type") == "text"
        )
    return ""


def last_user_text(
    messages: Any, text_of: Callable[[dict[str, Any]], str], default_role: str | None = None
) -> str:
    """``text_of`` the last message whose role (``default_role`` when it has none) is "user";
    "" when there is none."""
    for message in reversed(messages or []):
        if isinstance(message, dict) and message.get("role", default_role) == "user":
            return text_of(message)
    return ""


def seconds_text(value: float) -> str:
    # Integral seconds are written without ".0": the form clients parse most reliably.
    return str(int(value)) if value == int(value) else str(value)


def sse(data: Any, event: str | None = None, end: str = "\n\n") -> bytes:
    """One server-sent event; ``data`` is JSON-encoded unless it is already a string."""
    payload = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {payload}{end}".encode()
