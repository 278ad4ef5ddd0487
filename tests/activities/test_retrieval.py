"""Hybrid retrieval keeps tenants apart, knows what it does not cover, and re-syncs."""

from __future__ import annotations

import pytest

from activities.embedding import Embedder
from activities.retrieval.engine import ArticleDoc, RetrievalEngine

HOURS = "# Hours\n\n## Weekdays\n\nWe are open Monday to Friday, 8:00 AM to 6:00 PM."
PARKING = "# Parking\n\nPark in the Maple Street garage, level 2."


def test_tenants_and_coverage(embedder: Embedder) -> None:
    engine = RetrievalEngine(embedder)
    engine.sync([ArticleDoc(1, 1, "Hours", HOURS), ArticleDoc(2, 2, "Parking", PARKING)])
    found = engine.search(1, "When are you open?")
    assert found.covered and found.passages[0].article_id == 1
    assert {"dense", "bm25"} & set(found.passages[0].retrievers)
    assert all(p.article_id != 2 for p in engine.search(1, "Maple Street garage parking").passages)
    assert not engine.search(1, "What is the capital of France?").covered


def test_sync_replaces_changed_and_removed(embedder: Embedder) -> None:
    engine = RetrievalEngine(embedder)
    engine.sync([ArticleDoc(1, 1, "Hours", HOURS), ArticleDoc(1, 2, "Parking", PARKING)])
    changed = HOURS.replace("6:00 PM", "7:30 PM")
    assert engine.sync([ArticleDoc(1, 1, "Hours", changed)]) == 1
    text = " ".join(p.text for p in engine.search(1, "opening hours weekdays").passages)
    assert "7:30 PM" in text and "6:00 PM" not in text
    assert all(p.article_id != 2 for p in engine.search(1, "Maple Street garage").passages)


def test_rank_modes(embedder: Embedder) -> None:
    insurance = "# Insurance\n\nWe bill most plans directly, including Zorvexa Mutual."
    engine = RetrievalEngine(embedder)
    engine.sync(
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
