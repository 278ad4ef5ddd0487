"""One fitted intent model: rules first, then MLP probability blended with nearest example.

Inputs are TextFeatures rows: three unit-norm parts side by side, so a row's dot product with
an example's, divided by three, is the mean of the three cosines.

Decision order, so that the Temporal UI can say why a turn went where it did:
1. a keyword rule (highest priority wins) decides outright: decided_by="rule";
2. a confident prediction (blended confidence >= threshold) decides: "similarity"
   (the trained out_of_scope class is a confident prediction too);
3. otherwise the model abstains: "clarify" with the top two when it is split between
   two in-scope intents, else "out_of_scope".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from activities.embedding.mlp import Matrix, MlpScorer, ScorerConfig
from core.intent_catalog import OUT_OF_SCOPE, IntentDef
from core.payloads import ClassifyOutput
from core.tenant_regex import TenantPattern, compile_rule

from .scope import (
    about_something_else,
    asks_medication_advice,
    asks_opening_hours,
    asks_self_pay_price,
)

# Unit-norm parts in a feature row (sentence vectors and n-grams).
_PARTS = 3.0
# Weight of the MLP probability in the confidence; the rest is the cosine to the nearest
# example of the predicted intent. Chosen on CLINC150 val (docs/decisions/0004).
PROBABILITY_WEIGHT = 0.4
# When abstaining, ask between the top two only if together they hold most of the
# probability and the second is a real contender.
CLARIFY_MIN_SECOND = 0.2
ACTIONABLE = frozenset({"agent", "knowledge"})
KNOWLEDGE = "knowledge_question"
# Intents that act on the calendar: a medicine question mistaken for one lists open times.
_SCHEDULING = frozenset(
    {"book_appointment", "check_availability", "reschedule_appointment", "cancel_appointment"}
)
CLARIFY_MIN_PAIR = 0.7


@dataclass(frozen=True)
class _Rule:
    intent: str
    priority: int
    # Tenants write rules too: each search has a time budget (core/tenant_regex.py).
    pattern: TenantPattern


@dataclass(frozen=True)
class Scored:
    """Per-utterance scores, kept apart from the decision so evaluations can sweep it."""

    top: int
    second: int
    top_probability: float
    second_probability: float
    confidence: float
    second_confidence: float


class IntentModel:
    def __init__(
        self,
        intents: Sequence[IntentDef],
        vectors: Matrix,
        *,
        threshold: float,
        config: ScorerConfig = ScorerConfig(),
        scorer: MlpScorer | None = None,
    ) -> None:
        """`vectors` holds the features of every intent's examples, in catalogue order;
        `scorer` is the classifier already fitted on them (else it is fitted here)."""
        self.intents = list(intents)
        self.by_name = {i.name: i for i in self.intents}
        self.threshold = threshold
        counts = [len(i.examples) for i in self.intents]
        if min(counts, default=0) == 0 or len(self.intents) < 2:
            raise ValueError("every intent needs at least one example, and two intents at least")
        labels = np.repeat(np.arange(len(self.intents)), counts)
        self._examples = vectors.astype(np.float32)
        self._offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
        self._scorer = scorer or MlpScorer(config).fit(self._examples, labels, len(self.intents))
        self._rules = sorted(
            (_Rule(i.name, i.priority, compile_rule(r)) for i in self.intents for r in i.rules),
            key=lambda r: -r.priority,
        )

    @property
    def example_count(self) -> int:
        return int(self._examples.shape[0])

    def score(self, vectors: Matrix) -> list[Scored]:
        probs = self._scorer.proba(vectors)
        # Nearest example per intent: examples are stored grouped by intent.
        nearest = np.maximum.reduceat(vectors @ self._examples.T, self._offsets, axis=1) / _PARTS
        order = np.argsort(-probs, axis=1)[:, :2]
        out = []
        for row, (top, second) in enumerate(order.tolist()):
            p1, p2 = float(probs[row, top]), float(probs[row, second])
            out.append(
                Scored(
                    top,
                    second,
                    p1,
                    p2,
                    _blend(p1, float(nearest[row, top])),
                    _blend(p2, float(nearest[row, second])),
                )
            )
        return out

    def rule_for(self, text: str) -> str | None:
        for rule in self._rules:
            if rule.pattern.search(text):
                return rule.intent
        return None

    def decide(self, text: str, scored: Scored, threshold: float | None = None) -> ClassifyOutput:
        threshold = self.threshold if threshold is None else threshold
        top, second = self.intents[scored.top], self.intents[scored.second]
        ruled = self.rule_for(text)
        if ruled is not None:
            runner = second if ruled == top.name else top
            runner_conf = scored.second_confidence if ruled == top.name else scored.confidence
            return self._output(ruled, 1.0, runner.name, runner_conf, "rule")
        hours = self.by_name.get(KNOWLEDGE)
        price = top.name == "check_insurance" and asks_self_pay_price(text)
        if top.path == "agent" and hours is not None and (asks_opening_hours(text) or price):
            # "what time does the lab open": the clinic's hours, never a provider's slots.
            return self._output(KNOWLEDGE, scored.confidence, top.name, scored.confidence, "hours")
        if top.name in _SCHEDULING and hours is not None and asks_medication_advice(text):
            # "can I give him Tylenol after his shot?": advice, not open times.
            return self._output(KNOWLEDGE, scored.confidence, top.name, scored.confidence, "advice")
        if top.path in ACTIONABLE and OUT_OF_SCOPE in self.by_name and about_something_else(text):
            # "cancel my gym membership": a clinic verb about someone else's business.
            return self._output(
                OUT_OF_SCOPE, scored.confidence, top.name, scored.confidence, "scope"
            )
        if scored.confidence >= threshold:
            return self._output(
                top.name, scored.confidence, second.name, scored.second_confidence, "similarity"
            )
        # Asking "did you want to X or Y?" makes sense between two things we can do.
        split = (
            top.path in ACTIONABLE
            and second.path in ACTIONABLE
            and scored.second_probability >= CLARIFY_MIN_SECOND
            and scored.top_probability + scored.second_probability >= CLARIFY_MIN_PAIR
        )
        if split:
            out = self._output(
                "clarify", scored.confidence, second.name, scored.second_confidence, "abstain"
            )
            out.candidates = [top.name, second.name]
            out.label = top.reported  # the best guess, while the reply asks which
            return out
        # Unsure is not out of scope for sure: the knowledge base's own relevance check
        # decides between an answer and "not covered".
        out = self._output(OUT_OF_SCOPE, scored.confidence, top.name, scored.confidence, "abstain")
        out.path = "knowledge"
        return out

    def classify(self, text: str, vector: Matrix) -> ClassifyOutput:
        return self.decide(text, self.score(vector.reshape(1, -1))[0])

    def _output(
        self, intent: str, confidence: float, runner: str, runner_conf: float, how: str
    ) -> ClassifyOutput:
        path = "clarify" if intent == "clarify" else self.by_name[intent].path
        label = intent if intent == "clarify" else self.by_name[intent].reported
        return ClassifyOutput(
            intent=intent,
            label=label,
            confidence=round(confidence, 4),
            path=path,
            runner_up=runner,
            runner_up_confidence=round(runner_conf, 4),
            decided_by=how,
        )


def _blend(probability: float, nearest_cosine: float) -> float:
    return PROBABILITY_WEIGHT * probability + (1 - PROBABILITY_WEIGHT) * nearest_cosine
