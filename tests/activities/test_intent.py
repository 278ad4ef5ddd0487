"""Intent engine: rules override similarity, and unrelated input abstains."""

from __future__ import annotations

from activities.embedding import Embedder
from activities.intent.engine import IntentEngine


def test_classification(embedder: Embedder) -> None:
    engine = IntentEngine(embedder)
    assert engine.classify("What are your opening hours?").intent == "knowledge_question"
    booked = engine.classify("Book me with Dr. Chen tomorrow at 10")
    assert booked.intent == "book_appointment" and booked.decided_by == "rule"
    refill = engine.classify("I'm almost out of my blood pressure pills")
    assert refill.intent == "prescription_refill" and refill.decided_by == "similarity"


def test_abstains_on_unrelated_input(embedder: Embedder) -> None:
    result = IntentEngine(embedder).classify("Who won the football match last night?")
    assert result.intent == "out_of_scope" and result.decided_by == "abstain"
    assert result.runner_up is not None
