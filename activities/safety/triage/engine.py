"""The triage engine: phrase patterns with guards, a learned crisis classifier, and tiers.

Decision, in order (the reason names which one decided):
1. a self-harm phrase -> self_harm, tier 988 (a physical danger said alongside is added);
2. an acute physical phrase no guard explains away -> its category;
3. the classifier's P(emergency) above the threshold -> its top category, unless the words
   it relies on are negated, past, hypothetical or informational (then a higher bar);
4. self-harm probability or a self-harm risk word with some probability -> the check-in tier.
Tiers: 911 for physical emergencies, poison_control for a poisoning or accidental overdose
with the person awake (911 when they are not), 988 for self-harm, check_in for ambiguous
self-harm signals (it asks directly and gives 988). Every tier escalates.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from core.texts import DEFAULT_LANGUAGE, say

from .context import normalize
from .framing import errand_only, framing
from .model import CATEGORIES, EXEMPLARS_DIR, NONE, CrisisModel
from .poison_signs import (
    AWAKE,
    MASSIVE,
    OBJECT_DANGER,
    PASSED_OUT,
    SELF_TOOK,
    SEVERE,
    SWALLOWED_OBJECT,
)
from .scan import Hit, causes, scan

if TYPE_CHECKING:
    from activities.embedding.features import TextFeatures
    from activities.embedding.fit_cache import FitCache

SELF_HARM = "self_harm"
# Pattern categories that are presentations of a label category: someone who cannot be
# woken is reported as cardiac (the label set's choice) but gets guidance for the unconscious.
PRESENTS_AS = {"unconscious": "cardiac"}
# How bad the worst case in each category is; severity is this times the signal's confidence.
CATEGORY_WEIGHT = {
    SELF_HARM: 1.0,
    "cardiac": 0.95,
    "stroke": 0.95,
    "respiratory": 0.95,
    "allergic": 0.9,
    "overdose_poisoning": 0.9,
    "bleeding": 0.85,
    "seizure": 0.85,
}
# Guards that rule a category out rather than make it less likely: the words are negated,
# figurative, or about an animal or a device.
_HARD_GUARDS = frozenset({"negated", "idiom", "not a person", "in care"})
_HARD_FRAMES = frozenset({"idiom", "animal", "in care", "never"})
# Said of an overdose, these make it an accident (Poison Control), not self-harm.
_ACCIDENTAL = re.compile(
    r"\b(?:by accident|accidentally|by mistake|mistakenly|forgot (?:i|that i|he|she) (?:had )?"
    r"already|(?:he|she|i) forgot|se le olvido|se me olvido|en (?:vez|lugar) de(?! tomarl)|"
    r"instead of(?! taking)|"
    r"sin querer|por error|por equivocacion|por descuido|por confusion|me confundi|"
    r"se me olvido que ya|se equivoco|"
    r"me equivoque|more (?:\w+ ){0,5}?than (?:i|he|she|they|we) (?:should|was supposed to|"
    r"were supposed to)|more (?:\w+ ){0,5}?than (?:prescribed|directed|the (?:label|bottle|doctor) "
    r"says)|"
    r"mas de (?:lo|la) (?:que (?:debia|debo|me (?:toca|recetaron))|indicad[oa]|recetad[oa]))\b"
)
# Said of an accident, these undo it: "took more than I should have, on purpose".
_INTENDED = re.compile(
    r"\b(?:on purpose|intentionally|deliberately|a proposito|adrede|because (?:i'?m|i am) done|"
    r"(?:i'?m|i am) done with (?:it all|everything|life)|(?:wanted|want) to die|to end it|"
    r"porque ya no (?:quiero|aguanto|puedo)|(?:bc|because|cuz|cause) (?:she'?s|he'?s|they'?re|"
    r"i'?m|im) done|despedida|not (?:an|by) accident|wasn'?t (?:an|by) accident|no fue (?:un |"
    r"por )?"
    r"accidente|hates? (?:herself|himself|themselves|myself|my life)|se odia|to see if anyone "
    r"(?:would|will) care|(?:wants?|wanted) to disappear|quiere desaparecer|(?:don'?t|dont|"
    r"doesn'?t) "
    r"(?:really )?care what happens|(?:pa|para) que (?:lo|la|me) dejen en paz|ya no aguanta|"
    r"(?:don'?t|dont) want to talk about why|(?:se|me|te) quiere morir|quiere morirse|"
    r"quiero morirme|wants? to die|(?:texted|sent|said|told) (?:me |us )?(?:a )?goodbye|"
    r"despidiendo\w*|not sure why (?:i'?m|im|i am) telling you|"
    r"(?:tired|sick) of (?:everything|it all|living|life|being alive)|cansad[oa] de (?:todo|vivir)|"
    r"not dying yet|(?:no me he|todavia no me) muero|"
    # Taken after a fight, or hidden from family: the writer is not reporting an accident.
    r"after (?:the|a|our|my|that) (?:big |huge )?(?:fight|argument|breakup|break up)|"
    r"(?:don'?t|dont|do not) (?:call|tell) (?:my )?(?:mom|mum|mother|dad|father|parents|family|"
    r"husband|wife|anyone|anybody)|despues de (?:la|una|nuestra) (?:pelea|discusion)|no le "
    r"(?:digas|digan|llames|llamen) a (?:mi )?(?:mama|papa|familia|nadie))\b"
    # An accident in quotation marks is one the writer does not believe.
    r"|['\"\u2018\u201c]\s*(?:accidentally|by accident|sin querer|por error|"
    r"por accidente)\s*['\"\u2019\u201d]"
)
# Said of an overdose, these deny intent: "no fue a proposito", "I'm not suicidal".
_NOT_INTENDED = re.compile(
    r"\b(?:no fue a proposito|not on purpose|wasn'?t on purpose|didn'?t mean to|"
    r"not trying to (?:hurt|harm|kill) (?:himself|herself|themselves|myself)|(?:trying|wanted) to "
    r"get high|"
    r"no (?:me )?quer(?:ia|"
    r"ía) (?:hacerlo|tomarlas)|no me quiero matar|(?:i'?m|im|i am) not suicidal|no soy suicida)\b"
)


def _intended(text: str) -> bool:
    return bool(_INTENDED.search(text)) and not _NOT_INTENDED.search(text)


# Taken the way it was prescribed: however many pills that is, not an overdose.
_AS_DIRECTED = re.compile(
    r"\b(?:as (?:prescribed|directed)|like the (?:bottle|label|doctor|pharmacist) (?:says|said)|"
    r"(?:per|according to) the (?:label|bottle|directions)|como me (?:lo )?(?:indicaron|recetaron|"
    r"dijeron)|segun (?:la receta|el medico|las indicaciones))\b"
)
# The mistake was caught before anything was swallowed.
_NOT_TAKEN = re.compile(
    r"\b(?:caught (?:it|the mistake|that) before|before (?:i |he |she |they )?(?:took|taking|"
    r"swallow\w*|gave|giving)|(?:didn'?t|did not|haven'?t|never) (?:take|took|taken|swallow\w*)"
    r"(?: any| it| them)?\b|no (?:la|lo|las|los) (?:tome|tomo|tomamos)|antes de (?:tomarl|darsel|"
    r"darl)\w*)"
)
TIERS = ("911", "poison_control", "988", "check_in")
_RECOVERY = re.compile(r"\b(?:clean|sober|in recovery|recovered|limpio|limpia|sobrio|sobria)\b")


@dataclass(frozen=True)
class TriageConfig:
    """Classifier thresholds, chosen on bench/data/triage_dev.json (bench/triage_eval.py)."""

    # P(emergency) that escalates with no phrase matched.
    emergency: float = 0.5
    # ... when the message is negated, past, hypothetical or informational.
    guarded: float = 0.97
    # P(self_harm) alone for the check-in tier; a miss here costs the most.
    self_harm: float = 0.3
    # ... when the message reads as a general question or as past.
    self_harm_framed: float = 0.7
    # P(emergency) for a self-harm call on a plain errand (a refill, a booking) with no risk word.
    self_harm_errand: float = 0.9
    # P(self_harm) with a self-harm risk word ("hopeless", "no way out").
    self_harm_cue: float = 0.02
    # P(overdose) that makes a message saying how much was taken an overdose.
    overdose_cue: float = 0.1
    # P of a severe category that makes a poisoning a 911 call.
    severe: float = 0.5


@dataclass(frozen=True)
class Triage:
    requires_escalation: bool
    category: str | None = None
    severity: float = 0.0
    reason: str = ""
    guidance: str = ""
    signals: list[str] = field(default_factory=list)
    tier: str | None = None  # 911 | poison_control | 988 | check_in
    presentation: str | None = None  # which guidance: a category, unconscious, overdose, ...


@dataclass(frozen=True)
class _Call:
    category: str
    confidence: float
    reason: str
    tier: str
    presentation: str
    extra: str | None = None  # a physical presentation to add to self-harm guidance


class TriageEngine:
    """Immutable after construction, so one instance serves concurrent calls.

    With `features=None` it runs on phrase patterns alone (tests and tools with no model);
    in that mode a weak self-harm cue escalates by itself, since nothing can weigh it."""

    def __init__(
        self,
        features: TextFeatures | None,
        *,
        config: TriageConfig = TriageConfig(),
        negatives: Sequence[str] = (),
        exemplars: Path = EXEMPLARS_DIR,
        cache: FitCache | None = None,
    ) -> None:
        self.features = features
        self.config = config
        self.model = (
            CrisisModel(features, negatives=negatives, exemplars=exemplars, cache=cache)
            if features is not None
            else None
        )

    def probabilities(
        self, text: str, minilm: NDArray[np.float32] | None = None
    ) -> dict[str, float]:
        if self.model is None or self.features is None:
            return {}
        vec = None if minilm is None else np.asarray(minilm, np.float32).reshape(1, -1)
        return self.model.proba(self.features.encode([text], minilm=vec)[0])

    def assess(
        self,
        text: str,
        *,
        embedding: NDArray[np.float32] | None = None,
        lang: str = DEFAULT_LANGUAGE,
        probs: dict[str, float] | None = None,
    ) -> Triage:
        """Triage one message. `embedding`: its MiniLM vector, when the caller has it (the
        safety engine shares one); `probs`: precomputed class probabilities (evaluations)."""
        norm = normalize(text)
        if not norm:
            return Triage(False)
        hits = scan(norm)
        if probs is None:
            probs = self.probabilities(text[:1000], embedding)
        signals = sorted(
            {f"{'pattern' if h.acute else 'cue'}:{h.category}" for h in hits if not h.guard}
        )
        signals += sorted({f"guard:{h.guard}:{h.category}" for h in hits if h.guard})
        frame = framing(norm)
        if frame:
            signals.append(f"framing:{frame}")
        if probs:
            top = max(CATEGORIES, key=lambda c: probs[c])
            signals.append(f"model:{top} {probs[top]:.2f}")
            signals.append(f"model:emergency {1 - probs[NONE]:.2f}")
        call = self._decide(norm, hits, probs, frame)
        if call is None:
            return Triage(False, None, _quiet(probs), "no emergency signal", "", signals)
        severity = round(min(1.0, max(0.5, CATEGORY_WEIGHT[call.category] * call.confidence)), 3)
        guidance = say(lang, f"guidance.{call.presentation}")
        if call.extra:
            # Self-harm with a physical danger already under way (pills taken): both.
            guidance = f"{say(lang, f'guidance.{call.extra}')} {guidance}"
        return Triage(
            True,
            call.category,
            severity,
            call.reason,
            guidance,
            signals,
            call.tier,
            call.presentation,
        )

    def _decide(
        self, text: str, hits: list[Hit], probs: dict[str, float], frame: str | None
    ) -> _Call | None:
        cfg = self.config
        active = [h for h in hits if h.guard is None]
        acute = Counter(h.category for h in active if h.acute)
        cues = {h.category: h.phrase for h in active if not h.acute}
        # Two different warning signs together (a farewell and giving a pet away) are a pattern
        # no similarity score is needed for.
        warning_signs = len({h.phrase for h in active if not h.acute and h.category == SELF_HARM})
        guarded = {h.category for h in hits if h.guard}
        as_directed = (bool(_AS_DIRECTED.search(text)) and not _ACCIDENTAL.search(text)) or bool(
            _NOT_TAKEN.search(text)
        )
        physical = [
            c for c in acute if c != SELF_HARM and not (as_directed and c == "overdose_poisoning")
        ]
        best = self._pick(physical, acute, probs, text) if physical else None

        if acute[SELF_HARM]:
            said = [h for h in active if h.category == SELF_HARM and h.acute]
            phrase = said[0].phrase
            # A physical danger counts only when said apart from the self-harm words: a question
            # about a dose that would stop someone waking is not an unconscious person yet.
            apart = {
                h.category
                for h in active
                if h.acute
                and h.category in physical
                and not any(h.start < s.end and s.start < h.end for s in said)
            }
            best = self._pick(sorted(apart), acute, probs, text) if apart else None
            extra = self._tier(best, acute, probs, text)[1] if best else None
            return _Call(
                SELF_HARM, 1.0, f"matched self-harm phrase '{phrase}'", "988", SELF_HARM, extra
            )
        own_supply = (
            best == "overdose_poisoning"
            and MASSIVE.search(text)
            and SELF_TOOK.search(text)
            and not _ACCIDENTAL.search(text)
        )
        if best == "overdose_poisoning" and (_intended(text) or own_supply):
            # Pills taken on purpose are self-harm with an overdose under way: 988 and 911 both.
            phrase = next(h.phrase for h in active if h.category == best and h.acute)
            reason = f"matched emergency phrase '{phrase}' taken on purpose"
            return _Call(SELF_HARM, 1.0, reason, "988", SELF_HARM, "overdose")
        if best:
            own = [h.phrase for h in active if h.category == best and h.acute]
            phrase = (own or [h.phrase for h in active if h.acute])[0]
            category = _label(best)
            agrees = bool(probs) and probs.get(category, 0.0) >= 0.2
            tier, presentation = self._tier(best, acute, probs, text)
            reason = f"matched emergency phrase '{phrase}'"
            return _Call(category, 0.9 + 0.1 * agrees, reason, tier, presentation)
        if not probs:
            if SELF_HARM in cues:
                reason = f"self-harm cue '{cues[SELF_HARM]}' (pattern-only mode)"
                return _Call(SELF_HARM, 0.9, reason, "check_in", "check_in")
            return None
        p_emergency = 1.0 - probs[NONE]
        top = max(CATEGORIES, key=lambda c: probs[c])
        # The classifier reads meaning, not grammar: a category whose words are negated or
        # figurative is out; words that are past, hypothetical or informational need much
        # stronger evidence ("had a seizure in 2019", "what if my chest pain comes back").
        hard = {_label(h.category) for h in hits if h.guard in _HARD_GUARDS}
        # A pet, a TV show or a hospital stay rules out a physical emergency, not a person's
        # own risk; only a figure of speech ("this wait is killing me") rules out both.
        vetoed = top in hard or (frame in _HARD_FRAMES and (top != SELF_HARM or frame == "idiom"))
        vetoed = vetoed or (as_directed and top == "overdose_poisoning")
        # Too much candy, or a dose at another hour: not a poisoning, whatever the wording.
        vetoed = vetoed or (frame in ("food", "timing") and top == "overdose_poisoning")
        soft = {_label(c) for c in guarded}
        bar = cfg.guarded if frame or top in soft else cfg.emergency
        # A refill or a booking with no risk word at all needs the stronger signal: running
        # out of a medicine is an errand unless something else is said.
        errand = errand_only(text) and SELF_HARM not in cues
        if top == SELF_HARM and errand:
            bar = max(bar, cfg.self_harm_errand)
        # An errand word ("meds") does not explain away how much was taken.
        dose_said = any(
            h.category == "overdose_poisoning" and h.guard in (None, "errand") for h in hits
        )
        # "took three days of his seizure pills at once": the drug's condition is not the
        # emergency; what was swallowed is.
        if (
            top not in ("overdose_poisoning", SELF_HARM)
            and dose_said
            and not as_directed
            and probs["overdose_poisoning"] >= cfg.overdose_cue
        ):
            top = "overdose_poisoning"
        if p_emergency >= bar and not vetoed:
            reason = f"classifier: {top} ({probs[top]:.2f}, emergency {p_emergency:.2f})"
            accident = _ACCIDENTAL.search(text) and not _intended(text)
            # Too much taken and danger signs, with no intent said: an overdose under way,
            # whose first need is 911, not a check-in.
            if top == SELF_HARM and dose_said and PASSED_OUT.search(text):
                top = "overdose_poisoning"
            elif top == SELF_HARM and not accident:
                return _Call(SELF_HARM, p_emergency, reason, "check_in", "check_in")
            if top == SELF_HARM:
                top = "overdose_poisoning"  # an accidental double dose, not self-harm
            if top == "overdose_poisoning" and _intended(text):
                return _Call(SELF_HARM, p_emergency, reason, "988", SELF_HARM, "overdose")
            tier, presentation = self._tier(top, acute, probs, text)
            return _Call(top, p_emergency, reason, tier, presentation)
        self_harm = probs[SELF_HARM]
        if (SELF_HARM in guarded and SELF_HARM not in cues) or frame == "idiom":
            return None  # a recovered history, a plain denial, or a figure of speech
        # An animal or a mild symptom says nothing about a person's own safety.
        framed = frame not in (None, "animal", "mild", "food", "timing")
        if frame == "past" or _RECOVERY.search(text):
            # "18 months clean": a recovery said plainly needs the strongest signal.
            framed, errand = True, True
        sh_bar = cfg.self_harm_framed if framed else cfg.self_harm
        if errand:
            sh_bar = max(sh_bar, cfg.self_harm_errand)
        if (
            self_harm >= sh_bar
            or (SELF_HARM in cues and self_harm >= cfg.self_harm_cue)
            or warning_signs >= 2
        ):
            cue = f" with cue '{cues[SELF_HARM]}'" if SELF_HARM in cues else ""
            reason = f"self-harm signal ({self_harm:.2f}){cue}"
            return _Call(SELF_HARM, 0.75 + 0.25 * self_harm, reason, "check_in", "check_in")
        return None

    def _tier(
        self, category: str, acute: Counter[str], probs: dict[str, float], text: str
    ) -> tuple[str, str]:
        """(tier, guidance presentation) for a physical category."""
        if category == "overdose_poisoning":
            awake = bool(AWAKE.search(text)) and not PASSED_OUT.search(text)
            # A whole bottle is a 911 call unless the writer says the person is awake and well
            # (the label set's line: awake and breathing is Poison Control).
            if MASSIVE.search(text) and not awake:
                return "911", "overdose"
            severe = (
                any(acute[c] for c in SEVERE)
                or PASSED_OUT.search(text) is not None
                or any(probs.get(c, 0.0) >= self.config.severe for c in SEVERE)
            )
            if severe and not awake:
                return "911", "overdose"
            if SWALLOWED_OBJECT.search(text):
                # Drooling, vomiting or refusing food after a battery: it may be burning already.
                tier = "911" if OBJECT_DANGER.search(text) else "poison_control"
                return tier, "swallowed_battery"
            return "poison_control", "poison_control"
        return "911", category

    @staticmethod
    def _pick(cats: list[str], acute: Counter[str], probs: dict[str, float], text: str) -> str:
        # A named cause (an allergen, a drug or poison) outranks the symptom it produces.
        named = sorted(causes(text))
        if named:
            return max(named, key=lambda c: (acute[c], probs.get(c, 0.0)))
        order = [*CATEGORIES, "unconscious"]

        def strength(cat: str) -> tuple[int, float, int]:
            return acute[cat], probs.get(_label(cat), 0.0), -order.index(cat)

        return max(cats, key=strength)


def _label(category: str) -> str:
    return PRESENTS_AS.get(category, category)


def _quiet(probs: dict[str, float]) -> float:
    """Below 0.5 for turns that do not escalate, rising with the classifier's doubt."""
    if not probs:
        return 0.0
    return round(0.45 * min(1.0, 1.0 - probs[NONE]), 3)
