"""The retrieval engine: chunking, BM25 equivalence, fusion, reranking, compression, tenants."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from activities.embedding import Embedder
from activities.retrieval.bm25 import Bm25Index, LuceneIdf
from activities.retrieval.chunking import MAX_TOKENS, SpanFn, chunk_article, token_spans_from
from activities.retrieval.compress import select
from activities.retrieval.engine import ArticleDoc, RetrievalConfig, RetrievalEngine
from activities.retrieval.rerank import mmr
from activities.retrieval.store import VectorStore
from activities.retrieval.text import tokenize
from tests.conftest import MODEL_DIR

HOURS = "# Hours\n\n## Weekdays\n\nWe are open Monday to Friday, 8:00 AM to 6:00 PM."
PARKING = "# Parking\n\nPark in the Maple Street garage, level 2."


@pytest.fixture(scope="module")
def spans() -> SpanFn:
    return token_spans_from(MODEL_DIR / "tokenizer.json")


def make_engine(embedder: Embedder, spans: SpanFn, **config: object) -> RetrievalEngine:
    return RetrievalEngine(embedder, spans, VectorStore(), RetrievalConfig(**config))  # type: ignore[arg-type]


def test_chunks_carry_heading_path_and_exact_offsets(spans: SpanFn) -> None:
    body = " ".join(f"Sentence number {i} explains the copay rules in detail." for i in range(120))
    content = f"# Billing\n\n## Payment plans\n\n{body}\n\n## Refunds\n\nRefunds take 5 days."
    chunks = chunk_article(7, "Billing", content, spans)
    assert len(chunks) >= 3
    for chunk in chunks:
        assert chunk.text.startswith("Billing\n")
        lines = [ln for ln in chunk.text.splitlines()[1:] if not ln.startswith("## ")]
        # What a chunk cites is verbatim in the article, inside its offsets.
        assert all(line in content[chunk.start : chunk.end] for line in lines)
        assert sum(len(spans(line)) for line in lines) <= MAX_TOKENS
    assert chunks[0].heading == "Payment plans"  # the H1 repeats the title, so it is dropped
    assert "## Payment plans" in chunks[0].text
    # Consecutive windows of one long section overlap; they cut after a full stop and
    # start at a sentence.
    assert chunks[1].start < chunks[0].end
    assert content[chunks[0].end - 1] == "."
    assert content[chunks[1].start :].startswith("Sentence number")
    assert "Refunds take 5 days." in chunks[-1].text


def test_small_sections_are_packed_into_one_chunk(spans: SpanFn) -> None:
    chunks = chunk_article(1, "Hours", HOURS + "\n\n## Weekends\n\nClosed on Sunday.", spans)
    assert len(chunks) == 1
    assert "## Weekdays" in chunks[0].text and "## Weekends" in chunks[0].text


def test_postings_score_exactly_like_rank_bm25() -> None:
    corpus = [tokenize(t) for t in ["parking garage level two", "garage hours", "copay billing"]]
    corpus += [tokenize(f"filler text number {i} about clinics") for i in range(40)]
    # The reference is rank-bm25's own Okapi scoring loop over the same idf.
    ours, reference = Bm25Index(corpus), LuceneIdf(corpus)
    for query in (["garag"], ["garag", "garag", "hour"], ["clinic", "copay"], ["absent"]):
        assert np.allclose(ours.get_scores(query), reference.get_scores(query))
    assert [i for i, _ in ours.top(["garag", "hour"], 2)] == [1, 0]
    # A term in every document still counts for, never against, a match.
    assert Bm25Index([["open"]]).top(["open"], 1)[0][1] > 0


def test_tenants_and_coverage(embedder: Embedder, spans: SpanFn) -> None:
    engine = make_engine(embedder, spans)
    engine.index_articles([ArticleDoc(1, 1, "Hours", HOURS), ArticleDoc(2, 2, "Parking", PARKING)])
    found = engine.search(1, "When are you open?")
    assert found.covered and found.passages[0].article_id == 1
    assert {"dense", "bm25"} & set(found.passages[0].retrievers)
    assert found.passages[0].heading == "Weekdays"
    assert "8:00 AM to 6:00 PM" in found.passages[0].excerpt
    assert HOURS[found.passages[0].start : found.passages[0].end] in found.passages[0].text
    assert all(p.article_id != 2 for p in engine.search(1, "Maple Street garage parking").passages)
    assert not engine.search(1, "What is the capital of France?").covered


def test_reindex_replaces_changed_and_removes_stale(embedder: Embedder, spans: SpanFn) -> None:
    engine = make_engine(embedder, spans)
    engine.index_articles([ArticleDoc(1, 1, "Hours", HOURS), ArticleDoc(1, 2, "Parking", PARKING)])
    changed = HOURS.replace("6:00 PM", "7:30 PM")
    assert engine.index_articles([ArticleDoc(1, 1, "Hours", changed)], version=1) == 1
    # Unchanged text is never embedded again.
    assert engine.index_articles([ArticleDoc(1, 1, "Hours", changed)], version=2) == 0
    plan = engine.plan(1, 2, None)
    assert not plan.exists and len(plan.stale_ids) == 1
    engine.delete(1, plan.stale_ids)
    engine.refresh(1, 3)
    for mode in ("bm25", "dense"):
        texts = " ".join(c.text for c, _, _ in engine.rank(1, "opening hours weekdays", 5, mode))
        assert "7:30 PM" in texts and "6:00 PM" not in texts
        assert all(c.article_id != 2 for c, _, _ in engine.rank(1, "Maple Street garage", 5, mode))
    assert engine.store.count(1) == 1


def test_rank_modes(embedder: Embedder, spans: SpanFn) -> None:
    insurance = "# Insurance\n\nWe bill most plans directly, including Zorvexa Mutual."
    engine = make_engine(embedder, spans)
    engine.index_articles(
        [
            ArticleDoc(1, 1, "Hours", HOURS),
            ArticleDoc(1, 2, "Parking", PARKING),
            ArticleDoc(1, 3, "Insurance", insurance),
        ]
    )
    paraphrase = "What time do your doors close in the evening?"
    # No word in common with the hours article, so only the dense side can find it.
    assert all(c.article_id != 1 for c, _, _ in engine.rank(1, paraphrase, 5, "bm25"))
    assert engine.rank(1, paraphrase, 5, "dense")[0][0].article_id == 1
    both = f"Zorvexa: {paraphrase.lower()}"
    assert [(c.article_id, by) for c, _, by in engine.rank(1, both, 1, "bm25")] == [(3, ["bm25"])]
    assert [(c.article_id, by) for c, _, by in engine.rank(1, both, 1, "dense")] == [(1, ["dense"])]
    for mode in ("hybrid", "weighted"):
        fused = engine.rank(1, both, 1, mode)
        assert {(c.article_id, tuple(by)) for c, _, by in fused} == {
            (1, ("dense",)),
            (3, ("bm25",)),
        }
        assert [s for _, s, _ in fused] == sorted((s for _, s, _ in fused), reverse=True)
    with pytest.raises(ValueError, match="unknown retrieval mode"):
        engine.rank(1, both, 1, "sparse")


def test_mmr_skips_near_duplicates() -> None:
    a = np.array([1.0, 0.0, 0.0], dtype=np.float32)
    near_a = np.array([0.99, 0.14, 0.0], dtype=np.float32)
    b = np.array([0.0, 1.0, 0.0], dtype=np.float32)
    vectors = np.stack([a, near_a / np.linalg.norm(near_a), b])
    assert mmr([1.0, 0.95, 0.9], vectors, 2, lam=0.5) == [0, 2]
    assert mmr([1.0, 0.95, 0.9], vectors, 2, lam=1.0) == [0, 1]


def test_compression_keeps_answering_sentences_within_budget(spans: SpanFn) -> None:
    texts = [
        "Parking\nThe garage is on Maple Street. Level 2 is reserved for patients. "
        "Our founder opened the clinic in 1998.",
        "Hours\nWe open at 8:00 AM. The garage closes at 9 PM.",
    ]
    idf = {t: 1.0 for t in tokenize(" ".join(texts))}
    keep = select("where is the garage", texts, 20, lambda s: len(spans(s)), idf.get)  # type: ignore[arg-type]
    picked = [texts[i][s:e] for i, spans_ in enumerate(keep) for s, e in spans_]
    assert picked == ["The garage is on Maple Street.", "The garage closes at 9 PM."]
    roomy = select("where is the garage", texts, 200, lambda s: len(spans(s)), idf.get)  # type: ignore[arg-type]
    # With room to spare, the top passage is kept whole before the next one's other lines.
    assert roomy[0] == [(8, 38), (39, 72), (73, 111)] and len(roomy[1]) == 2
    assert all(p not in ("Parking", "Hours") for p in picked)  # titles are labels, not answers
    tight = select("where is the garage", texts, 1, lambda s: len(spans(s)), idf.get)  # type: ignore[arg-type]
    assert sum(len(k) for k in tight) == 1  # the best sentence survives any budget


def test_local_store_persists_on_disk(embedder: Embedder, spans: SpanFn, tmp_path: Path) -> None:
    engine = RetrievalEngine(embedder, spans, VectorStore(path=tmp_path), RetrievalConfig())
    engine.index_articles([ArticleDoc(5, 1, "Parking", PARKING)])
    engine.close()
    reopened = RetrievalEngine(embedder, spans, VectorStore(path=tmp_path), RetrievalConfig())
    assert reopened.search(5, "where do I park").passages[0].article_id == 1
    reopened.close()
