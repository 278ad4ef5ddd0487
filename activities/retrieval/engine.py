"""Retrieval engine: per-tenant BM25 and Qdrant vectors, fused with reciprocal rank fusion."""

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

from .text import Chunk, chunk_article, tokenize

COLLECTION = "kb_chunks"


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

    def search(self, query: str, k: int) -> list[tuple[Chunk, float]]:
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
        min_dense_score: float = 0.32,
    ) -> None:
        self.embedder = embedder
        self.rrf_k = rrf_k
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
        self._ensure_collection(indexed=bool(qdrant_url))

    def _ensure_collection(self, *, indexed: bool) -> None:
        if not self.qdrant.collection_exists(COLLECTION):
            self.qdrant.create_collection(
                COLLECTION,
                vectors_config=models.VectorParams(size=384, distance=models.Distance.COSINE),
            )
        if indexed:
            # A server filters by tenant through this index; local mode scans regardless.
            self.qdrant.create_payload_index(
                COLLECTION, "tenant_id", models.PayloadSchemaType.INTEGER
            )

    def sync(self, articles: list[ArticleDoc]) -> int:
        """Make both indexes match `articles`; embeds only articles whose text changed."""
        with self._lock:
            existing: dict[str, str] = {}
            offset = None
            while True:
                points, offset = self.qdrant.scroll(
                    COLLECTION, limit=512, offset=offset, with_payload=["content_hash"]
                )
                for p in points:
                    existing[str(p.id)] = str((p.payload or {}).get("content_hash", ""))
                if offset is None:
                    break
            by_tenant: dict[int, list[Chunk]] = defaultdict(list)
            wanted: set[str] = set()
            to_embed: list[tuple[str, int, Chunk, str]] = []
            for art in articles:
                digest = hashlib.sha256(f"{art.title}\n{art.content}".encode()).hexdigest()
                for chunk in chunk_article(art.article_id, art.title, art.content):
                    pid = _point_id(art.tenant_id, art.article_id, chunk.index)
                    wanted.add(pid)
                    by_tenant[art.tenant_id].append(chunk)
                    if existing.get(pid) != digest:
                        to_embed.append((pid, art.tenant_id, chunk, digest))
            stale = [pid for pid in existing if pid not in wanted]
            if stale:
                self.qdrant.delete(COLLECTION, models.PointIdsList(points=list(stale)))
            for start in range(0, len(to_embed), 64):
                batch = to_embed[start : start + 64]
                vectors = self.embedder.embed([c.text for _, _, c, _ in batch])
                self.qdrant.upsert(
                    COLLECTION,
                    [
                        models.PointStruct(
                            id=pid,
                            vector=vec.tolist(),
                            payload={
                                "tenant_id": tenant,
                                "article_id": c.article_id,
                                "title": c.title,
                                "chunk_index": c.index,
                                "text": c.text,
                                "content_hash": digest,
                            },
                        )
                        for (pid, tenant, c, digest), vec in zip(batch, vectors, strict=True)
                    ],
                )
            self._bm25 = {t: _TenantBm25(chunks) for t, chunks in by_tenant.items()}
            return len(to_embed)

    def _dense(self, tenant_id: int, query: str, k: int) -> list[tuple[Chunk, float]]:
        vector = self.embedder.embed([query])[0].tolist()
        hits = self.qdrant.query_points(
            COLLECTION,
            query=vector,
            limit=k,
            query_filter=models.Filter(
                must=[
                    models.FieldCondition(key="tenant_id", match=models.MatchValue(value=tenant_id))
                ]
            ),
            with_payload=True,
        ).points
        out = []
        for h in hits:
            p = h.payload or {}
            chunk = Chunk(
                int(p["article_id"]), str(p["title"]), int(p["chunk_index"]), str(p["text"])
            )
            out.append((chunk, float(h.score)))
        return out

    def search(self, tenant_id: int, query: str, top_k: int = 4) -> RetrieveOutput:
        depth = max(top_k * 5, 20)
        dense = self._dense(tenant_id, query, depth)
        bm25 = self._bm25.get(tenant_id)
        sparse = bm25.search(query, depth) if bm25 else []
        fused: dict[tuple[int, int], float] = defaultdict(float)
        found_by: dict[tuple[int, int], list[str]] = defaultdict(list)
        chunks: dict[tuple[int, int], Chunk] = {}
        for name, ranked in (("dense", dense), ("bm25", sparse)):
            for rank, (chunk, _score) in enumerate(ranked):
                key = (chunk.article_id, chunk.index)
                fused[key] += 1.0 / (self.rrf_k + rank + 1)
                found_by[key].append(name)
                chunks[key] = chunk
        best_dense = dense[0][1] if dense else 0.0
        # A rare exact term ("Aetna") can matter more than overall meaning: a strong BM25 hit
        # that the dense side also ranks counts as relevant at a lower similarity.
        dense_keys = {(c.article_id, c.index) for c, _ in dense[:5]}
        lexical = bool(sparse) and (sparse[0][0].article_id, sparse[0][0].index) in dense_keys
        covered = best_dense >= self.min_dense_score or (
            lexical and best_dense >= self.min_dense_score * 0.6
        )
        order = sorted(fused, key=lambda key: -fused[key])[:top_k]
        passages = [
            Passage(
                article_id=chunks[key].article_id,
                title=chunks[key].title,
                text=chunks[key].text,
                score=round(fused[key], 6),
                chunk_index=chunks[key].index,
                retrievers=found_by[key],
            )
            for key in order
        ]
        return RetrieveOutput(passages=passages if covered else [], covered=covered)

    def close(self) -> None:
        self.qdrant.close()
