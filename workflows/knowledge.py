"""KnowledgeIngestWorkflow: one per tenant, applying article changes and re-indexes in order."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError

from core.knowledge import (
    ARTICLE,
    REINDEX,
    ArticleIds,
    ChunkPlan,
    FinishInput,
    IngestProgress,
    IngestRequest,
    IngestResult,
    IngestWorkflowInput,
    ListArticlesInput,
    PlanArticleInput,
    UpsertInput,
)

from .failures import failure_text
from .policies import INGEST_DB, INGEST_EMBED, ActivityOptions

with workflow.unsafe.imports_passed_through():
    from activities.retrieval.ingest import IngestActivities

# Well below Temporal's 50k-event limit; a re-index of thousands of articles continues as
# new with the articles it has left.
HISTORY_LIMIT = 8_000
KEEP_FINISHED = 20


@workflow.defn
class KnowledgeIngestWorkflow:
    def __init__(self) -> None:
        self._queue: list[IngestRequest] = []
        self._seen: set[str] = set()
        self._progress = IngestProgress(tenant_id=0)
        self._heartbeat = timedelta(seconds=30)

    @workflow.signal
    def enqueue(self, request: IngestRequest) -> None:
        # A client retrying its signal must not ingest twice.
        if request.request_id not in self._seen:
            self._seen.add(request.request_id)
            self._queue.append(request)

    @workflow.query
    def get_progress(self) -> IngestProgress:
        self._progress.queued = list(self._queue)
        return self._progress

    async def _act(self, fn: Any, arg: Any, opts: ActivityOptions, name: str) -> Any:
        return await workflow.execute_activity_method(
            fn,
            arg,
            start_to_close_timeout=opts.start_to_close,
            retry_policy=opts.retry,
            heartbeat_timeout=self._heartbeat if opts is INGEST_EMBED else None,
            summary=name,
        )

    @workflow.run
    async def run(self, inp: IngestWorkflowInput) -> list[IngestResult]:
        self._progress.tenant_id = inp.tenant_id
        self._heartbeat = timedelta(seconds=inp.heartbeat_timeout_s)
        carried = [r for r in inp.pending if r.request_id not in self._seen]
        self._seen.update(r.request_id for r in carried)
        self._queue = carried + self._queue
        results: list[IngestResult] = []
        while self._queue:
            if self._history_full():
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(
                    IngestWorkflowInput(
                        inp.tenant_id, list(self._queue), inp.heartbeat_timeout_s, inp.batch_size
                    )
                )
            request = self._queue.pop(0)
            self._progress.current = request
            result = await self._handle(inp, request)
            if result is not None:
                results.append(result)
                self._progress.finished = [*self._progress.finished, result][-KEEP_FINISHED:]
            self._progress.current, self._progress.stage = None, "idle"
        # Signals that arrive while the last step completes are handled before the run ends.
        await workflow.wait_condition(workflow.all_handlers_finished)
        return results

    def _history_full(self) -> bool:
        info = workflow.info()
        return (
            info.is_continue_as_new_suggested() or info.get_current_history_length() > HISTORY_LIMIT
        )

    async def _handle(self, inp: IngestWorkflowInput, req: IngestRequest) -> IngestResult | None:
        """One request; None when it was handed on to the next run (continue-as-new)."""
        try:
            if req.kind == REINDEX:
                return await self._reindex(inp, req)
            if req.kind == ARTICLE and req.article_id is not None:
                return await self._article(inp, req, req.article_id)
            raise ValueError(f"unknown ingestion request {req.kind!r}")
        except (ActivityError, ValueError) as err:
            # A failure's type, never its text (it may quote an article or a statement).
            message = failure_text(err) if isinstance(err, ActivityError) else str(err)
            # Recorded, and the queue moves on: one bad article must not block the tenant.
            await self._act(
                IngestActivities.finish,
                FinishInput(
                    inp.tenant_id,
                    req.request_id,
                    publish=False,
                    status="failed",
                    error=message[:500],
                ),
                INGEST_DB,
                "record failure",
            )
            return IngestResult(req.request_id, req.kind, "failed", error=message[:500])

    async def _article(
        self, inp: IngestWorkflowInput, req: IngestRequest, article_id: int
    ) -> IngestResult:
        plan, embedded = await self._ingest(inp, req, article_id, track=True)
        status = "indexed" if plan.exists else "removed"
        self._progress.stage = "finishing"
        await self._act(
            IngestActivities.finish,
            FinishInput(inp.tenant_id, req.request_id, plan.stale_ids, publish=True, status=status),
            INGEST_DB,
            f"finish article {article_id}",
        )
        return IngestResult(
            req.request_id, req.kind, status, 1, plan.chunks, embedded, len(plan.stale_ids)
        )

    async def _ingest(
        self, inp: IngestWorkflowInput, req: IngestRequest, article_id: int, *, track: bool
    ) -> tuple[ChunkPlan, int]:
        """Plan, then embed and upsert in batches; each batch is its own retryable unit."""
        self._progress.stage = "planning"
        plan: ChunkPlan = await self._act(
            IngestActivities.plan_article,
            PlanArticleInput(inp.tenant_id, article_id, req.request_id, track=track),
            INGEST_DB,
            f"plan article {article_id}",
        )
        self._progress.stage = "embedding"
        if track:
            self._progress.chunks_total, self._progress.chunks_done = len(plan.to_upsert), 0
        else:
            self._progress.chunks_total += len(plan.to_upsert)
        embedded = 0
        for start in range(0, len(plan.to_upsert), inp.batch_size):
            batch = plan.to_upsert[start : start + inp.batch_size]
            done = self._progress.chunks_done + len(batch)
            await self._act(
                IngestActivities.upsert_chunks,
                UpsertInput(inp.tenant_id, req.request_id, batch, done_after=done),
                INGEST_EMBED,
                f"embed {len(batch)} chunks of article {article_id}",
            )
            embedded += len(batch)
            self._progress.chunks_done = done
        return plan, embedded

    async def _reindex(self, inp: IngestWorkflowInput, req: IngestRequest) -> IngestResult | None:
        if req.remaining is None:
            listed: ArticleIds = await self._act(
                IngestActivities.list_articles,
                ListArticlesInput(inp.tenant_id, req.request_id),
                INGEST_DB,
                "list articles",
            )
            req.remaining, req.done = list(listed.article_ids), 0
            self._progress.chunks_total = self._progress.chunks_done = 0
        self._progress.articles_total = req.done + len(req.remaining)
        while req.remaining:
            if self._history_full():
                self._queue.insert(0, req)  # carried into the next run where it left off
                return None
            article_id = req.remaining[0]
            plan, embedded = await self._ingest(inp, req, article_id, track=False)
            req.done += 1
            req.chunks += plan.chunks
            req.embedded += embedded
            req.removed += len(plan.stale_ids)
            await self._act(
                IngestActivities.finish,
                FinishInput(
                    inp.tenant_id,
                    req.request_id,
                    plan.stale_ids,
                    publish=False,
                    articles_done=req.done,
                ),
                INGEST_DB,
                f"finish article {article_id}",
            )
            req.remaining.pop(0)
            self._progress.articles_done = req.done
        self._progress.stage = "finishing"
        await self._act(
            IngestActivities.finish,
            FinishInput(inp.tenant_id, req.request_id, publish=True, status="indexed"),
            INGEST_DB,
            "publish re-index",
        )
        return IngestResult(
            req.request_id, REINDEX, "indexed", req.done, req.chunks, req.embedded, req.removed
        )
