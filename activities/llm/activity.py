"""Temporal activity that generates a reply through the gateway and streams it, redacted."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from temporalio import activity
from temporalio.contrib.workflow_streams import WorkflowStreamClient
from temporalio.exceptions import ApplicationError

from core.llm_payloads import BudgetReport, GenerateInput, GenerateOutput, RouteInput, RouteOutput
from core.payloads import StreamEvent
from core.policy import LLM_MAX_ATTEMPTS
from core.texts import say

from .errors import LlmRejected, LlmUnavailable
from .gateway import Delta, GatewayRequest, GatewayResult, LlmGateway, Reset
from .grounded import phrase_tool_result

if TYPE_CHECKING:
    from activities.safety.engine import SafetyEngine

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
    evidence = [e.text for part in inp.answer_parts for e in part.evidence]
    return [p.text for p in inp.passages] + evidence + contacts + staff + planner + inp.public_names


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
        # Each part's question is the patient's own words, like the prompt.
        answer_parts=[replace(p, question=clean(p.question)) for p in inp.answer_parts],
    )


def refusal_text(inp: GenerateInput) -> str:
    # Actions already taken this turn are confirmed even when no model may be called.
    done = [phrase_tool_result(r, inp.language) for r in inp.tool_results]
    return "\n".join([*done, say(inp.language, "reply.budget_refusal")])


class _Streamer:
    """Whole sentences leave the worker, so redaction sees each value whole."""

    def __init__(self, publish: _Publisher, check: Callable[[str], str]) -> None:
        self.publish = publish
        self.check = check
        self.parts: list[str] = []
        self.pending = ""

    def add(self, text: str) -> None:
        self.pending += text
        cut = _last_boundary(self.pending)
        if cut:
            self._emit(self.pending[:cut])
            self.pending = self.pending[cut:]
            activity.heartbeat()

    def flush(self) -> None:
        if self.pending:
            self._emit(self.pending)
            self.pending = ""

    def discard(self, message: str) -> None:
        self.parts.clear()
        self.pending = ""
        self.publish(StreamEvent("reset", step="generate", message=message))

    def _emit(self, text: str) -> None:
        clean = self.check(text)
        self.publish(StreamEvent("text_delta", step="generate", delta=clean))
        self.parts.append(clean)


class LlmActivities:
    def __init__(self, gateway: LlmGateway, safety: SafetyEngine) -> None:
        self.gateway = gateway
        self.safety = safety

    async def _redact(self, inp: GenerateInput) -> GenerateInput:
        return await asyncio.to_thread(for_provider, inp, self.safety)

    @activity.defn(name="route_llm")
    async def route(self, inp: RouteInput) -> RouteOutput:
        """The decision a generate call would get now, from this worker's health board."""
        gen = GenerateInput(inp.tenant_id, inp.prompt, inp.intent or "", "direct")
        decision = await self.gateway.plan(
            GatewayRequest(inp.tenant_id, "route", gen, deployment=inp.deployment)
        )
        first = decision.chain[0] if decision.chain else None
        b = decision.budget
        return RouteOutput(
            deployment=first.name if first else "none",
            provider=first.provider if first else "none",
            model=first.model if first else "none",
            tier=decision.tier,
            reasoning=decision.reasoning,
            chain=[d.name for d in decision.chain],
            budget=BudgetReport(b.limit_usd, b.spent_usd, b.projected_usd, b.policy, b.action),
            estimated_cost_usd=decision.estimated_cost_usd,
            refused=decision.refused,
        )

    @activity.defn(name="generate")
    async def generate(self, inp: GenerateInput) -> GenerateOutput:
        info = activity.info()
        req = GatewayRequest(
            inp.tenant_id,
            inp.request_key or f"{info.workflow_id}:{info.activity_id}",
            inp,
            attempt=info.attempt,
            last_attempt=info.attempt >= LLM_MAX_ATTEMPTS,
            deployment=inp.deployment,
            redact=self._redact if inp.redact_for_provider else None,
            offline_on_reject=inp.offline_on_reject,
        )
        allowed = public_sources(inp)
        result: GatewayResult | None = None
        publish = _Publisher(inp.stream_batch_ms)
        async with publish:
            out = _Streamer(publish, lambda text: self.safety.check_output(text, allowed).text)
            if info.attempt > 1:
                publish(StreamEvent("reset", step="generate", message="retrying"))
            try:
                async for event in self.gateway.stream(req):
                    if isinstance(event, Delta):
                        out.add(event.text)
                    elif isinstance(event, Reset):
                        out.discard(f"{event.deployment} failed ({event.reason}); falling back")
                    else:
                        result = event
            except LlmUnavailable as exc:
                delay = timedelta(seconds=exc.retry_after) if exc.retry_after else None
                raise ApplicationError(
                    str(exc), type="LlmUnavailable", next_retry_delay=delay
                ) from exc
            except LlmRejected as exc:
                kind = "LlmContentPolicy" if exc.kind == "content_policy" else "LlmInvalidRequest"
                raise ApplicationError(str(exc), type=kind, non_retryable=True) from exc
            assert result is not None  # the gateway always ends with its result
            await self.gateway.settle(result)  # spend on disk before the activity completes
            if result.refused:
                out.add(refusal_text(inp))
            out.flush()
        b = result.budget
        return GenerateOutput(
            text="".join(out.parts).strip(),
            provider=result.provider,
            model=result.model,
            prompt_tokens=result.prompt_tokens,
            completion_tokens=result.completion_tokens,
            cost_usd=result.cost_usd,
            citations=result.citations,
            deployment=result.deployment,
            tier=result.tier,
            usage_source=result.usage_source,
            reasoning=result.reasoning,
            fallbacks=result.fallbacks,
            budget=BudgetReport(b.limit_usd, b.spent_usd, b.projected_usd, b.policy, b.action),
            refused=result.refused,
            first_token_ms=result.first_token_ms,
        )
