"""LLM gateway workflows behind POST /api/v1/llm/generate (streamed) and /api/v1/llm/route."""

from __future__ import annotations

from temporalio import workflow
from temporalio.contrib.workflow_streams import WorkflowStream
from temporalio.exceptions import ActivityError, ApplicationError

from core.llm_payloads import (
    CONTENT_POLICY,
    INPUT_BLOCKED,
    INVALID_REQUEST,
    UNAVAILABLE,
    GenerateInput,
    GenerateOutput,
    LlmGenerateRequest,
    LlmGenerateResult,
    RouteInput,
    RouteOutput,
)
from core.payloads import ScreenInput, ScreenOutput, StreamEvent
from core.retrieval_payloads import RetrieveInput, RetrieveOutput

from .door_screen import door_screen
from .policies import ENGINE, LLM

with workflow.unsafe.imports_passed_through():
    from activities.llm.activity import LlmActivities
    from activities.retrieval.activity import RetrievalActivities
    from activities.safety.activity import SafetyActivities

# The generate activity's ApplicationError types, by the code the API reports.
_REJECTIONS = {"LlmContentPolicy": CONTENT_POLICY, "LlmInvalidRequest": INVALID_REQUEST}


@workflow.defn
class LlmGenerateWorkflow:
    @workflow.init
    def __init__(self, inp: LlmGenerateRequest) -> None:
        # Built in __init__ so a subscriber that polls before the first task finds it; the
        # generate activity publishes its deltas to this topic.
        self.stream = WorkflowStream()
        self.events = self.stream.topic("events", type=StreamEvent)

    @workflow.run
    async def run(self, inp: LlmGenerateRequest) -> LlmGenerateResult:
        result = LlmGenerateResult()
        prompt = inp.prompt
        # The same screen and tenant policy as a turn: a blocked word, topic or injection is
        # refused, and the provider sees the redacted text when the policy says so. Patched:
        # runs started before the screen existed replay without it.
        if workflow.patched("llm-input-screen"):
            screen: ScreenOutput = await workflow.execute_activity_method(
                SafetyActivities.screen_input,
                ScreenInput(inp.tenant_id, inp.prompt),
                start_to_close_timeout=ENGINE.start_to_close,
                retry_policy=ENGINE.retry,
                summary="screen",
            )
            result.screened = sorted({issue.type for issue in screen.issues})
            if screen.blocked:
                result.error, result.blocked_reply = INPUT_BLOCKED, screen.blocked_reply
                self.events.publish(StreamEvent("done", step="screen"))
                return result
            if screen.redact_for_llm:
                prompt = screen.redacted_text
        gen = GenerateInput(
            inp.tenant_id,
            prompt,
            "",
            "direct",
            stream_batch_ms=inp.stream_batch_ms,
            request_key=inp.request_key or workflow.info().workflow_id,
            deployment=inp.deployment,
            offline_on_reject=inp.offline_on_reject,
        )
        if inp.grounded:
            found: RetrieveOutput = await workflow.execute_activity_method(
                RetrievalActivities.retrieve,
                RetrieveInput(inp.tenant_id, inp.prompt, inp.top_k),
                start_to_close_timeout=ENGINE.start_to_close,
                retry_policy=ENGINE.retry,
                summary="retrieve",
            )
            gen.path, gen.passages, gen.covered = "knowledge", found.passages, found.covered
            gen.answer_parts, gen.indexing = found.parts, found.indexing
            result.covered, result.passages = found.covered, len(found.passages)
        try:
            reply: GenerateOutput = await workflow.execute_activity_method(
                LlmActivities.generate,
                gen,
                start_to_close_timeout=LLM.start_to_close,
                retry_policy=LLM.retry,
                heartbeat_timeout=LLM.heartbeat,
                summary="generate",
            )
            result.output = reply
        except ActivityError as err:
            # A refusal is an answer to report, not a failed workflow; so is an outage that
            # outlasted every retry (only possible when the offline last resort is off).
            cause = err.cause
            kind = cause.type if isinstance(cause, ApplicationError) else None
            result.error = _REJECTIONS.get(kind or "", UNAVAILABLE)
        # Published in the final task, it reaches the subscriber once the run completes; it
        # tells the API to stop following and read the result.
        self.events.publish(StreamEvent("done", step="generate"))
        return result


@workflow.defn
class LlmRouteWorkflow:
    @workflow.run
    async def run(self, inp: RouteInput) -> RouteOutput:
        screen = await door_screen(inp.tenant_id, [inp.prompt])
        decision: RouteOutput = await workflow.execute_activity_method(
            LlmActivities.route,
            inp,
            start_to_close_timeout=ENGINE.start_to_close,
            retry_policy=ENGINE.retry,
            summary="route",
        )
        # Routed either way (the decision costs nothing), but a refused prompt is reported
        # as the generate door would refuse it.
        decision.blocked_reply, decision.screened = screen.blocked_reply, screen.screened
        return decision
