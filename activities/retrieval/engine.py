"""Retrieval engine: per-tenant BM25 and Qdrant vectors, fused by rank (RRF) or by score."""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
from qdrant_client import QdrantClient, models
from rank_bm25 import BM25Okapi

from core.payloads import Passage, RetrieveOutput

from .fusion import MODES, Ranked, Scored, fuse
from .text import Chunk, chunk_article, tokenize

# One collection per tenant: isolation by construction, and local mode need not filter
# every point in Python (that filter cost ~100 ms per query at 5k chunks).
COLLECTION_PREFIX = "kb_tenant_"


def collection_for(tenant_id: int) -> str:
    return f"{COLLECTION_PREFIX}{tenant_id}"


class TextEmbedder(Protocol):
    def embed(self, texts: list[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class ArticleDoc:
    tenant_id: int
    article_id: int
    title: str
    content: str


class _TenantBm25:
    def __init__(self, chunks: list[Chunk]) -> None:
        self.chunks = chunks
        self.index = BM25Okapi([tokenize(c.text) for c in chunks]) if chunks else None

    def search(self, query: str, k: int) -> Scored:
        tokens = tokenize(query)
        if self.index is None or not tokens:
            return []
        scores = self.index.get_scores(tokens)
        order = np.argsort(-scores)[:k]
        return [(self.chunks[i], float(scores[i])) for i in order if scores[i] > 0]


def _point_id(tenant_id: int, article_id: int, index: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"aurixa:{tenant_id}:{article_id}:{index}"))


class RetrievalEngine:
    """Qdrant holds vectors (local mode on disk, or a server); BM25 is rebuilt in memory."""

    def __init__(
        self,
        embedder: TextEmbedder,
        *,
        qdrant_path: Path | None = None,
        qdrant_url: str | None = None,
        qdrant_api_key: str | None = None,
        rrf_k: int = 60,
        fusion_alpha: float = 0.5,
        min_dense_score: float = 0.32,
    ) -> None:
        self.embedder = embedder
        self.rrf_k = rrf_k
        self.fusion_alpha = fusion_alpha
        self.min_dense_score = min_dense_score
        if qdrant_url:
            self.qdrant = QdrantClient(url=qdrant_url, api_key=qdrant_api_key)
        elif qdrant_path is not None:
            qdrant_path.mkdir(parents=True, exist_ok=True)
            self.qdrant = QdrantClient(path=str(qdrant_path))
        else:
            self.qdrant = QdrantClient(location=":memory:")
        self._bm25: dict[int, _TenantBm25] = {}
        self._lock = threading.Lock()

    def _ensure_collection(self, name: str) -> None:
        if not self.qdrant.collection_exists(name):
            self.qdrant.create_collection(
                name,
                vectors_config=models.VectorParams(size=384, distance=models.Distance.COSINE),
            )

    def _existing(self, name: str) -> dict[str, str]:
        """Point id -> content hash of everything stored in one tenant's collection."""
        existing: dict[str, str] = {}
        offset = None
        while True:
            points, offset = self.qdrant.scroll(
                name, limit=512, offset=offset, with_payload=["content_hash"]
            )
            for p in points:
                existing[str(p.id)] = str((p.payload or {}).get("content_hash", ""))
            if offset is None:
                return existing

    def sync(self, articles: list[ArticleDoc]) -> int:
        """Make both indexes match `articles`; embeds only articles whose text changed."""
        with self._lock:
            by_tenant: dict[int, list[ArticleDoc]] = defaultdict(list)
            for art in articles:
                by_tenant[art.tenant_id].append(art)
            known = {
                c.name
                for c in self.qdrant.get_collections().collections
                if c.name.startswith(COLLECTION_PREFIX)
            }
            embedded = 0
            bm25: dict[int, _TenantBm25] = {}
            for tenant_id, docs in by_tenant.items():
                chunks, count = self._sync_tenant(tenant_id, docs)
                bm25[tenant_id] = _TenantBm25(chunks)
                embedded += count
            for name in known - {collection_for(t) for t in by_tenant}:
                self.qdrant.delete_collection(name)  # a tenant with no articles left
            self._bm25 = bm25
            return embedded

    def _sync_tenant(self, tenant_id: int, docs: list[ArticleDoc]) -> tuple[list[Chunk], int]:
        name = collection_for(tenant_id)
        self._ensure_collection(name)
        existing = self._existing(name)
        chunks: list[Chunk] = []
        wanted: set[str] = set()
        to_embed: list[tuple[str, Chunk, str]] = []
        for art in docs:
            digest = hashlib.sha256(f"{art.title}\n{art.content}".encode()).hexdigest()
            for chunk in chunk_article(art.article_id, art.title, art.content):
                pid = _point_id(tenant_id, art.article_id, chunk.index)
                wanted.add(pid)
                chunks.append(chunk)
                if existing.get(pid) != digest:
                    to_embed.append((pid, chunk, digest))
        stale = [pid for pid in existing if pid not in wanted]
        if stale:
            self.qdrant.delete(name, models.PointIdsList(points=list(stale)))
        for start in range(0, len(to_embed), 64):
            batch = to_embed[start : start + 64]
            vectors = self.embedder.embed([c.text for _, c, _ in batch])
            self.qdrant.upsert(
                name,
                [
                    models.PointStruct(
                        id=pid,
                        vector=vec.tolist(),
                        payload={
                            "tenant_id": tenant_id,
                            "article_id": c.article_id,
                            "title": c.title,
                            "chunk_index": c.index,
                            "text": c.text,
                            "content_hash": digest,
                        },
                    )
                    for (pid, c, digest), vec in zip(batch, vectors, strict=True)
                ],
            )
        return chunks, len(to_embed)

    def _dense(self, tenant_id: int, query: str, k: int) -> Scored:
        name = collection_for(tenant_id)
        if tenant_id not in self._bm25 or not self.qdrant.collection_exists(name):
            return []
        vector = self.embedder.embed([query])[0].tolist()
        # The collection is the tenant boundary: no other tenant's vector is ever scored.
        hits = self.qdrant.query_points(name, query=vector, limit=k, with_payload=True).points
        out = []
        for h in hits:
            p = h.payload or {}
            chunk = Chunk(
                int(p["article_id"]), str(p["title"]), int(p["chunk_index"]), str(p["text"])
            )
            out.append((chunk, float(h.score)))
        return out

    def _candidates(
        self, tenant_id: int, query: str, depth: int, mode: str
    ) -> tuple[Scored, Scored]:
        """Dense and BM25 candidates, each up to `depth`; a single-retriever mode skips the
        other side, so "bm25" never pays for a query embedding."""
        if mode not in MODES:
            raise ValueError(f"unknown retrieval mode {mode!r}; expected one of {MODES}")
        dense = self._dense(tenant_id, query, depth) if mode != "bm25" else []
        bm25 = self._bm25.get(tenant_id) if mode != "dense" else None
        sparse = bm25.search(query, depth) if bm25 else []
        return dense, sparse

    def _fuse(self, mode: str, dense: Scored, sparse: Scored) -> Ranked:
        return fuse(mode, dense, sparse, rrf_k=self.rrf_k, alpha=self.fusion_alpha)

    def rank(self, tenant_id: int, query: str, depth: int, mode: str = "hybrid") -> Ranked:
        """Chunks best first as (chunk, score, retrievers). `depth` bounds each retriever's
        candidates, so the fused modes return their union (up to twice `depth`). Scores are
        raw BM25 or cosine for the single modes, the RRF sum for "hybrid", and the weighted
        min-max sum for "weighted"."""
        return self._fuse(mode, *self._candidates(tenant_id, query, depth, mode))

    def _covered(self, dense: Scored, sparse: Scored) -> bool:
        best_dense = dense[0][1] if dense else 0.0
        # A rare exact term ("Aetna") can matter more than overall meaning: a strong BM25 hit
        # that the dense side also ranks counts as relevant at a lower similarity.
        dense_keys = {(c.article_id, c.index) for c, _ in dense[:5]}
        lexical = bool(sparse) and (sparse[0][0].article_id, sparse[0][0].index) in dense_keys
        return best_dense >= self.min_dense_score or (
            lexical and best_dense >= self.min_dense_score * 0.6
        )

    def search(self, tenant_id: int, query: str, top_k: int = 4) -> RetrieveOutput:
        # rank(mode="hybrid") split open: the answerability check needs the raw dense scores,
        # and calling rank() as well would embed the query a second time.
        dense, sparse = self._candidates(tenant_id, query, max(top_k * 5, 20), "hybrid")
        if not self._covered(dense, sparse):
            return RetrieveOutput(passages=[], covered=False)
        passages = [
            Passage(
                article_id=chunk.article_id,
                title=chunk.title,
                text=chunk.text,
                score=round(score, 6),
                chunk_index=chunk.index,
                retrievers=found_by,
            )
            for chunk, score, found_by in self._fuse("hybrid", dense, sparse)[:top_k]
        ]
        return RetrieveOutput(passages=passages, covered=True)

    def close(self) -> None:
        self.qdrant.close()
