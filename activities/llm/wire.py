"""One streaming call to one deployment through LiteLLM, its own retries off."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from core.llm_config import Deployment

from .errors import ProviderFailure, classify

# LiteLLM's provider prefix per deployment kind; OpenAI-compatible servers speak OpenAI's
# wire format at their own api_base.
_PREFIX = {
    "openai": "openai",
    "openai_compatible": "openai",
    "anthropic": "anthropic",
    "gemini": "gemini",
}


@dataclass
class WireUsage:
    """Token counts as the provider reported them (None when it did not)."""

    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    finish_reason: str | None = None


class LiteLlmClient:
    """Maps a deployment to LiteLLM's arguments and LiteLLM's chunks and errors back to ours."""

    def __init__(self, litellm: Any, keys: Callable[[Deployment], str | None]) -> None:
        self._litellm = litellm
        self._keys = keys

    @staticmethod
    def _read(chunk: Any, usage: WireUsage) -> list[str]:
        """The text in one LiteLLM chunk; its finish reason and usage go into `usage`."""
        out: list[str] = []
        choices = getattr(chunk, "choices", None) or []
        if choices:
            content = getattr(choices[0].delta, "content", None)
            if content:
                out.append(content)
            if choices[0].finish_reason:
                usage.finish_reason = choices[0].finish_reason
        reported = getattr(chunk, "usage", None)
        if reported and (reported.prompt_tokens or reported.completion_tokens):
            usage.prompt_tokens = int(reported.prompt_tokens or 0)
            usage.completion_tokens = int(reported.completion_tokens or 0)
        return out

    def model_string(self, d: Deployment) -> str:
        return f"{_PREFIX[d.provider]}/{d.model}"

    async def stream(
        self, d: Deployment, messages: list[dict[str, str]]
    ) -> AsyncIterator[str | WireUsage]:
        usage = WireUsage()
        try:
            response = await self._litellm.acompletion(
                model=self.model_string(d),
                api_base=d.api_base,
                # Local servers ignore the key but the OpenAI client insists on one.
                api_key=self._keys(d) or "not-needed",
                messages=messages,
                stream=True,
                stream_options={"include_usage": True},
                max_retries=0,  # Temporal owns retries; the gateway owns fallback
                num_retries=0,
                timeout=d.timeout_s,
                max_tokens=d.max_tokens,
            )
            loop = asyncio.get_running_loop()
            # LiteLLM does not apply `timeout` to every provider's stream (Gemini's can stall
            # forever): no chunk for timeout_s is a timeout here. One deadline, pushed back at
            # each chunk, costs less than a timer per chunk.
            try:
                async with asyncio.timeout(d.timeout_s) as deadline:
                    async for chunk in response:
                        deadline.reschedule(loop.time() + d.timeout_s)
                        for item in self._read(chunk, usage):
                            yield item
            except TimeoutError:
                raise ProviderFailure("timeout", "no chunk within timeout_s") from None
            # LiteLLM skips an undecodable Anthropic event and then reports "stop" itself; only
            # its record of what the provider sent tells a finished stream from a cut one.
            said = [
                getattr(response, attr, "unknown")
                for attr in ("received_finish_reason", "intermittent_finish_reason")
            ]
            if all(value is None for value in said):
                raise ProviderFailure("malformed", "the stream ended without a finish reason")
        except ProviderFailure:
            raise
        except Exception as exc:  # every provider error becomes a typed failure, by class
            raise classify(exc, self._litellm) from exc
        if usage.finish_reason == "content_filter":
            raise ProviderFailure("content_policy", "the provider filtered the reply")
        yield usage
