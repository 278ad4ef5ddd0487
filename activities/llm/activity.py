"""Temporal activity that generates a reply and streams it, sentence by sentence, redacted."""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from temporalio import activity
from temporalio.contrib.workflow_streams import WorkflowStreamClient

from core.payloads import GenerateInput, GenerateOutput, StreamEvent
from core.policy import LLM_MAX_ATTEMPTS

from .providers import Usage

if TYPE_CHECKING:
    from activities.safety.engine import SafetyEngine

    from .providers import Provider

# Sentence ends, but not after titles ("Dr. Chen") that would split a name in two.
_BOUNDARY = re.compile(r"(?<!\bDr)(?<!\bMr)(?<!\bMs)(?<!\bSt)(?<!\bMrs)[.!?:]\s|\n")


def _last_boundary(text: str) -> int:
    cut = 0
    for m in _BOUNDARY.finditer(text):
        cut = m.end()
    return cut


class _Publisher:
    """Publishes to the pipeline's stream in batches, or does nothing when no one listens."""

    def __init__(self, batch_ms: int) -> None:
        self.client = (
            WorkflowStreamClient.from_within_activity(
                batch_interval=timedelta(milliseconds=batch_ms)
            )
            if batch_ms > 0
            else None
        )
        self.topic = self.client.topic("events", type=StreamEvent) if self.client else None

    def __call__(self, event: StreamEvent) -> None:
        if self.topic is not None:
            self.topic.publish(event)

    async def __aenter__(self) -> _Publisher:
        if self.client is not None:
            await self.client.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.client is not None:
            await self.client.__aexit__(*exc)


def public_sources(inp: GenerateInput) -> list[str]:
    """Text a reply may quote verbatim: the tenant's articles, its public contacts, and the
    names of its providers and sites (staff, not patients)."""
    contacts = [r.message for r in inp.tool_results if r.tool == "get_clinic_contact"]
    staff = [
        n for r in inp.tool_results for a in r.appointments for n in (a.provider_name, a.site_name)
    ]
    staff += [n for r in inp.tool_results for s in r.slots for n in (s.provider_name, s.site_name)]
    # The planner's clarification lists the clinic's providers, never the patient's data.
    planner = [inp.clarification] if inp.clarification else []
    return [p.text for p in inp.passages] + contacts + staff + planner + inp.public_names


def for_provider(inp: GenerateInput, safety: SafetyEngine) -> GenerateInput:
    """The input as an external provider may see it: PII in the prompt, the history and the
    tool results replaced; the clinic's public sources kept."""
    allowed = public_sources(inp)

    def clean(text: str) -> str:
        return safety.redact_for_provider(text, allowed)

    return replace(
        inp,
        prompt=clean(inp.prompt),
        history=[replace(h, content=clean(h.content)) for h in inp.history],
        tool_results=[replace(r, message=clean(r.message)) for r in inp.tool_results],
    )


class LlmActivities:
    def __init__(self, provider: Provider, fallback: Provider, safety: SafetyEngine) -> None:
        self.provider = provider
        self.fallback = fallback
        self.safety = safety

    @activity.defn(name="generate")
    async def generate(self, inp: GenerateInput) -> GenerateOutput:
        attempt = activity.info().attempt
        provider = self.provider
        if attempt >= LLM_MAX_ATTEMPTS and provider.name != self.fallback.name:
            # Every retry of the configured provider failed: answer offline rather than drop
            # the turn.
            activity.logger.warning("llm provider exhausted; using offline responder")
            provider = self.fallback
        allowed = public_sources(inp)
        if provider.name != self.fallback.name and inp.redact_for_provider:
            inp = await asyncio.to_thread(for_provider, inp, self.safety)
        parts: list[str] = []
        usage = Usage()
        publish = _Publisher(inp.stream_batch_ms)
        async with publish:
            if attempt > 1:
                publish(StreamEvent("reset", step="generate", message="retrying"))
            pending = ""
            async for item in provider.stream(inp):
                if isinstance(item, Usage):
                    usage = item
                    continue
                pending += item
                cut = _last_boundary(pending)
                # Only whole sentences leave the worker, so redaction sees each value whole.
                if cut:
                    clean = self.safety.check_output(pending[:cut], allowed).text
                    publish(StreamEvent("text_delta", step="generate", delta=clean))
                    parts.append(clean)
                    pending = pending[cut:]
                    activity.heartbeat()
            if pending:
                clean = self.safety.check_output(pending, allowed).text
                publish(StreamEvent("text_delta", step="generate", delta=clean))
                parts.append(clean)
        return GenerateOutput(
            text="".join(parts).strip(),
            provider=provider.name,
            model=provider.model,
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
            cost_usd=usage.cost_usd,
            citations=usage.citations,
        )
