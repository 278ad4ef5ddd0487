"""The safety engine: screens messages on the way in and replies on the way out, under the
tenant's policy. Emergency triage, prompt-injection detection and PII share one embedding."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from activities.language.detector import LanguageDetector
from core.input_guard import visible
from core.payloads import CheckOutputOutput, SafetyIssue, ScreenOutput
from core.pii import find_pii
from core.safety_policy import SafetyPolicy
from core.texts import DEFAULT_LANGUAGE

from .injection.detector import InjectionDetector
from .pii.engine import PiiEngine, PiiFinding
from .triage.engine import TriageEngine

# A message this close to a banned topic's description is about that topic. MiniLM cosine to
# "cosmetic surgery prices": rhinoplasty cost 0.59, nose job 0.49, facelift 0.49, but the
# price of a physical 0.39, of a flu shot 0.27, opening hours 0.02.
TOPIC_THRESHOLD = 0.45


class TextEmbedder(Protocol):
    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]: ...


# Labels our own replies use; spaCy sometimes reads "Source" as a person.
REPLY_LABELS = ["Source"]


def _values(sources: list[str] | None) -> list[str]:
    """Allow-list entries from source texts: each text (names are matched by their words
    within it) plus every phone number and email in it, since numbers are matched by their
    digits and a whole passage's digits run together."""
    if not sources:
        return []
    found = [text[m.start : m.end] for text in sources for m in find_pii(text)]
    return [*sources, *found]


# A sentence and the spaces after it; a reply is checked a sentence at a time.
_SENTENCE = re.compile(r"[^.!?\n]*(?:[.!?]+|\n+|$)\s*")
# Shorter pieces ("Yes.", "Hours:") prove nothing by matching a source.
_MIN_QUOTE = 24


def _squash(text: str) -> str:
    return " ".join(text.split())


def _quoted_pieces(text: str, sources: list[str]) -> list[tuple[str, bool]]:
    """`text` cut into runs of sentences, each marked whether it is quoted verbatim from one
    of the clinic's sources. A quoted sentence holds nothing the allow-list would not let
    through anyway (every value in it is in the source), so analysing it is wasted work;
    unquoted neighbours stay together so names and numbers keep their context."""
    squashed = [_squash(s) for s in sources if len(s) >= _MIN_QUOTE]
    if not squashed:
        return [(text, False)]
    runs: list[tuple[str, bool]] = []
    for m in _SENTENCE.finditer(text):
        sentence = m.group()
        if not sentence:
            continue
        core = _squash(sentence)
        quoted = len(core) >= _MIN_QUOTE and any(core in s for s in squashed)
        if runs and runs[-1][1] == quoted:
            runs[-1] = (runs[-1][0] + sentence, quoted)
        else:
            runs.append((sentence, quoted))
    return runs


def _word_pattern(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)


class SafetyEngine:
    """Built once in the worker; thread-safe (each part is)."""

    def __init__(
        self,
        pii: PiiEngine,
        triage: TriageEngine,
        injection: InjectionDetector,
        embedder: TextEmbedder | None,
        language: LanguageDetector | None = None,
    ) -> None:
        self.pii = pii
        self.triage = triage
        self.injection = injection
        self.embedder = embedder
        self.language = language
        self._topics: dict[str, NDArray[np.float32]] = {}
        self._lock = threading.Lock()

    def _topic_vectors(self, topics: list[str]) -> NDArray[np.float32] | None:
        if not topics or self.embedder is None:
            return None
        with self._lock:
            missing = [t for t in topics if t not in self._topics]
            if missing:
                self._topics.update(zip(missing, self.embedder.embed(missing), strict=True))
            return np.stack([self._topics[t] for t in topics])

    def detect_language(self, text: str, hint: str | None = None) -> str:
        if self.language is None:
            return hint or DEFAULT_LANGUAGE
        return self.language.detect(text, hint).code

    def screen(
        self,
        text: str,
        policy: SafetyPolicy | None = None,
        allow: list[str] | None = None,
        *,
        language_hint: str | None = None,
    ) -> ScreenOutput:
        """`allow`: the clinic's own names, addresses and numbers, which are not redacted;
        `language_hint`: the conversation's language so far."""
        policy = policy or SafetyPolicy()
        # Every door normalises already; a text that came another way is read as it reads.
        text = visible(text)
        lang = self.detect_language(text, language_hint)
        vector = self.embedder.embed([text])[0] if self.embedder is not None else None
        issues: list[SafetyIssue] = []
        # Triage reads the raw text: redaction must not remove the words that signal danger.
        tri = self.triage.assess(text, embedding=vector, lang=lang)
        if tri.requires_escalation:
            issues.append(
                SafetyIssue("emergency", tri.category or "unspecified", tri.severity, tri.reason)
            )
        found = self.injection.detect(text, embedding=vector)
        if found.flagged:
            issues.append(
                SafetyIssue("injection", found.kind or "unknown", found.score, found.reason)
            )
        redacted, pii = self.pii.anonymize(
            text, operators=policy.pii_operators, allow=_values(allow)
        )
        issues += [SafetyIssue("pii", f.entity, round(f.score, 2), "redacted") for f in pii]
        for word in policy.banned_words:
            if _word_pattern(word).search(text):
                issues.append(SafetyIssue("banned_word", word, 0.8, "banned by the clinic"))
                if policy.action("banned_word") == "redact":
                    redacted = _word_pattern(word).sub("***", redacted)
        topics = self._topic_vectors(policy.banned_topics)
        if topics is not None and vector is not None:
            sims = topics @ vector
            for topic, sim in zip(policy.banned_topics, sims, strict=True):
                if sim >= TOPIC_THRESHOLD:
                    issues.append(
                        SafetyIssue("banned_topic", topic, round(float(sim), 2), "off-limits topic")
                    )
        # An emergency is never blocked: the guidance and the page to staff go out regardless.
        blocked = not tri.requires_escalation and any(
            policy.action(i.type) == "block"
            for i in issues
            if i.type in ("pii", "injection", "banned_word", "banned_topic")
        )
        return ScreenOutput(
            requires_escalation=tri.requires_escalation,
            redacted_text=redacted,
            category=tri.category if tri.requires_escalation else None,
            severity=tri.severity if tri.requires_escalation else 0.0,
            reason=tri.reason if tri.requires_escalation else "",
            guidance=tri.guidance if tri.requires_escalation else "",
            issues=issues,
            blocked=blocked,
            blocked_reply=policy.blocked_reply if blocked else "",
            injection=found.flagged,
            language=lang,
            tier=tri.tier if tri.requires_escalation else None,
        )

    def redact_for_provider(self, text: str, allowed: list[str] | None = None) -> str:
        """What an external LLM provider may see: PII replaced, the clinic's own published
        numbers and addresses kept."""
        return self.pii.anonymize(text, allow=_values(allowed))[0]

    def check_output(
        self,
        text: str,
        allowed: list[str] | None = None,
        policy: SafetyPolicy | None = None,
        *,
        redact: bool = True,
    ) -> CheckOutputOutput:
        """Redacts PII in a reply, except values from the clinic's own sources (its published
        phone numbers and addresses are not a patient's data)."""
        policy = policy or SafetyPolicy()
        out, found = text, list[PiiFinding]()
        if redact:
            allow = _values(allowed) + REPLY_LABELS
            pieces = []
            for piece, quoted in _quoted_pieces(text, allowed or []):
                if quoted:
                    pieces.append(piece)
                    continue
                clean, hits = self.pii.anonymize(piece, operators=policy.pii_operators, allow=allow)
                pieces.append(clean)
                found += hits
            out = "".join(pieces)
        issues = [SafetyIssue("pii", f.entity, 0.7, "redacted from reply") for f in found]
        for word in policy.banned_words:
            if _word_pattern(word).search(out):
                issues.append(SafetyIssue("banned_word", word, 0.8, "banned word in reply"))
        valid = not any(i.type == "banned_word" for i in issues)
        return CheckOutputOutput(text=out, is_valid=valid, issues=issues)
