"""RAG workflows behind POST /api/v1/rag/retrieve and /rag/embed, on the worker's engine."""

from __future__ import annotations

from temporalio import workflow

from core.knowledge import EmbedRequest, EmbedResult
from core.retrieval_payloads import RetrieveInput, RetrieveOutput

from .door_screen import door_screen
from .policies import ENGINE

with workflow.unsafe.imports_passed_through():
    from activities.retrieval.activity import RetrievalActivities


@workflow.defn
class RagRetrieveWorkflow:
    @workflow.run
    async def run(self, inp: RetrieveInput) -> RetrieveOutput:
        screen = await door_screen(inp.tenant_id, [inp.query])
        if screen.blocked_reply is not None:
            return RetrieveOutput([], False, blocked_reply=screen.blocked_reply)
        result: RetrieveOutput = await workflow.execute_activity_method(
            RetrievalActivities.retrieve,
            inp,
            start_to_close_timeout=ENGINE.start_to_close,
            retry_policy=ENGINE.retry,
            summary="retrieve",
        )
        return result


@workflow.defn
class RagEmbedWorkflow:
    @workflow.run
    async def run(self, inp: EmbedRequest) -> EmbedResult:
        if inp.tenant_id is not None:
            screen = await door_screen(inp.tenant_id, inp.texts)
            if screen.blocked_reply is not None:
                return EmbedResult([], "", 0, blocked_reply=screen.blocked_reply)
        result: EmbedResult = await workflow.execute_activity_method(
            RetrievalActivities.embed_texts,
            inp,
            start_to_close_timeout=ENGINE.start_to_close,
            retry_policy=ENGINE.retry,
            summary="embed",
        )
        return result
