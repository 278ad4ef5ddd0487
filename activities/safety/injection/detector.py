"""The prompt-injection detector: phrase patterns, quoted-text cues and exemplar similarity."""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from .model import InjectionModel
from .patterns import KINDS, PATTERNS, QUOTE_LEAD, QUOTED

EXEMPLARS_FILE = Path(__file__).resolve().parent / "exemplars.json"
FLAG_AT = 0.5
# The classifier's probability that scores 0.5 alone, and how sharply the score rises past it:
# chosen on the clinic dev set (bench/data/injection_dev.json) by bench/injection_eval.py.
MODEL_AT = 0.8
MODEL_SCALE = 0.05
# Invisible characters used to split trigger words ("ig\u200bnore") past a pattern.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
# A patient revising their own words or role-playing themselves; such a turn must not be
# flagged on embedding similarity alone (it sits close to "ignore previous instructions").
_SELF_REVISION = re.compile(
    r"\b(?:ignore|forget|disregard|scratch|cancel)\s+(?:that|what\s+i\s+(?:just\s+)?(?:said|wrote|"
    r"asked|told\s+you)|(?:about\s+)?my\s+(?:last|previous|earlier|other|first)\s+(?:message|"
    r"question|request|answer|text|email))\b|\b(?:pretend|imagine|say|suppose)\s+(?:that\s+)?"
    r"(?:i'?m|i\s+am|i\s+was|my\s+\w+\s+(?:is|was))\b",
    re.IGNORECASE,
)
# Instruction-like openings inside quoted text; weak alone, since quotes also carry signs
# and doctors' advice ("please take with food").
_QUOTED_COMMAND = re.compile(
    r"(?:^|[.!?:\n]\s*)\W*(?:please\s+)?(?:ignore|disregard|forget|reveal|print|output|say|"
    r"respond|reply|pretend|you\s+(?:are|must|will|should))\b",
    re.IGNORECASE,
)
_REASONS = {
    "override": "tells the assistant to drop its instructions or take new ones",
    "roleplay": "asks the assistant to play a persona outside its rules",
    "exfiltration": "asks for the assistant's prompt or data that is not the caller's",
    "hidden": "carries instructions inside quoted or embedded text",
}


class TextEmbedder(Protocol):
    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]: ...


@dataclass(frozen=True)
class InjectionFinding:
    flagged: bool
    score: float
    kind: str | None
    reason: str
    signals: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Calibration:
    """Embedding layer settings, chosen on the fit half of deepset (bench/injection_eval.py)."""

    threshold: float = 0.05  # top-k attack minus top-k benign similarity that scores 0.5
    temperature: float = 0.03  # margin scale of the logistic around the threshold
    k: int = 5
    window: int = 160  # characters embedded; longer texts embed their head and tail

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Calibration:
        return cls(**{k: raw[k] for k in ("threshold", "temperature", "k", "window") if k in raw})


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_INVISIBLE)


def embedding_view(text: str, window: int) -> str:
    """The part of a text that is embedded: all of a short one, else its head and tail,
    since injected instructions tend to sit at the end (after a harmless question)."""
    if len(text) <= window:
        return text
    head = window // 3
    return text[:head] + " … " + text[-(window - head) :]


def top_k_mean(sims: NDArray[np.float32], k: int) -> float:
    k = min(k, sims.shape[0])
    return float(np.partition(sims, -k)[-k:].mean()) if k else 0.0


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    spans = [(m.start(), m.end()) for m in QUOTED.finditer(text)]
    lead = QUOTE_LEAD.search(text)
    if lead:
        spans.append((lead.end(), len(text)))
    return spans


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


class InjectionDetector:
    """Construct once and share: all state is read-only after construction."""

    def __init__(
        self,
        embedder: TextEmbedder | None = None,
        *,
        exemplars_file: Path = EXEMPLARS_FILE,
        calibration: Calibration | None = None,
        model: InjectionModel | None = None,
    ) -> None:
        self.embedder = embedder
        self.model = model
        raw = json.loads(Path(exemplars_file).read_text(encoding="utf-8"))
        self.calibration = calibration or Calibration.from_json(raw.get("calibration", {}))
        self.attack_texts = [e["text"] for e in raw["attack"]]
        self.attack_kinds = [e["kind"] for e in raw["attack"]]
        self.benign_texts = [e["text"] for e in raw["benign"]]
        self._attack: NDArray[np.float32] | None = None
        self._benign: NDArray[np.float32] | None = None
        if embedder is not None:
            # Embedded once, here: a turn pays for one embedding (its own) and two products.
            w = self.calibration.window
            self._attack = embedder.embed([embedding_view(t, w) for t in self.attack_texts])
            self._benign = embedder.embed([embedding_view(t, w) for t in self.benign_texts])

    @property
    def mode(self) -> str:
        parts = ["patterns"] + ["embedding"] * (self._attack is not None)
        return "+".join(parts + ["model"] * (self.model is not None))

    def embedding_text(self, text: str) -> str:
        """What detect() embeds, for a caller that embeds the turn itself and passes it in."""
        return embedding_view(normalise(text), self.calibration.window)

    def margin(self, vector: NDArray[np.float32]) -> tuple[float, str]:
        """Top-k attack minus top-k benign cosine, and the kind of the nearest attack."""
        assert self._attack is not None and self._benign is not None
        sims = self._attack @ vector
        k = self.calibration.k
        margin = top_k_mean(sims, k) - top_k_mean(self._benign @ vector, k)
        return margin, self.attack_kinds[int(np.argmax(sims))]

    def detect(
        self,
        text: str,
        *,
        embedding: NDArray[np.float32] | None = None,
        row: NDArray[np.float32] | None = None,
    ) -> InjectionFinding:
        """embedding: the turn's unit vector if the caller already has one, to save the ~3 ms
        of embedding it here. Exemplars and threshold were fitted on embedding_text(text), the
        head and tail of a long text; a vector of the whole text scored the same on the
        deepset report half, so either will do. row: the text's shared feature row for the
        classifier, when the caller has it (else it is read from the features' recent cache,
        filled by triage a moment before)."""
        text = normalise(text)
        spans = _quoted_spans(text)
        # (score, kind, signal) per signal; combined as independent evidence below.
        hits: list[tuple[float, str, str]] = []
        for pattern in PATTERNS:
            places = {_inside(m.start(), spans) for m in pattern.regex.finditer(text)}
            if False in places:
                hits.append((pattern.weight, pattern.kind, f"pattern:{pattern.name}"))
            elif places:
                hits.append((pattern.weight, "hidden", f"quoted:{pattern.name}"))
        for a, b in spans:
            if _QUOTED_COMMAND.search(text[a:b].strip(" \"'`“”„«»")):
                lead = b == len(text) and QUOTE_LEAD.search(text) is not None
                hits.append((0.6 if lead else 0.3, "hidden", "cue:quoted_command"))
                break
        self_revision = _SELF_REVISION.search(text) is not None
        near_kind = "override"  # what the classifier's finding is called without exemplars
        if self_revision:
            hits.append((0.0, "", "cue:self_revision"))
        if self._attack is not None:
            if embedding is None:
                assert self.embedder is not None
                view = embedding_view(text, self.calibration.window)
                embedding = self.embedder.embed([view])[0]
            margin, near_kind = self.margin(embedding)
            cal = self.calibration
            z = (margin - cal.threshold) / cal.temperature
            emb = _logistic(z)
            # Self-revision pulls the turn towards "ignore previous..." exemplars; it takes a
            # pattern, not closeness alone, to flag it.
            emb = min(emb, 0.45) if self_revision else emb
            hits.append((emb, near_kind, f"embedding:{margin:+.3f}"))
        if self.model is not None:
            p = self.model.attack_probability(self.model.row(text) if row is None else row)
            # The classifier's probability, recentred so that MODEL_AT scores 0.5 on its own.
            z = (p - MODEL_AT) / MODEL_SCALE
            score = _logistic(z)
            score = min(score, 0.45) if self_revision else score
            hits.append((score, near_kind, f"model:{p:.2f}"))
        return _combine(hits)


def _logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


def _combine(hits: list[tuple[float, str, str]]) -> InjectionFinding:
    signals = [s for _, _, s in hits]
    miss = 1.0
    for score, _, _ in hits:
        miss *= 1.0 - score
    score = round(1.0 - miss, 4)
    flagged = score >= FLAG_AT
    if not flagged:
        why = "no injection signals" if score < 0.2 else "signals too weak to flag"
        return InjectionFinding(False, score, None, why, signals)
    # Patterns and cues name the kind when there are any: they say what the text does, while
    # the embedding only says which exemplar it resembles. Pattern-kind order breaks ties.
    named = [h for h in hits if h[0] >= 0.3 and not h[2].startswith("embedding:")] or hits
    kind = max(named, key=lambda h: (h[0], -KINDS.index(h[1]) if h[1] in KINDS else -9))[1]
    evidence = ", ".join(s for sc, _, s in hits if sc >= 0.4)
    return InjectionFinding(True, score, kind, f"{_REASONS[kind]} ({evidence})", signals)
