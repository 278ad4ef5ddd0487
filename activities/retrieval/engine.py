"""Retrieval engine: per-tenant Qdrant collections and BM25, fused, reranked, compressed."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from core.knowledge import ChunkPlan, ChunkRecord
from core.retrieval_payloads import AnswerPart, Passage, RetrieveOutput

from .answer import FILLER, AnswerSelector
from .asks import CUE_TERMS, DAY_TERMS, Ask, analyse, expand_shorthand, split_question
from .chunking import Chunk, SpanFn, chunk_article
from .compress import select
from .fusion import MODES, Ranked, Scored, fuse
from .index import TenantIndex
from .rerank import RERANKERS, keyword_boost, mmr
from .store import TextEmbedder, VectorStore
from .text import guess_language, tokenize
from .unit_index import UnitIndex, VectorCache

# Share of a query's idf mass the best BM25 chunk must contain to count as an answer.
LEXICAL_SHARE = 0.6


@dataclass(frozen=True)
class RetrievalConfig:
    rrf_k: int = 60
    fusion: str = "hybrid"  # or "weighted"
    fusion_alpha: float = 0.5  # dense weight in "weighted"
    min_dense_score: float = 0.32
    # Chosen on NFCorpus dev: MMR cost 0.002 nDCG@10 there; the boost is neutral on NFCorpus
    # (its titles are ids) and puts "Opening Hours" above articles merely mentioning hours.
    rerank: str = "keyword"
    keyword_boost: float = 0.3
    mmr_lambda: float = 0.7
    context_tokens: int = 400
    # Chunks whose sentences compete to answer each question part.
    answer_chunks: int = 6
    # Chunks added from the multilingual unit vectors (how Spanish reaches English).
    answer_nearest: int = 3
    # Parts a message is split into at most; the rest stays with the last part.
    max_parts: int = 3


@dataclass(frozen=True)
class ArticleDoc:
    tenant_id: int
    article_id: int
    title: str
    content: str


def chunk_hash(chunk: Chunk) -> str:
    # Offsets are part of what a passage cites, so a shift re-stores the chunk.
    raw = f"{chunk.title}\n{chunk.heading}\n{chunk.start}:{chunk.end}\n{chunk.text}"
    return hashlib.sha256(raw.encode()).hexdigest()


class RetrievalEngine:
    """Ingestion primitives (plan, upsert, delete, publish) and search. Qdrant is the source
    of truth; each tenant's TenantIndex is rebuilt from it when the tenant's version moves."""

    def __init__(
        self,
        embedder: TextEmbedder,
        spans: SpanFn,
        store: VectorStore,
        config: RetrievalConfig,
        *,
        multilingual: TextEmbedder | None = None,
        answers: AnswerSelector | None = None,
    ) -> None:
        if config.fusion not in ("hybrid", "weighted"):
            raise ValueError(f"fusion must be 'hybrid' or 'weighted', not {config.fusion!r}")
        if config.rerank not in RERANKERS:
            raise ValueError(f"rerank must be one of {RERANKERS}, not {config.rerank!r}")
        self.embedder = embedder
        self.spans = spans
        self.store = store
        self.config = config
        self._indexes: dict[int, TenantIndex] = {}
        self._units: dict[int, UnitIndex] = {}
        # Sentence-level answers need the multilingual encoder; without it (NFCorpus runs,
        # tests of fusion alone) search keeps the chunk-level coverage rule.
        self.multilingual = multilingual
        self.answers = answers if answers is not None else AnswerSelector()
        self._unit_use = VectorCache(multilingual.embed) if multilingual is not None else None
        self._unit_en = VectorCache(embedder.embed)
        self._locks: dict[int, threading.Lock] = {}
        self._guard = threading.Lock()

    # ---- ingestion ------------------------------------------------------------------

    def plan(
        self,
        tenant_id: int,
        article_id: int,
        doc: ArticleDoc | None,
        existing: dict[str, str] | None = None,
    ) -> ChunkPlan:
        """What it takes to make the index hold `doc` (None: hold nothing of the article).
        `existing` (point id -> hash) saves the store lookup when the caller has it."""
        existing = dict(
            self.store.article_hashes(tenant_id, article_id) if existing is None else existing
        )
        if doc is None:
            return ChunkPlan(article_id, exists=False, stale_ids=sorted(existing))
        chunks = chunk_article(article_id, doc.title, doc.content, self.spans)
        records = []
        for chunk in chunks:
            pid = self.store.point_id(tenant_id, article_id, chunk.index)
            digest = chunk_hash(chunk)
            if existing.pop(pid, None) != digest:
                records.append(
                    ChunkRecord(
                        pid,
                        article_id,
                        chunk.title,
                        chunk.index,
                        chunk.text,
                        chunk.heading,
                        chunk.start,
                        chunk.end,
                        digest,
                    )
                )
        # Whatever is left in `existing` belongs to chunk indexes the article no longer has.
        return ChunkPlan(
            article_id,
            exists=True,
            chunks=len(chunks),
            to_upsert=records,
            stale_ids=sorted(existing),
        )

    def upsert(self, tenant_id: int, records: list[ChunkRecord]) -> int:
        vectors = self.embedder.embed([r.text for r in records])
        self.store.upsert(tenant_id, records, vectors)
        return len(records)

    def delete(self, tenant_id: int, point_ids: list[str]) -> int:
        self.store.delete(tenant_id, point_ids)
        return len(point_ids)

    def refresh(self, tenant_id: int, version: int) -> TenantIndex:
        """Rebuilds the tenant's in-memory index from the store."""
        with self._tenant_lock(tenant_id):
            current = self._indexes.get(tenant_id)
            if current is not None and current.version == version:
                return current
            index = TenantIndex(self.store.load(tenant_id), version)
            vocabulary = index.bm25.idf.keys() if index.bm25 is not None else ()
            embed_en = self._unit_en if self._unit_use is not None else None
            self._units[tenant_id] = UnitIndex(index.chunks, self._unit_use, vocabulary, embed_en)
            self._indexes[tenant_id] = index
            return index

    def index_articles(self, docs: list[ArticleDoc], *, version: int = 0) -> int:
        """In-process ingestion of whole articles (bench, tests, CLI dry runs): the same plan,
        upsert and delete steps the ingestion workflow runs as activities. Returns the number
        of chunks embedded."""
        embedded = 0
        tenants = sorted({d.tenant_id for d in docs})
        # One scan per tenant: local mode filters in Python, so a lookup per article would
        # make a bulk load quadratic.
        stored = {t: self.store.tenant_hashes(t) for t in tenants}
        for doc in docs:
            existing = stored[doc.tenant_id].get(doc.article_id, {})
            plan = self.plan(doc.tenant_id, doc.article_id, doc, existing)
            for start in range(0, len(plan.to_upsert), 64):
                embedded += self.upsert(doc.tenant_id, plan.to_upsert[start : start + 64])
            self.delete(doc.tenant_id, plan.stale_ids)
        for tenant_id in tenants:
            self._indexes.pop(tenant_id, None)
            self.refresh(tenant_id, version)
        return embedded

    def warm_answers(self, stop: threading.Event | None = None) -> int:
        """Embeds every small tenant's answer units now rather than on its first question;
        returns how many tenants it warmed. `stop` ends it between tenants (shutdown)."""
        warmed = 0
        for units in list(self._units.values()):
            if stop is not None and stop.is_set():
                break
            if units.small and not units.complete:
                units.build_all()
                warmed += 1
        return warmed

    def _tenant_lock(self, tenant_id: int) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(tenant_id, threading.Lock())

    def _index(self, tenant_id: int, version: int | None) -> TenantIndex:
        current = self._indexes.get(tenant_id)
        if current is not None and (version is None or current.version == version):
            return current
        return self.refresh(tenant_id, version if version is not None else 0)

    # ---- search ---------------------------------------------------------------------

    def _candidates(
        self,
        index: TenantIndex,
        tenant_id: int,
        query: str,
        depth: int,
        mode: str,
        vector: np.ndarray | None = None,
    ) -> tuple[Scored, Scored, np.ndarray | None]:
        """Dense and BM25 candidates, each up to `depth`; a single-retriever mode skips the
        other side, so "bm25" never pays for a query embedding. `vector`: the query's
        embedding when the caller already has it (a question's parts are embedded at once)."""
        if mode not in MODES:
            raise ValueError(f"unknown retrieval mode {mode!r}; expected one of {MODES}")
        dense: Scored = []
        if mode == "bm25" or not len(index):
            vector = None
        elif vector is None:
            vector = self.embedder.embed([query])[0]
        if vector is not None:
            # The collection is the tenant boundary: no other tenant's vector is ever scored.
            for pid, score in self.store.query(tenant_id, vector, depth):
                pos = index.position.get(pid)
                if pos is not None:  # stored after this index was built: next version has it
                    dense.append((index.chunks[pos], score))
        sparse: Scored = []
        if mode != "dense":
            sparse = [(index.chunks[i], s) for i, s in index.sparse(query, depth)]
        return dense, sparse, vector

    def rank(
        self,
        tenant_id: int,
        query: str,
        depth: int,
        mode: str = "hybrid",
        *,
        version: int | None = None,
    ) -> Ranked:
        """Chunks best first as (chunk, score, retrievers), no reranking. `depth` bounds each
        retriever's candidates, so the fused modes return their union (up to 2 x depth)."""
        index = self._index(tenant_id, version)
        dense, sparse, _ = self._candidates(index, tenant_id, query, depth, mode)
        return fuse(mode, dense, sparse, rrf_k=self.config.rrf_k, alpha=self.config.fusion_alpha)

    def covered(self, index: TenantIndex, query: str, dense: Scored, sparse: Scored) -> bool:
        """Answerability: is any passage relevant enough to answer from? Either the meaning
        matches (dense cosine over the threshold), or the best BM25 chunk holds most of the
        query's information by idf. MiniLM barely knows names like "Aetna", and the chunk
        that lists them is often far down the dense ranking; the words themselves are not."""
        threshold = self.config.min_dense_score
        best_dense = dense[0][1] if dense else 0.0
        if best_dense >= threshold:
            return True
        if not sparse or index.bm25 is None or best_dense < threshold * 0.5:
            return False
        terms = set(tokenize(query))
        top = index.bm25.doc_freqs[index.position_of(sparse[0][0])]
        weights = {t: index.idf(t) for t in terms}
        total = sum(weights.values())
        found = sum(w for t, w in weights.items() if t in top)
        return total > 0 and found / total >= LEXICAL_SHARE

    def rerank(self, index: TenantIndex, query: str, fused: Ranked, top_k: int, how: str) -> Ranked:
        found_by = {(c.article_id, c.index): by for c, _, by in fused}
        pairs = [(c, s) for c, s, _ in fused]
        if how in ("keyword", "keyword+mmr"):
            pairs = keyword_boost(set(tokenize(query)), pairs, self.config.keyword_boost)
        if how in ("mmr", "keyword+mmr") and len(pairs) > top_k:
            pool = pairs[: max(top_k * 4, 20)]
            rows = [index.position_of(c) for c, _ in pool]
            picks = mmr([s for _, s in pool], index.vectors[rows], top_k, self.config.mmr_lambda)
            pairs = [pool[i] for i in picks]
        return [(c, s, found_by[(c.article_id, c.index)]) for c, s in pairs]

    def search(
        self,
        tenant_id: int,
        query: str,
        top_k: int = 4,
        *,
        version: int | None = None,
        mode: str | None = None,
        rerank: str | None = None,
        context_tokens: int | None = None,
        language: str | None = None,
    ) -> RetrieveOutput:
        """What a turn or /rag/retrieve gets: top passages with sources and excerpts, the
        sentences that answer each question part, or covered=False when nothing answers.
        `language`: the patient's; an article in it goes first when it is nearly as
        relevant as the best."""
        mode = mode or self.config.fusion
        how = rerank or self.config.rerank
        index = self._index(tenant_id, version)
        units = self._units.get(tenant_id)
        if self.multilingual is None or units is None or not len(index):
            return self._search_chunks(
                index, tenant_id, query, top_k, mode, how, context_tokens, language
            )
        units.build_all()  # normally done by the worker's warm-up; once, if not yet
        texts = split_question(expand_shorthand(query))
        if len(texts) > self.config.max_parts:
            texts = [
                *texts[: self.config.max_parts - 1],
                " ".join(texts[self.config.max_parts - 1 :]),
            ]
        asks = carry_names(texts, units.names)
        vectors = self.multilingual.embed([a.full for a in asks])
        # One encoder call for every part: per-part calls cost a model run each.
        english = self.embedder.embed([a.full for a in asks])
        lang = language or guess_language(query)
        parts: list[AnswerPart] = []
        merged: Ranked = []
        for ask, vector, own in zip(asks, vectors, english, strict=True):
            dense, sparse, query_en = self._candidates(
                index, tenant_id, ask.full, max(top_k * 5, 20), "hybrid", own
            )
            fused = fuse(
                mode, dense, sparse, rrf_k=self.config.rrf_k, alpha=self.config.fusion_alpha
            )
            depth = self.config.answer_chunks
            ranked = self.rerank(index, ask.full, fused, depth, how)[:depth]
            positions = [index.position_of(c) for c, _, _ in ranked]
            for extra in units.nearest_chunks(vector, self.config.answer_nearest):
                if extra not in positions:
                    positions.append(extra)
                    # A caller who asked for one retriever's passages gets only those.
                    if mode in ("hybrid", "weighted"):
                        ranked.append((index.chunks[extra], 0.0, ["multilingual"]))
            parts.append(
                self.answers.select(
                    units, index.idf, ask, positions, vector, query_en, foreign=lang != "en"
                )
            )
            seen = {(c.article_id, c.index) for c, _, _ in merged}
            merged += [r for r in ranked if (r[0].article_id, r[0].index) not in seen]
        if not any(p.covered for p in parts):
            return RetrieveOutput(passages=[], covered=False, parts=parts)
        # The chunks the chosen sentences came from go first: they are what answers.
        used = [(e.article_id, e.text) for p in parts for e in p.evidence]

        def holds(chunk: Chunk) -> bool:
            return any(a == chunk.article_id and t in chunk.text for a, t in used)

        ranked = [r for r in merged if holds(r[0])] + [r for r in merged if not holds(r[0])]
        if language:
            ranked = prefer_language(ranked, index.languages, language)
        return RetrieveOutput(
            passages=self._passages(index, query, ranked[:top_k], context_tokens),
            covered=True,
            parts=parts,
        )

    def _search_chunks(
        self,
        index: TenantIndex,
        tenant_id: int,
        query: str,
        top_k: int,
        mode: str,
        how: str,
        context_tokens: int | None,
        language: str | None,
    ) -> RetrieveOutput:
        """Chunk-level search and coverage, for an engine without the multilingual encoder."""
        # Answerability needs the raw dense scores, so the hybrid candidates are always drawn.
        dense, sparse, _ = self._candidates(index, tenant_id, query, max(top_k * 5, 20), "hybrid")
        if not self.covered(index, query, dense, sparse):
            return RetrieveOutput(passages=[], covered=False)
        fused = fuse(mode, dense, sparse, rrf_k=self.config.rrf_k, alpha=self.config.fusion_alpha)
        ranked = self.rerank(index, query, fused, top_k, how)
        if language:
            ranked = prefer_language(ranked, index.languages, language)
        return RetrieveOutput(
            passages=self._passages(index, query, ranked[:top_k], context_tokens), covered=True
        )

    def _passages(
        self, index: TenantIndex, query: str, ranked: Ranked, context_tokens: int | None
    ) -> list[Passage]:
        texts = [c.text for c, _, _ in ranked]
        budget = context_tokens if context_tokens is not None else self.config.context_tokens
        keep = select(query, texts, budget, self._count, self._idf(index))
        return [
            Passage(
                article_id=chunk.article_id,
                title=chunk.title,
                text=chunk.text,
                score=round(score, 6),
                chunk_index=chunk.index,
                retrievers=found_by,
                heading=chunk.heading,
                start=chunk.start,
                end=chunk.end,
                excerpt=" ".join(chunk.text[s:e] for s, e in spans),
            )
            for (chunk, score, found_by), spans in zip(ranked, keep, strict=True)
        ]

    def _count(self, text: str) -> int:
        return len(self.spans(text))

    @staticmethod
    def _idf(index: TenantIndex) -> Callable[[str], float]:
        return index.idf

    def close(self) -> None:
        self.store.close()


# A passage in the patient's language goes first when its score is at least this share of
# the best one: the clinic's Spanish article on hours answers a Spanish question about hours,
# but an unrelated Spanish article never outranks the English answer.
LANGUAGE_SHARE = 0.5


def prefer_language(ranked: Ranked, languages: dict[int, str], language: str) -> Ranked:
    if not ranked:
        return ranked
    best = ranked[0][1]
    first = [
        r
        for r in ranked
        if languages.get(r[0].article_id) == language and r[1] >= best * LANGUAGE_SHARE
    ]
    return first + [r for r in ranked if r not in first]


def carry_names(texts: list[str], names: Mapping[str, object]) -> list[Ask]:
    """Each part analysed; a part that names no site gets the names of the part before it,
    so "..., and where do I park there?" is about the site the first part named. A part with
    no subject of its own ("and what's the price?", "how long do I wait after?") gets the
    subject of the part before it too."""
    asks: list[Ask] = []
    carried = ""
    subject = ""
    for text in texts:
        own = " ".join(w for w in text.split() if set(tokenize(w)) & names.keys())
        context = "" if own else carried
        if asks and len(subject_words(text)) < 2:
            context = " ".join(dict.fromkeys(f"{context} {subject}".split()))
        asks.append(analyse(text, context))
        carried = own or carried
        subject = " ".join(subject_words(text)) or subject
    return asks


def subject_words(text: str) -> list[str]:
    """The words of a question that say what it is about: not fillers, not the kind of fact
    asked for, not days or numbers."""
    return [
        w
        for w in text.split()
        if (terms := tokenize(w))
        and not any(t in FILLER or t in CUE_TERMS or t in DAY_TERMS or t.isdigit() for t in terms)
    ]
