"""Sentence-level answers: the right site's value, two-part questions, declines, Spanish."""

from __future__ import annotations

import pytest

from activities.embedding import Embedder
from activities.embedding.features import TextFeatures
from activities.llm.grounded import compose
from activities.llm.prompts import build_messages
from activities.retrieval.asks import analyse, days_in, split_question
from activities.retrieval.chunking import SpanFn, token_spans_from
from activities.retrieval.engine import ArticleDoc, RetrievalConfig, RetrievalEngine
from activities.retrieval.store import VectorStore
from core.llm_payloads import GenerateInput
from core.retrieval_payloads import RetrieveOutput
from core.texts import say
from tests.conftest import MODEL_DIR

# A small clinic of its own: two sites whose hours differ on every day asked about.
HOURS = """# Hours

Both offices of Pinecrest Clinic keep their own hours.

## Pinecrest Hilltop

- Monday to Friday: 8:00 AM to 5:00 PM
- Saturday: 9:00 AM to noon
- Sunday: closed

## Pinecrest Lakeview

- Monday to Thursday: 10:00 AM to 8:00 PM
- Friday: 10:00 AM to 3:00 PM
- Saturday and Sunday: closed
"""
VACCINES = """# Vaccines

## Flu shots

Flu shots are given without an appointment at Hilltop from October to March. A flu shot
costs $35 without insurance.

## Travel vaccines

Travel vaccines need a consultation booked at least 6 weeks before departure.
"""
PARKING = """# Parking

## Hilltop

Park in the free lot on Birch Road; it has 60 spaces.

## Lakeview

Lakeview has no lot of its own: use the city garage on Shore Street, $2 per hour.
"""
BILLING = """# Billing

Statements are mailed once a month. Payment plans are available for balances over $300,
with no interest for up to 12 months.
"""


@pytest.fixture(scope="module")
def spans() -> SpanFn:
    return token_spans_from(MODEL_DIR / "tokenizer.json")


@pytest.fixture(scope="module")
def engine(embedder: Embedder, features: TextFeatures, spans: SpanFn) -> RetrievalEngine:
    built = RetrievalEngine(
        embedder, spans, VectorStore(), RetrievalConfig(), multilingual=features.multilingual
    )
    built.index_articles(
        [
            ArticleDoc(1, 1, "Hours", HOURS),
            ArticleDoc(1, 2, "Vaccines", VACCINES),
            ArticleDoc(1, 3, "Parking", PARKING),
            ArticleDoc(1, 4, "Billing", BILLING),
        ]
    )
    return built


def turn_input(found: RetrieveOutput, question: str, lang: str = "en") -> GenerateInput:
    """What the generate step gets after the retrieve step, as in a turn."""
    return GenerateInput.for_knowledge(1, question, found, lang)


def reply(found: RetrieveOutput, question: str, lang: str = "en") -> tuple[str, list[str]]:
    text, citations = compose(turn_input(found, question, lang))
    return text, [c.title for c in citations]


def test_a_site_question_never_gets_the_other_sites_value(engine: RetrievalEngine) -> None:
    for question, right, wrong in (
        ("What time does Lakeview close on Friday?", "10:00 AM to 3:00 PM", "5:00 PM"),
        ("is hilltop open saturday", "9:00 AM to noon", "closed"),
        ("Where do I park at Lakeview?", "Shore Street", "Birch Road"),
    ):
        text, _ = reply(engine.search(1, question), question)
        assert right in text, (question, text)
        assert wrong not in text, (question, text)


def test_a_two_part_question_gets_two_answers_with_their_own_sources(
    engine: RetrievalEngine,
) -> None:
    question = "Is Hilltop open on Sunday, and how much is a flu shot?"
    found = engine.search(1, question)
    assert [p.covered for p in found.parts] == [True, True]
    text, citations = reply(found, question)
    assert "Sunday: closed" in text and "$35" in text
    assert citations == ["Hours", "Vaccines"]
    assert text.count("(Source:") == 2


def test_the_part_not_covered_is_named(engine: RetrievalEngine) -> None:
    question = "How much is a flu shot, and do you offer acupuncture?"
    found = engine.search(1, question)
    assert [p.covered for p in found.parts] == [True, False]
    text, _ = reply(found, question)
    assert "$35" in text
    assert "do you offer acupuncture" in text  # said to be missing, never answered


def test_an_unanswerable_question_is_declined(engine: RetrievalEngine) -> None:
    for question in ("Do you offer acupuncture?", "Can I get my teeth whitened there?"):
        found = engine.search(1, question)
        assert not found.covered, question
        assert reply(found, question)[0] == say("en", "reply.not_covered")


def test_a_price_the_articles_never_give_is_declined(engine: RetrievalEngine) -> None:
    """Travel vaccines are described, but not priced: "how much" is not answered by "we
    offer it", while a yes/no question about money may still be answered in words."""
    question = "How much are the travel vaccines?"
    found = engine.search(1, question)
    assert not found.covered, found.parts
    assert analyse("How much notice do you need for travel vaccines?").types == frozenset(
        {"duration"}
    )
    assert engine.search(1, "How much is a flu shot without insurance?").covered


def test_a_spanish_question_is_answered_from_the_english_article(
    engine: RetrievalEngine,
) -> None:
    question = "¿Cuánto cuesta la vacuna contra la gripe?"
    found = engine.search(1, question, language="es")
    text, citations = reply(found, question, "es")
    assert "$35" in text and citations == ["Vaccines"]
    question = "¿Lakeview abre el viernes?"
    text, _ = reply(engine.search(1, question, language="es"), question, "es")
    assert "10:00 AM to 3:00 PM" in text and "5:00 PM" not in text
    assert "Fuente" in text


def test_a_question_while_the_index_is_built_is_told_so() -> None:
    found = RetrieveOutput(passages=[], covered=False, indexing=True)
    text, _ = reply(found, "When are you open?")
    assert text == say("en", "reply.indexing")
    assert reply(found, "¿Cuándo abren?", "es")[0] == say("es", "reply.indexing")


def test_question_analysis() -> None:
    assert split_question("Is Hilltop open on Sunday, and can I get a flu shot there?") == [
        "Is Hilltop open on Sunday",
        "can I get a flu shot there?",
    ]
    assert split_question("What are your hours and fees?") == ["What are your hours and fees?"]
    assert split_question("¿A qué hora abren? ¿Dónde me estaciono?") == [
        "¿A qué hora abren?",
        "¿Dónde me estaciono?",
    ]
    assert days_in("Monday to Thursday: 10:00 AM") == frozenset({0, 1, 2, 3})
    assert days_in("Sábados y domingos") == frozenset({5, 6})
    assert analyse("How long do refills take?").types == frozenset({"duration"})
    assert analyse("open sunday?").days == frozenset({6})
    assert analyse("how late is Hilltop open on Friday").types == frozenset({"time"})
    assert analyse("how late can I be for my visit").types == frozenset({"duration"})
    assert split_question("video visit hours on weekdays and the price if I pay myself") == [
        "video visit hours on weekdays",
        "the price if I pay myself",
    ]


def test_a_real_model_gets_the_selected_sentences(engine: RetrievalEngine) -> None:
    question = "What time does Lakeview close on Friday, and do you offer acupuncture?"
    system = build_messages(turn_input(engine.search(1, question), question))[0]["content"]
    assert "[Hours > Pinecrest Lakeview] Friday: 10:00 AM to 3:00 PM" in system
    assert "Nothing answers question part 2: do you offer acupuncture?" in system
    assert "Birch Road" not in system  # nothing beyond what was selected
