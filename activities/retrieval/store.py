"""The vector side in Qdrant: one collection per tenant, deterministic point ids."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Protocol

import numpy as np
from numpy.typing import NDArray
from qdrant_client import QdrantClient, models

from core.knowledge import ChunkRecord

from .chunking import Chunk
from .index import StoredChunk

# One collection per tenant: isolation by construction, and local mode need not filter
# every point in Python (that filter cost ~100 ms per query at 5k chunks). "v2": dot
# product over unit vectors; collections of the earlier cosine layout are left alone and
# the bootstrap re-index fills these.
COLLECTION_PREFIX = "kb_v2_tenant_"
DIM = 384


def collection_for(tenant_id: int) -> str:
    return f"{COLLECTION_PREFIX}{tenant_id}"


class TextEmbedder(Protocol):
    def embed(self, texts: list[str]) -> NDArray[np.float32]: ...


class VectorStore:
    """Local mode on disk by default, a Qdrant server when a URL is given: the same
    qdrant-client calls either way. Local mode is single-process (it locks its directory),
    which is why only the worker opens it."""

    def __init__(
        self, *, path: Path | None = None, url: str | None = None, api_key: str | None = None
    ) -> None:
        self.server = bool(url)
        if url:
            self.client = QdrantClient(url=url, api_key=api_key)
        elif path is not None:
            path.mkdir(parents=True, exist_ok=True)
            self.client = QdrantClient(path=str(path))
        else:
            self.client = QdrantClient(location=":memory:")

    @staticmethod
    def point_id(tenant_id: int, article_id: int, index: int) -> str:
        # Deterministic: a retried or repeated upsert overwrites the same point, never adds one.
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"aurixa:{tenant_id}:{article_id}:{index}"))

    def _ensure(self, tenant_id: int) -> str:
        name = collection_for(tenant_id)
        if not self.client.collection_exists(name):
            self.client.create_collection(
                # The embedder returns unit vectors, so the dot product is the cosine; local
                # mode's cosine re-normalises every stored vector on each query (~3 ms at 5k).
                name,
                vectors_config=models.VectorParams(size=DIM, distance=models.Distance.DOT),
            )
            if self.server:
                # Local mode scans anyway; a server needs the index for per-article filters.
                self.client.create_payload_index(
                    name, "article_id", field_schema=models.PayloadSchemaType.INTEGER
                )
        return name

    def _scroll(
        self, tenant_id: int, *, flt: models.Filter | None, payload: list[str] | bool, vectors: bool
    ) -> list[models.Record]:
        name = collection_for(tenant_id)
        if not self.client.collection_exists(name):
            return []
        out: list[models.Record] = []
        offset = None
        while True:
            points, offset = self.client.scroll(
                name,
                scroll_filter=flt,
                limit=1024,
                offset=offset,
                with_payload=payload,
                with_vectors=vectors,
            )
            out.extend(points)
            if offset is None:
                return out

    def article_hashes(self, tenant_id: int, article_id: int) -> dict[str, str]:
        """Point id -> content hash of the chunks stored for one article."""
        flt = models.Filter(
            must=[
                models.FieldCondition(key="article_id", match=models.MatchValue(value=article_id))
            ]
        )
        points = self._scroll(tenant_id, flt=flt, payload=["content_hash"], vectors=False)
        return {str(p.id): str((p.payload or {}).get("content_hash", "")) for p in points}

    def tenant_hashes(self, tenant_id: int) -> dict[int, dict[str, str]]:
        """Article id -> point id -> content hash for a whole tenant, in one pass."""
        out: dict[int, dict[str, str]] = {}
        for p in self._scroll(
            tenant_id, flt=None, payload=["article_id", "content_hash"], vectors=False
        ):
            d = p.payload or {}
            out.setdefault(int(d["article_id"]), {})[str(p.id)] = str(d.get("content_hash", ""))
        return out

    def article_ids(self, tenant_id: int) -> set[int]:
        points = self._scroll(tenant_id, flt=None, payload=["article_id"], vectors=False)
        return {int((p.payload or {})["article_id"]) for p in points}

    def upsert(
        self, tenant_id: int, records: list[ChunkRecord], vectors: NDArray[np.float32]
    ) -> None:
        if not records:
            return
        name = self._ensure(tenant_id)
        points = [
            models.PointStruct(
                id=r.point_id,
                vector=vec.tolist(),
                payload={
                    "tenant_id": tenant_id,
                    "article_id": r.article_id,
                    "title": r.title,
                    "heading": r.heading,
                    "chunk_index": r.index,
                    "start": r.start,
                    "end": r.end,
                    "text": r.text,
                    "content_hash": r.content_hash,
                },
            )
            for r, vec in zip(records, vectors, strict=True)
        ]
        self.client.upsert(name, points, wait=True)

    def delete(self, tenant_id: int, point_ids: list[str]) -> None:
        name = collection_for(tenant_id)
        if point_ids and self.client.collection_exists(name):
            self.client.delete(name, models.PointIdsList(points=list(point_ids)), wait=True)

    def load(self, tenant_id: int) -> list[StoredChunk]:
        stored = []
        for p in self._scroll(tenant_id, flt=None, payload=True, vectors=True):
            d = p.payload or {}
            chunk = Chunk(
                int(d["article_id"]),
                str(d["title"]),
                int(d["chunk_index"]),
                str(d["text"]),
                str(d.get("heading", "")),
                int(d.get("start", 0)),
                int(d.get("end", 0)),
            )
            vector = np.asarray(p.vector, dtype=np.float32)
            stored.append(StoredChunk(str(p.id), chunk, vector))
        return stored

    def query(self, tenant_id: int, vector: NDArray[np.float32], k: int) -> list[tuple[str, float]]:
        """(point id, cosine) best first. No payload: the in-memory index has the text, and
        copying 300 payloads per query was most of local mode's query time."""
        name = collection_for(tenant_id)
        if not self.client.collection_exists(name):
            return []
        hits = self.client.query_points(
            name, query=vector.tolist(), limit=k, with_payload=False
        ).points
        return [(str(h.id), float(h.score)) for h in hits]

    def count(self, tenant_id: int) -> int:
        name = collection_for(tenant_id)
        if not self.client.collection_exists(name):
            return 0
        return int(self.client.count(name).count)

    def close(self) -> None:
        self.client.close()
