"""The triage engine: phrase patterns, similarity to crisis exemplars, and their combination."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from .guidance import GUIDANCE, guidance_for
from .scan import Hit, causes, normalize, scan

EXEMPLARS = Path(__file__).with_name("exemplars.json")
SELF_HARM = "self_harm"
# Order breaks ties between categories with equal evidence: the most time-critical first.
CATEGORIES = (
    SELF_HARM,
    "cardiac",
    "stroke",
    "breathing",
    "unconscious",
    "allergic_reaction",
    "overdose_poisoning",
    "bleeding",
    "seizure",
)
# How bad the worst case in each category is; severity is this times the signal's confidence.
CATEGORY_WEIGHT = {
    SELF_HARM: 1.0,
    "cardiac": 0.95,
    "stroke": 0.95,
    "breathing": 0.95,
    "unconscious": 0.95,
    "allergic_reaction": 0.9,
    "overdose_poisoning": 0.9,
    "bleeding": 0.85,
    "seizure": 0.85,
}
# The model reads at most 256 tokens; a long message is triaged on its opening by similarity
# (the patterns still read all of it).
_EMBED_CHARS = 1000


class TextEmbedder(Protocol):
    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class TriageConfig:
    """Cosine thresholds on the best exemplar per category; tuned on bench/data/triage_dev.json."""

    # Similarity alone (no phrase matched) escalates a physical category at this cosine...
    similarity: float = 0.60
    # ... and self-harm, where a miss costs the most, lower.
    self_harm_similarity: float = 0.40
    # A topic word ("seizure", "blood") with this much similarity to the same category.
    combination: float = 0.50
    # The best crisis exemplar must beat the best benign look-alike by this much; for
    # self-harm it need only beat it.
    margin: float = 0.05
    self_harm_margin: float = 0.0
    # A self-harm risk word ("hopeless", "end it all") lowers the self-harm bar as a topic
    # word lowers the physical one (0.60 -> 0.50).
    self_harm_combination: float = 0.30


@dataclass(frozen=True)
class Triage:
    requires_escalation: bool
    category: str | None = None
    severity: float = 0.0
    reason: str = ""
    guidance: str = ""
    signals: list[str] = field(default_factory=list)


class TriageEngine:
    """Immutable after construction, so one instance serves concurrent calls.

    With `embedder=None` it runs on phrase patterns alone (the API process loads no model);
    in that mode a weak self-harm cue escalates by itself, since no similarity can confirm it.
    """

    def __init__(
        self,
        embedder: TextEmbedder | None,
        *,
        config: TriageConfig = TriageConfig(),
        exemplars: Path = EXEMPLARS,
    ) -> None:
        self.embedder = embedder
        self.config = config
        data = json.loads(exemplars.read_text(encoding="utf-8"))
        texts: list[str] = []
        labels: list[int] = []
        for i, cat in enumerate(CATEGORIES):
            examples = data["emergency"].get(cat, [])
            texts += examples
            labels += [i] * len(examples)
        benign: list[str] = data["benign"]
        self._labels = np.array(labels)
        self._vectors: np.ndarray | None = None
        self._benign: np.ndarray | None = None
        if embedder is not None:
            # Exemplars are embedded once here; a message costs one embedding and two products.
            vectors = np.asarray(embedder.embed([normalize(t) for t in texts + benign]))
            self._vectors = vectors[: len(texts)]
            self._benign = vectors[len(texts) :]

    def similarities(
        self, text: str, embedding: np.ndarray | None = None
    ) -> tuple[dict[str, float], float]:
        """Best cosine per category and the best cosine to a benign look-alike."""
        if self.embedder is None or self._vectors is None or self._benign is None:
            return {}, 0.0
        if embedding is None:
            embedding = np.asarray(self.embedder.embed([text[:_EMBED_CHARS]]))[0]
        vec = np.asarray(embedding, dtype=np.float32).reshape(-1)
        scores = self._vectors @ vec
        best = {
            cat: float(scores[self._labels == i].max())
            for i, cat in enumerate(CATEGORIES)
            if (self._labels == i).any()
        }
        return best, float((self._benign @ vec).max())

    def assess(self, text: str, *, embedding: np.ndarray | None = None) -> Triage:
        """Triage one message. `embedding` is the message's own unit vector from the same model,
        for a caller that already has it (the safety engine shares one embedding); without
        it the engine embeds the message itself. Ignored in pattern-only mode."""
        norm = normalize(text)
        if not norm:
            return Triage(False)
        hits = scan(norm)
        sims, benign = self.similarities(norm, embedding)
        signals = sorted(
            {f"{'pattern' if h.acute else 'cue'}:{h.category}" for h in hits if not h.guard}
        )
        signals += sorted({f"guard:{h.guard}:{h.category}" for h in hits if h.guard})
        if sims:
            top = max(sims, key=lambda c: sims[c])
            signals.append(f"similarity:{top} {sims[top]:.2f}")
            signals.append(f"similarity:benign {benign:.2f}")
        decision = self._decide(norm, hits, sims, benign)
        if decision is None:
            return Triage(
                False, None, self._quiet_severity(sims), "no emergency signal", "", signals
            )
        category, confidence, reason, extra = decision
        severity = round(min(1.0, max(0.5, CATEGORY_WEIGHT[category] * confidence)), 3)
        guidance = guidance_for(category)
        if extra:
            # Self-harm with an acute physical danger (pills already taken): act on both.
            guidance = f"{guidance_for(extra)} {GUIDANCE[SELF_HARM]}"
        return Triage(True, category, severity, reason, guidance, signals)

    def _decide(
        self, text: str, hits: list[Hit], sims: dict[str, float], benign: float
    ) -> tuple[str, float, str, str | None] | None:
        """(category, confidence 0-1, reason, physical category to add to the guidance)."""
        cfg = self.config
        active = [h for h in hits if h.guard is None]
        acute = Counter(h.category for h in active if h.acute)
        cues = {h.category: h.phrase for h in active if not h.acute}
        guarded = {h.category for h in hits if h.guard}
        physical = [c for c in acute if c != SELF_HARM]
        best_physical = self._pick(physical, acute, sims, text) if physical else None

        def agrees(cat: str) -> bool:
            return sims.get(cat, 0.0) >= cfg.combination

        def clear(cat: str, threshold: float) -> bool:
            sim = sims.get(cat, 0.0)
            margin = cfg.self_harm_margin if cat == SELF_HARM else cfg.margin
            return sim >= threshold and sim - benign >= margin

        if acute[SELF_HARM]:
            phrase = next(h.phrase for h in active if h.category == SELF_HARM and h.acute)
            return SELF_HARM, 1.0, f"matched self-harm phrase '{phrase}'", best_physical
        if best_physical:
            own = [h.phrase for h in active if h.category == best_physical and h.acute]
            phrase = (own or [h.phrase for h in active if h.acute and h.category != SELF_HARM])[0]
            cause = "" if own else f", {best_physical} named as the cause"
            conf = 0.9 + (0.1 if agrees(best_physical) else 0.0)
            return best_physical, conf, f"matched emergency phrase '{phrase}'{cause}", None
        if SELF_HARM in cues and (not sims or clear(SELF_HARM, cfg.self_harm_combination)):
            how = f"with similarity {sims[SELF_HARM]:.2f}" if sims else "(pattern-only mode)"
            return SELF_HARM, 0.9, f"self-harm cue '{cues[SELF_HARM]}' {how}", None
        if not sims:
            return None
        if clear(SELF_HARM, cfg.self_harm_similarity) and SELF_HARM not in guarded:
            sim = sims[SELF_HARM]
            conf = 0.75 + 0.25 * _scaled(sim, cfg.self_harm_similarity)
            return SELF_HARM, conf, f"similar to self-harm crisis messages ({sim:.2f})", None
        combos = [c for c in cues if c != SELF_HARM and clear(c, cfg.combination)]
        if combos:
            cat = max(combos, key=lambda c: sims[c])
            conf = 0.7 + 0.2 * _scaled(sims[cat], cfg.combination)
            reason = f"{cat} cue '{cues[cat]}' with similarity {sims[cat]:.2f}"
            return cat, conf, reason, None
        # Similarity alone, for a category the message neither names nor explains away.
        free = [c for c in sims if c != SELF_HARM and c not in guarded and c not in cues]
        free = [c for c in free if clear(c, cfg.similarity)]
        if free and not guarded:
            cat = max(free, key=lambda c: sims[c])
            conf = 0.6 + 0.3 * _scaled(sims[cat], cfg.similarity)
            return cat, conf, f"similar to {cat} emergencies ({sims[cat]:.2f})", None
        return None

    @staticmethod
    def _pick(cats: list[str], acute: Counter[str], sims: dict[str, float], text: str) -> str:
        # A named cause (an allergen, a drug) outranks the symptom it produces.
        named = sorted(causes(text))
        if named:
            return max(named, key=lambda c: (acute[c], sims.get(c, 0.0)))
        return max(cats, key=lambda c: (acute[c], sims.get(c, 0.0), -CATEGORIES.index(c)))

    def _quiet_severity(self, sims: dict[str, float]) -> float:
        """Below 0.5 for turns that do not escalate, rising as they near a threshold."""
        if not sims:
            return 0.0
        cat = max(sims, key=lambda c: sims[c])
        closeness = max(0.0, min(1.0, (sims[cat] - 0.3) / (self.config.similarity - 0.3)))
        return round(0.45 * CATEGORY_WEIGHT[cat] * closeness, 3)


def _scaled(sim: float, threshold: float) -> float:
    return max(0.0, min(1.0, (sim - threshold) / max(1e-6, 1.0 - threshold)))
