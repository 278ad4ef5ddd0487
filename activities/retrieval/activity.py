"""Temporal activities for knowledge retrieval and for embedding texts on request."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from core.knowledge import EmbedRequest, EmbedResult
from core.retrieval_payloads import RetrieveInput, RetrieveOutput

from .store import DIM
from .versions import current_version, indexing

if TYPE_CHECKING:
    from .engine import RetrievalEngine

EMBEDDING_MODEL = "all-MiniLM-L6-v2"


class RetrievalActivities:
    def __init__(self, engine: RetrievalEngine, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.engine = engine
        self.sessions = sessions

    @activity.defn(name="retrieve")
    async def retrieve(self, inp: RetrieveInput) -> RetrieveOutput:
        # One indexed read per query tells this worker whether another worker has ingested
        # since it built its BM25; if so it rebuilds from the store before searching.
        version = await current_version(self.sessions, inp.tenant_id)
        found = await asyncio.to_thread(
            self.engine.search,
            inp.tenant_id,
            inp.query,
            inp.top_k,
            version=version,
            mode=inp.mode,
            rerank=inp.rerank,
            context_tokens=inp.context_tokens,
            language=inp.language,
        )
        if not found.covered:
            # Only worth a query when there is no answer: "not yet" is then the honest reply.
            found.indexing = await indexing(self.sessions, inp.tenant_id)
        return found

    @activity.defn(name="embed_texts")
    async def embed_texts(self, inp: EmbedRequest) -> EmbedResult:
        vectors = await asyncio.to_thread(self.engine.embedder.embed, inp.texts)
        return EmbedResult([[round(float(x), 6) for x in v] for v in vectors], EMBEDDING_MODEL, DIM)
