"""Intent engine: rules override the model, unsure input abstains, tenants extend the catalogue."""

from __future__ import annotations

import numpy as np
import pytest

from activities.embedding import Embedder
from activities.intent.catalog import IntentDef, load_default_intents, merge_intents
from activities.intent.engine import IntentEngine
from activities.intent.model import Scored


@pytest.fixture(scope="module")
def engine(embedder: Embedder) -> IntentEngine:
    return IntentEngine(embedder)


def test_similarity_decides_when_no_rule_fires(engine: IntentEngine) -> None:
    result = engine.classify("I'm almost out of my blood pressure pills")
    assert result.intent == "prescription_refill"
    assert result.decided_by == "similarity"
    assert result.confidence >= engine.threshold
    assert result.runner_up not in (None, "prescription_refill")
    assert engine.classify("Where do I park when I come in?").intent == "knowledge_question"


@pytest.mark.parametrize(
    "text",
    ["Who won the football match last night?", "Write me a poem about submarines", "asdf qwer"],
)
def test_unrelated_input_is_out_of_scope_never_a_clinic_action(
    engine: IntentEngine, text: str
) -> None:
    result = engine.classify(text)
    assert result.intent == "out_of_scope", result
    assert result.path in ("out_of_scope", "knowledge")
    assert result.decided_by in ("similarity", "abstain")


def test_a_rule_overrides_the_model(engine: IntentEngine) -> None:
    # The model alone reads this as a refill request; the hand-off rule wins outright.
    text = "I'd like to chat with a nurse about my refill of metformin"
    model = engine.default_model
    scored = model.score(engine.embedder.embed([text]))[0]
    assert model.intents[scored.top].name != "human_handoff"
    result = engine.classify(text)
    assert result.intent == "human_handoff"
    assert result.decided_by == "rule" and result.confidence == 1.0
    assert result.runner_up == model.intents[scored.top].name


def test_higher_priority_rule_wins(engine: IntentEngine) -> None:
    result = engine.classify("Please reschedule my appointment, don't cancel the appointment")
    assert result.intent == "reschedule_appointment" and result.decided_by == "rule"


def test_below_threshold_abstains_and_a_split_asks_between_the_two(
    engine: IntentEngine,
) -> None:
    model = engine.default_model
    names = [i.name for i in model.intents]
    book, cancel = names.index("book_appointment"), names.index("cancel_appointment")
    oos = names.index("out_of_scope")
    split = Scored(book, cancel, 0.48, 0.45, 0.40, 0.39)
    out = model.decide("hmm about that visit", split)
    assert out.intent == "clarify" and out.path == "clarify" and out.decided_by == "abstain"
    assert out.candidates == ["book_appointment", "cancel_appointment"]
    unsure = Scored(book, oos, 0.30, 0.10, 0.30, 0.10)
    out = model.decide("hmm", unsure)
    assert out.intent == "out_of_scope" and out.path == "knowledge"
    confident = Scored(book, cancel, 0.95, 0.02, 0.80, 0.30)
    assert model.decide("hmm", confident).intent == "book_appointment"


def test_tenant_example_changes_the_result_without_a_new_engine(engine: IntentEngine) -> None:
    text = "Can I drop off a stool sample kit on my way to work?"
    before = engine.classify(text, tenant_id=99)
    assert before.intent != "lab_dropoff"
    custom = [
        IntentDef(
            "lab_dropoff",
            "knowledge",
            "Dropping off lab specimens and sample kits",
            (
                "Where do I drop off my urine sample?",
                "Can I bring my stool sample kit in the morning?",
                "Where do lab specimen drop-offs go?",
                "What time can I drop off a sample kit?",
            ),
        )
    ]
    after = engine.classify(text, tenant_id=99, custom=custom)
    assert after.intent == "lab_dropoff", after
    # Other tenants keep the default model.
    assert engine.classify(text, tenant_id=98).intent == before.intent
    # The fitted model is cached per tenant until its customisation changes.
    assert engine.model_for(99, custom) is engine.model_for(99, custom)


def test_tenant_rule_and_examples_merge_into_a_default_intent() -> None:
    defaults = load_default_intents()
    extra = IntentDef("insurance", "", "", ("Is my HSA card accepted?",), (r"\bhsa\b",), 0)
    merged = {i.name: i for i in merge_intents(defaults, [extra])}
    base = {i.name: i for i in defaults}["insurance"]
    assert merged["insurance"].examples[-1] == "Is my HSA card accepted?"
    assert merged["insurance"].rules[-1] == r"\bhsa\b"
    assert merged["insurance"].path == base.path and merged["insurance"].priority == base.priority


def test_default_catalogue_covers_the_clinic_set() -> None:
    names = {i.name for i in load_default_intents()}
    assert names >= {
        "book_appointment",
        "cancel_appointment",
        "reschedule_appointment",
        "list_appointments",
        "availability",
        "insurance",
        "prescription_refill",
        "callback",
        "knowledge_question",
        "emergency",
        "human_handoff",
        "greeting",
        "out_of_scope",
    }
    assert all(len(i.examples) >= 15 for i in load_default_intents())


def test_fitting_is_deterministic(embedder: Embedder) -> None:
    intents = load_default_intents()[:4]
    a, b = IntentEngine(embedder, intents), IntentEngine(embedder, intents)
    vec = embedder.embed(["I need to see a doctor next week"])
    pa = a.default_model._scorer.proba(vec)
    pb = b.default_model._scorer.proba(vec)
    assert np.allclose(pa, pb)
