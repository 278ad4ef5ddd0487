"""The offline grounded responder as a stream: deterministic, network-free, always there."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from core.llm_payloads import GenerateInput
from core.payloads import Citation

from .grounded import compose


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    citations: list[Citation] = field(default_factory=list)


class OfflineProvider:
    """The default provider, and the last resort when every other one fails."""

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
