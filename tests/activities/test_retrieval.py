"""Hybrid retrieval keeps tenants apart, knows what it does not cover, and re-syncs."""

from __future__ import annotations

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
