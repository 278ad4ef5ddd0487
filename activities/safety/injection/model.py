"""The learned half of injection detection: a classifier over the turn's shared text features.

The patterns know the phrasings their authors thought of, and the MiniLM similarity to
attack exemplars is English only; an attacker writes neither. This classifier reads the
same features as triage and the intents (USE multilingual, MiniLM, hashed n-grams), so a
Spanish or German override lands near the English ones, and it costs one small matrix
product per turn, the features being computed already.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from activities.embedding.features import VERSION as FEATURES_VERSION
from activities.embedding.features import TextFeatures
from activities.embedding.fit_cache import FitCache, cache_key
from activities.embedding.mlp import MlpScorer, ScorerConfig

HERE = Path(__file__).resolve().parent
SOURCES = (HERE / "exemplars.json", HERE / "training.json")
CONFIG = ScorerConfig(hidden=128, l2=3e-4)


def training_rows(
    sources: Sequence[Path] = SOURCES, benign: Sequence[str] = ()
) -> list[tuple[str, int]]:
    """(text, 1 for an attack / 0 for benign) from the exemplar files, plus more benign texts
    (the clinic's routine requests: the everyday messages a false alarm would hit)."""
    rows: list[tuple[str, int]] = []
    for path in sources:
        raw = json.loads(path.read_text(encoding="utf-8"))
        rows += [(a["text"], 1) for a in raw["attack"]]
        rows += [(b["text"], 0) for b in raw["benign"]]
    rows += [(t, 0) for t in benign]
    return rows


class InjectionModel:
    """Fitted once per worker (or read from the fit cache); immutable, thread-safe."""

    def __init__(
        self,
        features: TextFeatures,
        *,
        benign: Sequence[str] = (),
        sources: Sequence[Path] = SOURCES,
        cache: FitCache | None = None,
    ) -> None:
        self.features = features
        cache = cache or FitCache(None)
        rows = training_rows(sources, benign)
        texts = [t[:1000] for t, _ in rows]
        labels = np.array([y for _, y in rows])
        key = cache_key(FEATURES_VERSION, texts, labels.tolist(), repr(CONFIG))

        def fit() -> MlpScorer:
            x = cache.matrix("injection-features", key, lambda: features.encode(texts))
            return MlpScorer(CONFIG).fit(x, labels, 2)

        self._scorer = cache.scorer("injection-mlp", key, CONFIG, fit)

    def row(self, text: str) -> NDArray[np.float32]:
        """The text's feature row: read from the features' recent cache when triage has just
        encoded the same text."""
        return self.features.encode([text[:1000]])[0]

    def attack_probability(self, row: NDArray[np.float32]) -> float:
        return float(self._scorer.proba(np.asarray(row, np.float32).reshape(1, -1))[0, 1])

    def attack_probabilities(self, rows: NDArray[np.float32]) -> NDArray[np.float32]:
        return self._scorer.proba(np.asarray(rows, np.float32))[:, 1]
