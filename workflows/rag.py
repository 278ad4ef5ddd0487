"""RAG workflows behind POST /api/v1/rag/retrieve and /rag/embed, on the worker's engine."""

from __future__ import annotations

from temporalio import workflow

from core.knowledge import EmbedRequest, EmbedResult
from core.retrieval_payloads import RetrieveInput, RetrieveOutput

from .door_screen import door_screen
from .policies import ENGINE
from .runners import Runner, as_activity

with workflow.unsafe.imports_passed_through():
    from activities.retrieval.activity import RetrievalActivities


@workflow.defn
class RagRetrieveWorkflow:
    @workflow.run
    async def run(self, inp: RetrieveInput) -> RetrieveOutput:
        return await retrieve_steps(inp, as_activity)


@workflow.defn
class RagEmbedWorkflow:
    @workflow.run
    async def run(self, inp: EmbedRequest) -> EmbedResult:
        return await embed_steps(inp, as_activity)


async def retrieve_steps(inp: RetrieveInput, run: Runner) -> RetrieveOutput:
    """Screened retrieval; also served by the engine door as local activities."""
    screen = await door_screen(inp.tenant_id, [inp.query], run)
    if screen.blocked_reply is not None:
        return RetrieveOutput([], False, blocked_reply=screen.blocked_reply)
    result: RetrieveOutput = await run(RetrievalActivities.retrieve, inp, ENGINE, "retrieve")
    return result


async def embed_steps(inp: EmbedRequest, run: Runner) -> EmbedResult:
    """Screened embedding; also served by the engine door as local activities."""
    if inp.tenant_id is not None:
        screen = await door_screen(inp.tenant_id, inp.texts, run)
        if screen.blocked_reply is not None:
            return EmbedResult([], "", 0, blocked_reply=screen.blocked_reply)
    result: EmbedResult = await run(RetrievalActivities.embed_texts, inp, ENGINE, "embed")
    return result
