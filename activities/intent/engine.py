"""Classifies a prompt by rules, then nearest example by embedding, abstaining when unsure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from core.payloads import ClassifyOutput

from .catalog import DEFAULT_INTENTS, IntentDef


class TextEmbedder(Protocol):
    def embed(self, texts: list[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class _Rule:
    intent: str
    priority: int
    pattern: re.Pattern[str]


class IntentEngine:
    """Built once per worker: example embeddings are computed at construction."""

    def __init__(
        self,
        embedder: TextEmbedder,
        intents: tuple[IntentDef, ...] = DEFAULT_INTENTS,
        *,
        threshold: float = 0.45,
        margin: float = 0.03,
    ) -> None:
        self.embedder = embedder
        self.threshold = threshold
        self.margin = margin
        self.intents = {i.name: i for i in intents}
        self._labels: list[str] = []
        texts: list[str] = []
        for intent in intents:
            for example in intent.examples:
                self._labels.append(intent.name)
                texts.append(example)
        self._matrix = embedder.embed(texts)
        self._label_arr = np.array(self._labels)
        self._rules = sorted(
            (
                _Rule(i.name, i.priority, re.compile(r, re.IGNORECASE))
                for i in intents
                for r in i.rules
            ),
            key=lambda r: -r.priority,
        )

    def _scores(self, text: str) -> list[tuple[str, float]]:
        query = self.embedder.embed([text])[0]
        sims = self._matrix @ query
        best: dict[str, float] = {}
        for label, sim in zip(self._labels, sims.tolist(), strict=True):
            if sim > best.get(label, -1.0):
                best[label] = sim
        return sorted(best.items(), key=lambda kv: -kv[1])

    def classify(self, text: str) -> ClassifyOutput:
        ranked = self._scores(text)
        (top, top_score), (second, second_score) = ranked[0], ranked[1]
        for rule in self._rules:
            if rule.pattern.search(text):
                runner = second if rule.intent == top else top
                runner_score = second_score if rule.intent == top else top_score
                return ClassifyOutput(
                    intent=rule.intent,
                    confidence=1.0,
                    path=self.intents[rule.intent].path,
                    runner_up=runner,
                    runner_up_confidence=round(runner_score, 4),
                    decided_by="rule",
                )
        if top_score < self.threshold:
            # Unknown requests still get a knowledge-base lookup, whose own relevance check
            # decides between an answer and "not covered".
            return ClassifyOutput(
                intent="out_of_scope",
                confidence=round(top_score, 4),
                path="knowledge",
                runner_up=top,
                runner_up_confidence=round(top_score, 4),
                decided_by="abstain",
            )
        if (
            top_score - second_score < self.margin
            and self.intents[top].path != self.intents[second].path
        ):
            return ClassifyOutput(
                intent="clarify",
                confidence=round(top_score, 4),
                path="clarify",
                runner_up=second,
                runner_up_confidence=round(second_score, 4),
                decided_by="abstain",
                candidates=[top, second],
            )
        return ClassifyOutput(
            intent=top,
            confidence=round(top_score, 4),
            path=self.intents[top].path,
            runner_up=second,
            runner_up_confidence=round(second_score, 4),
            decided_by="similarity",
        )
