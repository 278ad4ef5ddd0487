"""Emergency triage: negation and tense, similarity, guidance, and the dev-set gate."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from activities.embedding import Embedder
from activities.safety.triage import CATEGORIES, GUIDANCE, TriageEngine
from bench.triage_eval import DEV, evaluate_triage


@pytest.fixture(scope="module")
def engine(embedder: Embedder) -> TriageEngine:
    return TriageEngine(embedder)


@pytest.fixture(scope="module")
def patterns_only() -> TriageEngine:
    return TriageEngine(None)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("my dad is slurring his words", "stroke"),
        ("I have crushing chest pain and my left arm is numb", "cardiac"),
        ("she just had a seizure and is not waking up", "seizure"),
        ("I had a seizure in 2019 and I'm having one again right now", "seizure"),
        ("the cut on his leg won't stop bleeding", "bleeding"),
        ("my toddler swallowed some bleach", "overdose_poisoning"),
        ("her tongue is swelling after the peanut cookie", "allergic_reaction"),
        ("I can't breathe", "breathing"),
        ("I've had chest pain for two hours", "cardiac"),
    ],
)
def test_emergencies_escalate_with_their_category(
    engine: TriageEngine, text: str, category: str
) -> None:
    result = engine.assess(text)
    assert result.requires_escalation and result.category == category, result
    assert "911" in result.guidance
    assert 0.5 <= result.severity <= 1.0
    assert f"pattern:{category}" in result.signals
    assert any(s.startswith("similarity:") for s in result.signals)


@pytest.mark.parametrize(
    "text",
    [
        "I had a seizure in 2019",
        "my father had a stroke last year, can I book his follow-up",
        "no chest pain, just a cough",
        "I don't have chest pain or shortness of breath, only heartburn",
        "what are the signs of a stroke?",
        "how much tylenol is an overdose",
        "this wait is killing me",
        "I'm dying to know my results",
        "how do I kill a python process",
        "mild allergy to pollen, need a refill",
        "I need an epipen refill",
        "book a follow-up for my seizure medication",
        "my phone isn't responding, can you call me",
        "What are your opening hours?",
        "",
    ],
)
def test_history_negation_questions_idioms_and_errands_do_not_escalate(
    engine: TriageEngine, text: str
) -> None:
    result = engine.assess(text)
    assert not result.requires_escalation, result
    assert result.guidance == "" and result.category is None
    assert 0.0 <= result.severity < 0.5


def test_guards_are_reported_as_signals(engine: TriageEngine) -> None:
    assert "guard:past:seizure" in engine.assess("I had a seizure in 2019").signals
    assert "guard:negated:cardiac" in engine.assess("no chest pain, just a cough").signals


@pytest.mark.parametrize(
    "text",
    [
        "I don't see the point of going on",
        "I've been saving up my pills",
        "everyone would be better off without me",
        "I want to disappear forever",
        "my son says he wants to end it",
        # Negation and past tense never explain self-harm away.
        "I don't want to live anymore",
        "I tried to kill myself last year and I'm thinking about it again",
        "I used to cut and the urges are back",
    ],
)
def test_self_harm_indirect_phrasing_gets_the_crisis_line(engine: TriageEngine, text: str) -> None:
    result = engine.assess(text)
    assert result.requires_escalation and result.category == "self_harm", result
    assert "988" in result.guidance
    assert result.severity >= 0.8


def test_resolved_self_harm_history_is_not_an_emergency(engine: TriageEngine) -> None:
    result = engine.assess("I used to self-harm as a teenager, now I'm doing well")
    assert not result.requires_escalation
    assert "guard:recovered:self_harm" in result.signals


def test_self_harm_with_a_physical_danger_gets_both_messages(engine: TriageEngine) -> None:
    result = engine.assess("I want to die so I took a whole bottle of sleeping pills")
    assert result.category == "self_harm"
    assert "988" in result.guidance and "1-800-222-1222" in result.guidance


def test_an_accidental_cut_is_bleeding_not_self_harm(engine: TriageEngine) -> None:
    result = engine.assess("I cut myself while cooking and the bleeding won't stop")
    assert result.category == "bleeding" and "988" not in result.guidance


def test_each_category_has_its_own_first_step() -> None:
    assert set(CATEGORIES) <= set(GUIDANCE)
    assert "time" in GUIDANCE["stroke"]
    assert "Press firmly" in GUIDANCE["bleeding"]
    assert "epinephrine auto-injector" in GUIDANCE["allergic_reaction"]
    assert "1-800-222-1222" in GUIDANCE["overdose_poisoning"]
    assert "911" in GUIDANCE["overdose_poisoning"]
    assert "988" in GUIDANCE["self_harm"]
    for category in CATEGORIES:
        if category != "self_harm":
            assert "911" in GUIDANCE[category] and "988" not in GUIDANCE[category]


def test_pattern_only_mode_works_without_a_model(patterns_only: TriageEngine) -> None:
    stroke = patterns_only.assess("my dad is slurring his words")
    assert stroke.requires_escalation and stroke.category == "stroke"
    assert not any(s.startswith("similarity:") for s in stroke.signals)
    assert not patterns_only.assess("I had a seizure in 2019").requires_escalation
    assert not patterns_only.assess("my teenager won't wake up for school").requires_escalation
    # With no similarity to confirm it, a self-harm risk word escalates on its own.
    assert patterns_only.assess("I feel hopeless, I can't do this anymore").category == "self_harm"


def test_similarity_catches_what_no_phrase_names(engine: TriageEngine) -> None:
    result = engine.assess("I am so done with all of this, I want to stop existing")
    assert result.category == "self_harm"
    assert not any(s.startswith("pattern:") for s in result.signals), result.signals


def test_a_shared_embedding_gives_the_same_result(engine: TriageEngine, embedder: Embedder) -> None:
    text = "my dad is slurring his words"
    assert engine.assess(text, embedding=embedder.embed([text])[0]) == engine.assess(text)


def test_concurrent_calls_match_sequential_ones(engine: TriageEngine) -> None:
    texts = [item["text"] for item in json.loads(DEV.read_text(encoding="utf-8"))][:60]
    sequential = [engine.assess(t) for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        concurrent = list(pool.map(engine.assess, texts))
    assert concurrent == sequential


def test_dev_set_gate(engine: TriageEngine) -> None:
    """The CI regression gate: recall >= 0.97, FPR <= 0.05, self-harm recall 1.0 on dev."""
    items = json.loads(DEV.read_text(encoding="utf-8"))
    assert sum(i["emergency"] for i in items) >= 80
    assert sum(not i["emergency"] for i in items) >= 80
    report = evaluate_triage(engine, items)
    assert report["recall"] >= 0.97, report["misses"]
    assert report["fpr"] <= 0.05, report["false_positives"]
    assert report["self_harm_recall"] == 1.0, report["misses"]
