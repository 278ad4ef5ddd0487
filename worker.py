"""Builds the engines once, injects them into activity classes, and runs the Temporal worker."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from temporalio.client import Client
from temporalio.worker import UnsandboxedWorkflowRunner, Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.actions.activity import ActionActivities
from activities.callbacks.activity import CallbackActivities
from activities.callbacks.reminders import ReminderActivities
from activities.embedding import Embedder
from activities.embedding.features import TextFeatures
from activities.embedding.fit_cache import FitCache
from activities.embedding.multilingual import MultilingualEmbedder
from activities.intent.activity import IntentActivities
from activities.intent.engine import IntentEngine
from activities.language.detector import LanguageDetector
from activities.llm.activity import LlmActivities
from activities.llm.factory import build_gateway
from activities.llm.gateway import LlmGateway
from activities.llm.tool_calls import ToolCalling
from activities.persist import PersistActivities
from activities.retrieval.activity import RetrievalActivities
from activities.retrieval.chunking import token_spans_from
from activities.retrieval.engine import RetrievalConfig, RetrievalEngine
from activities.retrieval.ingest import IngestActivities
from activities.retrieval.store import TextEmbedder, VectorStore
from activities.retrieval.versions import all_versions
from activities.safety.activity import SafetyActivities
from activities.safety.engine import SafetyEngine
from activities.safety.escalation import EscalationActivities
from activities.safety.injection.detector import InjectionDetector
from activities.safety.injection.model import InjectionModel
from activities.safety.pii.engine import PiiEngine
from activities.safety.triage.engine import TriageEngine
from activities.tools.activity import ToolActivities
from activities.tools.executor import AfterCommit, ToolExecutor
from activities.tools.knowledge_tool import KnowledgeSearch
from activities.tools.llm_planner import LlmToolPlanner
from activities.tools.planner import ToolPlanner
from activities.tools.when import parse_when
from activities.tools.when_es import to_english_dates
from activities.understanding.activity import UnderstandingActivities
from core.knowledge_client import request_reindex, unindexed_tenants
from core.logging import setup_logging
from core.settings import Settings, get_settings
from core.temporal import connect
from store.db import make_engine, make_session_factory
from workflows.actions import ActionWorkflow
from workflows.callbacks import CallbackWorkflow
from workflows.classify import ClassifyWorkflow
from workflows.conversation import ConversationWorkflow
from workflows.engine_door import EngineDoorWorkflow
from workflows.escalation import EscalationWorkflow
from workflows.knowledge import KnowledgeIngestWorkflow
from workflows.llm import LlmGenerateWorkflow, LlmRouteWorkflow
from workflows.pipeline import PipelineWorkflow
from workflows.rag import RagEmbedWorkflow, RagRetrieveWorkflow
from workflows.reminders import AppointmentReminderWorkflow
from workflows.safety import SafetyValidateWorkflow
from workflows.voice import SpeechToTextWorkflow, TextToSpeechWorkflow
from workflows.voice_call import VoiceCallWorkflow

log = logging.getLogger("aurixa.worker")


@dataclass
class Engines:
    db: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    embedder: Embedder
    features: TextFeatures
    intents: IntentEngine
    retrieval: RetrievalEngine
    safety: SafetyEngine
    gateway: LlmGateway

    async def close(self) -> None:
        self.retrieval.close()
        await self.db.dispose()


def build_retrieval(
    settings: Settings, embedder: Embedder, multilingual: TextEmbedder | None = None
) -> RetrievalEngine:
    store = VectorStore(
        path=None if settings.qdrant_url else settings.qdrant_path,
        url=settings.qdrant_url,
        api_key=settings.qdrant_api_key.get_secret_value() if settings.qdrant_api_key else None,
    )
    config = RetrievalConfig(
        rrf_k=settings.retrieval_rrf_k,
        fusion=settings.retrieval_fusion,
        fusion_alpha=settings.retrieval_fusion_alpha,
        min_dense_score=settings.retrieval_min_dense_score,
        rerank=settings.retrieval_rerank,
        keyword_boost=settings.retrieval_keyword_boost,
        mmr_lambda=settings.retrieval_mmr_lambda,
        context_tokens=settings.retrieval_context_tokens,
    )
    spans = token_spans_from(settings.model_dir / "tokenizer.json")
    # The multilingual encoder scores answer sentences (and finds English articles for a
    # Spanish question); the English MiniLM index stays the chunk retriever.
    return RetrievalEngine(embedder, spans, store, config, multilingual=multilingual)


def build_safety(
    settings: Settings,
    embedder: Embedder,
    features: TextFeatures,
    intents: IntentEngine,
    cache: FitCache,
) -> SafetyEngine:
    # spaCy, the exemplar embeddings and the crisis classifier load in a few seconds (the
    # fit itself is read from the fit cache after the first start): once, at start-up.
    # An empty value (compose passes "" when unset) means no secret, not an empty salt.
    secret = (
        settings.pii_hash_secret.get_secret_value() if settings.pii_hash_secret else ""
    ) or None
    # Routine clinic requests are the triage classifier's everyday negatives.
    routine = [text for intent in intents.defaults for text in intent.examples]
    return SafetyEngine(
        PiiEngine(hash_secret=secret),
        TriageEngine(features, negatives=routine, cache=cache),
        InjectionDetector(embedder, model=InjectionModel(features, benign=routine, cache=cache)),
        embedder,
        LanguageDetector(settings.language_codes),
    )


async def build_engines(
    settings: Settings, *, embedder: Embedder | None = None, features: TextFeatures | None = None
) -> Engines:
    db = make_engine(settings.effective_database_url, settings)
    sessions = make_session_factory(db)
    embedder = embedder or Embedder(settings.model_dir)
    if features is None:
        features = TextFeatures(embedder, await asyncio.to_thread(MultilingualEmbedder))
    cache = FitCache(settings.fit_cache_dir)
    retrieval = build_retrieval(settings, embedder, features.multilingual)
    # Fitting the default intent model takes seconds (once; then the fit cache): off the loop.
    intents = await asyncio.to_thread(
        IntentEngine, features, threshold=settings.intent_abstain_threshold, cache=cache
    )
    # Warm each indexed tenant's BM25 now rather than on its first query.
    for tenant_id, version in (await all_versions(sessions)).items():
        await asyncio.to_thread(retrieval.refresh, tenant_id, version)
    return Engines(
        db=db,
        sessions=sessions,
        embedder=embedder,
        features=features,
        intents=intents,
        retrieval=retrieval,
        safety=await asyncio.to_thread(build_safety, settings, embedder, features, intents, cache),
        gateway=build_gateway(settings, sessions),
    )


def warm_models(engines: Engines, halt: threading.Event) -> None:
    """Runs once what the first turn would otherwise pay for."""
    engines.retrieval.warm_answers(halt)
    parse_when(to_english_dates("el martes a las 10, next Tuesday at 3pm"), datetime.now())


async def bootstrap_knowledge(client: Client, engines: Engines, settings: Settings) -> list[str]:
    """Queues a re-index for every tenant whose articles were never indexed (a freshly seeded
    database); returns the ingestion workflow ids. Idempotent: an indexed tenant is skipped."""
    started = []
    for tenant_id in await unindexed_tenants(engines.sessions):
        _, handle = await request_reindex(
            client, engines.sessions, settings, tenant_id, "system:bootstrap", action="bootstrap"
        )
        started.append(handle.id)
        log.info("knowledge bootstrap queued", extra={"tenant_id": tenant_id})
    return started


def workflow_runners(sandbox_all: bool) -> dict[str, Any]:
    """The worker's two runners: the sandbox, and the one for workflows defined with
    sandboxed=False (the turn's, ADR 0016), which is the sandbox too when `sandbox_all`."""
    # Passing our pure modules through skips re-importing them per workflow run in the sandbox.
    restrictions = SandboxRestrictions.default.with_passthrough_modules("core", "activities")
    sandboxed = SandboxedWorkflowRunner(restrictions=restrictions)
    return {
        "workflow_runner": sandboxed,
        "unsandboxed_workflow_runner": sandboxed if sandbox_all else UnsandboxedWorkflowRunner(),
    }


def create_worker(
    client: Client,
    engines: Engines,
    *,
    task_queue: str,
    executor: ThreadPoolExecutor,
    after_commit: AfterCommit | None = None,
    before_write: AfterCommit | None = None,
    before_commit: AfterCommit | None = None,
    sandbox_all: bool = False,
) -> Worker:
    """`sandbox_all`: run the turn's workflows in the sandbox too (WORKFLOW_SANDBOX=all; the
    test suite does, so a call the sandbox forbids fails a test before it ships)."""
    safety = SafetyActivities(engines.safety, engines.sessions)
    intents = IntentActivities(engines.intents, engines.sessions)
    retrieval = RetrievalActivities(engines.retrieval, engines.sessions)
    ingest = IngestActivities(engines.retrieval, engines.sessions)
    escalation = EscalationActivities(engines.sessions)
    callbacks = CallbackActivities(engines.sessions)
    reminders = ReminderActivities(engines.sessions)
    rules = ToolPlanner(engines.sessions)
    tools = ToolActivities(
        rules,
        ToolExecutor(
            engines.sessions,
            after_commit=after_commit,
            before_write=before_write,
            before_commit=before_commit,
            knowledge=KnowledgeSearch(engines.retrieval, engines.sessions),
        ),
        model_planner=LlmToolPlanner(rules, ToolCalling(engines.gateway)),
    )
    understanding = UnderstandingActivities(safety, intents, follow=tools.follow_dialogue)
    llm = LlmActivities(engines.gateway, engines.safety)
    persist = PersistActivities(engines.sessions)
    actions = ActionActivities(tools.executor, engines.sessions)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[
            ConversationWorkflow,
            PipelineWorkflow,
            ClassifyWorkflow,
            KnowledgeIngestWorkflow,
            EscalationWorkflow,
            SafetyValidateWorkflow,
            RagRetrieveWorkflow,
            RagEmbedWorkflow,
            CallbackWorkflow,
            AppointmentReminderWorkflow,
            ActionWorkflow,
            LlmGenerateWorkflow,
            LlmRouteWorkflow,
            EngineDoorWorkflow,
            SpeechToTextWorkflow,
            TextToSpeechWorkflow,
            VoiceCallWorkflow,
        ],
        activities=[
            safety.screen_input,
            safety.screen_texts,
            safety.check_output,
            understanding.understand,
            intents.classify,
            retrieval.retrieve,
            retrieval.embed_texts,
            ingest.plan_article,
            ingest.upsert_chunks,
            ingest.finish,
            ingest.list_articles,
            escalation.record,
            escalation.notify,
            escalation.close,
            callbacks.record,
            callbacks.save,
            callbacks.fire,
            reminders.send,
            tools.plan_tools,
            tools.execute_tool,
            tools.extract_slots,
            tools.follow_dialogue,
            actions.run_action,
            actions.record_failure,
            llm.generate,
            llm.route,
            persist.persist_turn,
        ],
        activity_executor=executor,
        **workflow_runners(sandbox_all),
    )


async def main(
    *, after_commit: AfterCommit | None = None, before_commit: AfterCommit | None = None
) -> None:
    """`after_commit`: runs inside a side-effecting activity once its write committed (the
    fault bench holds the activity there to kill the worker in the worst place);
    `before_commit`: inside its transaction before the commit (where the bench cuts the
    database connection). WORKER_ROLE picks the queues: pipeline, voice, or both."""
    settings = get_settings()
    setup_logging("worker", settings.log_level, json_output=settings.log_json)
    client = await connect(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    role = settings.worker_role
    with ThreadPoolExecutor(max_workers=8) as executor:
        async with contextlib.AsyncExitStack() as stack:
            if role in ("all", "voice"):
                # Imported here: a pipeline-only worker never loads whisper.
                from activities.voice.worker import (
                    VOICE_SLOTS,
                    build_voice,
                    create_voice_worker,
                    sweep_blobs,
                )

                voice = await asyncio.to_thread(build_voice, settings)
                voice_pool = stack.enter_context(ThreadPoolExecutor(VOICE_SLOTS))
                await stack.enter_async_context(
                    create_voice_worker(client, settings, voice, voice_pool)
                )
                sweeper = asyncio.create_task(sweep_blobs(voice.blobs))
                stack.callback(sweeper.cancel)
                log.info("worker ready", extra={"task_queue": settings.voice_task_queue})
            engines = None
            if role in ("all", "pipeline"):
                engines = await build_engines(settings)
                # Everything a turn loads lazily is loaded before the first poll, so the first
                # patient after a restart waits no longer than the next one: each clinic's
                # sentence vectors and the date reader's language tables.
                halt = threading.Event()
                began = time.perf_counter()
                await asyncio.to_thread(warm_models, engines, halt)
                log.info("models warm", extra={"seconds": round(time.perf_counter() - began, 2)})
                worker = create_worker(
                    client,
                    engines,
                    task_queue=settings.temporal_task_queue,
                    executor=executor,
                    after_commit=after_commit,
                    before_commit=before_commit,
                    sandbox_all=settings.workflow_sandbox == "all",
                )
                await stack.enter_async_context(worker)
                log.info("worker ready", extra={"task_queue": settings.temporal_task_queue})
                await bootstrap_knowledge(client, engines, settings)
            await stop.wait()
        if engines is not None:
            await engines.close()


if __name__ == "__main__":
    asyncio.run(main())
