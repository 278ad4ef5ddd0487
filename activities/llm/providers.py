"""Providers behind one streaming interface: offline grounded, or LiteLLM to a real endpoint."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from core.payloads import Citation, GenerateInput

from .grounded import compose
from .prompts import build_messages


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    citations: list[Citation] = field(default_factory=list)


class Provider(Protocol):
    name: str
    model: str

    def stream(self, inp: GenerateInput) -> AsyncIterator[str | Usage]: ...


class OfflineProvider:
    """Deterministic and network-free; the default, and the last resort when others fail."""

    name = "offline"
    model = "grounded-responder-v1"

    async def stream(self, inp: GenerateInput) -> AsyncIterator[str | Usage]:
        text, citations = compose(inp)
        # Word-sized pieces so clients render progressively, exactly like a model stream.
        for piece in re.findall(r"\S+\s*|\s+", text):
            yield piece
        words = len(text.split())
        yield Usage(
            prompt_tokens=len(inp.prompt.split()), completion_tokens=words, citations=citations
        )


class LiteLlmProvider:
    """Any OpenAI-compatible endpoint through LiteLLM. Temporal owns retries, so LiteLLM's
    own are off."""

    name = "openai_compatible"

    def __init__(
        self,
        model: str,
        api_base: str | None,
        api_key: str | None,
        *,
        timeout_s: float,
        max_tokens: int,
    ) -> None:
        import litellm  # heavy (seconds, ~170 MB): imported once, only when configured

        litellm.suppress_debug_info = True  # it prints banners to stdout on unknown models
        self._litellm: Any = litellm
        self.model = model
        self.api_base = api_base
        self.api_key = api_key or "not-needed"
        self.timeout_s = timeout_s
        self.max_tokens = max_tokens

    async def stream(self, inp: GenerateInput) -> AsyncIterator[str | Usage]:
        response = await self._litellm.acompletion(
            model=f"openai/{self.model}",
            api_base=self.api_base,
            api_key=self.api_key,
            messages=build_messages(inp),
            stream=True,
            stream_options={"include_usage": True},
            max_retries=0,
            timeout=self.timeout_s,
            max_tokens=self.max_tokens,
        )
        usage = Usage(citations=[Citation(p.article_id, p.title) for p in inp.passages])
        async for chunk in response:
            choices = getattr(chunk, "choices", None) or []
            if choices and getattr(choices[0].delta, "content", None):
                yield choices[0].delta.content
            reported = getattr(chunk, "usage", None)
            if reported:
                usage.prompt_tokens = int(reported.prompt_tokens or 0)
                usage.completion_tokens = int(reported.completion_tokens or 0)
        usage.cost_usd = self._cost(usage)
        yield usage

    def _cost(self, usage: Usage) -> float:
        try:
            prompt_cost, completion_cost = self._litellm.cost_per_token(
                model=self.model,
                prompt_tokens=usage.prompt_tokens,
                completion_tokens=usage.completion_tokens,
            )
        except Exception:
            return 0.0
        return float(prompt_cost + completion_cost)
