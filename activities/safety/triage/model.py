"""The learned half of triage: a classifier over text features, trained on crisis exemplars.

Phrase patterns are precise but only as wide as their author's imagination; messages nobody
wrote for us ("soaked three pads and went grey", "se le torció la boca") need meaning. The
classifier reads the multilingual sentence vector, the MiniLM vector and hashed n-grams, and
is trained on exemplars/*.json (crises per category and hard negatives, English and Spanish)
plus the routine clinic requests the worker passes in as more negatives, and the injection
detector's attack exemplars: instructions aimed at the assistant are never a crisis, and a
classifier that has seen none of them calls some a stroke.
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

EXEMPLARS_DIR = Path(__file__).with_name("exemplars")
INJECTION_EXEMPLARS = Path(__file__).resolve().parent.parent / "injection" / "exemplars.json"
NONE = "none"
CATEGORIES = (
    "self_harm",
    "cardiac",
    "stroke",
    "respiratory",
    "allergic",
    "overdose_poisoning",
    "bleeding",
    "seizure",
)
CLASSES = (NONE, *CATEGORIES)
CONFIG = ScorerConfig(hidden=256)


def load_exemplars(directory: Path = EXEMPLARS_DIR) -> list[tuple[str, str]]:
    """(text, class) pairs from every language's file; class "none" for hard negatives."""
    rows: list[tuple[str, str]] = []
    for path in sorted(directory.glob("*.json")):
        for item in json.loads(path.read_text(encoding="utf-8"))["exemplars"]:
            rows.append((item["text"], item["category"] or NONE))
    return rows


def injection_negatives(path: Path = INJECTION_EXEMPLARS) -> list[str]:
    """The injection detector's attack texts that name no danger at all."""
    from .context import normalize
    from .scan import scan

    attacks = json.loads(path.read_text(encoding="utf-8"))["attack"]
    return [a["text"] for a in attacks if not scan(normalize(a["text"]))]


class CrisisModel:
    """Fitted once per worker (or read from the fit cache); immutable, thread-safe."""

    def __init__(
        self,
        features: TextFeatures,
        *,
        negatives: Sequence[str] = (),
        exemplars: Path = EXEMPLARS_DIR,
        cache: FitCache | None = None,
    ) -> None:
        self.features = features
        cache = cache or FitCache(None)
        extra = [*negatives, *injection_negatives()]
        rows = load_exemplars(exemplars) + [(t, NONE) for t in extra]
        texts = [t for t, _ in rows]
        labels = np.array([CLASSES.index(c) for _, c in rows])
        key = cache_key(FEATURES_VERSION, texts, labels.tolist(), repr(CONFIG))

        def fit() -> MlpScorer:
            x = cache.matrix("triage-features", key, lambda: features.encode(texts))
            return MlpScorer(CONFIG).fit(x, labels, len(CLASSES))

        self._scorer = cache.scorer("triage-mlp", key, CONFIG, fit)

    def proba(self, row: NDArray[np.float32]) -> dict[str, float]:
        """Probability per class ("none" and each category) for one feature row."""
        probs = self._scorer.proba(np.asarray(row, np.float32).reshape(1, -1))[0]
        return {cls: float(p) for cls, p in zip(CLASSES, probs, strict=True)}

    def proba_many(self, rows: NDArray[np.float32]) -> NDArray[np.float32]:
        """Rows of class probabilities in CLASSES order (for evaluations)."""
        return self._scorer.proba(np.asarray(rows, np.float32))
