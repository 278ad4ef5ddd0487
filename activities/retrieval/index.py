"""One tenant's in-memory view of its Qdrant collection: chunks, BM25 and vectors."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .bm25 import Bm25Index
from .chunking import Chunk
from .text import guess_language, tokenize


@dataclass(frozen=True)
class StoredChunk:
    point_id: str
    chunk: Chunk
    vector: NDArray[np.float32]


class TenantIndex:
    """Rebuilt from the collection (the source of truth) whenever the tenant's index version
    moves, so BM25 always covers exactly the chunks that have vectors."""

    def __init__(self, stored: list[StoredChunk], version: int) -> None:
        # Corpus order is fixed by point id, so every worker builds the same index and BM25
        # ties break the same way everywhere.
        stored = sorted(stored, key=lambda s: (s.chunk.article_id, s.chunk.index, s.point_id))
        self.version = version
        self.chunks = [s.chunk for s in stored]
        self.position = {s.point_id: i for i, s in enumerate(stored)}
        self._by_key = {(c.article_id, c.index): i for i, c in enumerate(self.chunks)}
        self.vectors = (
            np.stack([s.vector for s in stored]).astype(np.float32)
            if stored
            else np.empty((0, 384), dtype=np.float32)
        )
        self.bm25 = Bm25Index([tokenize(c.text) for c in self.chunks]) if stored else None
        # Each article's language, from all its chunks: a short chunk alone says too little.
        texts: dict[int, list[str]] = {}
        for c in self.chunks:
            texts.setdefault(c.article_id, []).append(c.text)
        self.languages = {aid: guess_language(" ".join(parts)) for aid, parts in texts.items()}

    def __len__(self) -> int:
        return len(self.chunks)

    def position_of(self, chunk: Chunk) -> int:
        return self._by_key[(chunk.article_id, chunk.index)]

    def sparse(self, query: str, k: int) -> list[tuple[int, float]]:
        tokens = tokenize(query)
        if self.bm25 is None or not tokens:
            return []
        return self.bm25.top(tokens, k)

    def idf(self, term: str) -> float:
        """A term's idf; one the corpus never saw is as informative as the rarest."""
        if self.bm25 is None:
            return 0.0
        n = len(self.chunks)
        return float(self.bm25.idf.get(term, math.log(1 + (n + 0.5) / 0.5)))

    def memory_bytes(self) -> int:
        """The numpy arrays only: vectors plus postings (two 8-byte values per entry). The
        Python objects around them (chunk texts, term dicts) about double the total, which
        bench/eval_retrieval.py measures with tracemalloc."""
        postings = sum(len(f) for f in self.bm25.doc_freqs) if self.bm25 else 0
        return int(self.vectors.nbytes + postings * 16)
