"""Emergency triage by phrase patterns, with negation and past-tense guards."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Category -> patterns. Kept as data so clinical staff can review them line by line.
PATTERNS: dict[str, list[str]] = {
    "cardiac": [
        r"chest (?:pain|pressure|tightness)",
        r"crushing (?:pain|pressure)",
        r"heart attack",
        r"(?:left )?arm (?:is |went |feels )?(?:numb|tingling)",
        r"pain (?:spreading|radiating) (?:to|down) (?:my |the )?(?:left )?(?:arm|jaw)",
    ],
    "stroke": [
        r"\bstroke\b",
        r"slurr(?:ed|ing) (?:his |her |my |their )?(?:words|speech)",
        r"face (?:is )?(?:drooping|droops)",
        r"sudden (?:numbness|weakness|confusion)",
        r"can'?t (?:move|feel) (?:one|the|my|his|her) (?:side|arm|leg)",
        r"severe headache with confusion",
    ],
    "bleeding": [
        r"bleeding (?:heavily|a lot|badly|that won'?t stop|won'?t stop)",
        r"(?:heavy|severe|uncontrolled) bleeding",
        r"coughing (?:up )?blood",
    ],
    "breathing": [
        r"(?:can'?t|cannot|can not|unable to) breathe",
        r"difficulty breathing",
        r"trouble breathing",
        r"short(?:ness)? of breath",
        r"not breathing",
        r"choking",
        r"turning blue",
    ],
    "allergic_reaction": [
        r"(?:severe |bad )?allergic reaction",
        r"anaphyla",
        r"throat (?:is )?(?:closing|swelling|swollen)",
        r"(?:lips|tongue|face) (?:is |are )?swelling",
    ],
    "overdose_poisoning": [
        r"overdos",
        r"poison",
        r"took (?:too many|a (?:whole )?bottle of|all (?:of )?(?:my|the|her|his)) (?:\w+ )?"
        r"(?:pills|tablets|medication|meds)",
        r"swallowed (?:bleach|detergent|cleaning)",
    ],
    "seizure": [
        r"seizure",
        r"convuls",
        r"(?:is |he'?s |she'?s )?having a fit",
    ],
    "unconscious": [
        r"unconscious",
        r"passed out and (?:won'?t|isn'?t|not) (?:wake|waking|responding)",
        r"unresponsive",
        r"won'?t wake up",
    ],
    "self_harm": [
        r"suicid",
        r"kill (?:myself|me)",
        r"end (?:my|it) (?:life|all)",
        r"(?:hurt|hurting|harm|harming) myself",
        r"want to die",
        r"don'?t want to (?:live|be alive)",
        r"no reason to live",
    ],
}

SEVERITY = {"self_harm": 1.0, "cardiac": 1.0, "stroke": 1.0, "breathing": 1.0}

GUIDANCE = {
    "self_harm": (
        "You deserve support right now. If you are in the U.S., call or text 988 to reach the "
        "988 Suicide & Crisis Lifeline (24/7), or call 911 if you are in immediate danger. "
        "I'm alerting our clinical team so a person can follow up with you."
    ),
    "default": (
        "This may be a medical emergency. Call 911 (or your local emergency number) now, "
        "or go to the nearest emergency department. Do not wait for an appointment. "
        "I'm alerting our clinical team."
    ),
}

_NEGATION = re.compile(
    r"\b(?:no|not|never|without|denies|don'?t have|doesn'?t have|didn'?t have|"
    r"haven'?t had|no longer)\b[^.;,]{0,25}$"
)
# Past events ("had a seizure in 2019") are history, not an emergency now.
_PAST = re.compile(
    r"\b(?:had|history of|last (?:year|month|week)|years? ago|in (?:19|20)\d\d|"
    r"used to|back in|as a (?:child|kid))\b"
)
_COMPILED = {cat: [re.compile(p, re.IGNORECASE) for p in pats] for cat, pats in PATTERNS.items()}
# Phrases that mention the topic without being about a person in danger right now.
_BENIGN = re.compile(
    r"\b(?:what (?:are|is) the (?:signs|symptoms)|how (?:do|can) i (?:recognize|tell)|"
    r"stroke (?:of luck|prevention)|prevent(?:ing)? (?:a )?stroke|poison ivy)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Triage:
    requires_escalation: bool
    category: str | None = None
    severity: float = 0.0
    reason: str = ""
    guidance: str = ""


def _clause(text: str, start: int, end: int) -> str:
    lo = max(text.rfind(".", 0, start), text.rfind(";", 0, start), text.rfind("?", 0, start))
    hi_candidates = [i for i in (text.find(".", end), text.find(";", end)) if i != -1]
    hi = min(hi_candidates) if hi_candidates else len(text)
    return text[lo + 1 : hi]


def triage(text: str) -> Triage:
    lowered = text.lower()
    if _BENIGN.search(lowered) and not _COMPILED["self_harm"][0].search(lowered):
        return Triage(False)
    for category, patterns in _COMPILED.items():
        for pattern in patterns:
            for m in pattern.finditer(lowered):
                prefix = lowered[max(0, m.start() - 40) : m.start()]
                clause = _clause(lowered, m.start(), m.end())
                if category != "self_harm" and (_NEGATION.search(prefix) or _PAST.search(clause)):
                    continue
                return Triage(
                    True,
                    category,
                    SEVERITY.get(category, 0.9),
                    f"matched {category} phrase '{m.group()}'",
                    GUIDANCE.get(category, GUIDANCE["default"]),
                )
    return Triage(False)
