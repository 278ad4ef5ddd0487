"""Finds pattern hits in a message and marks those a guard explains away (negated, past, ...)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .patterns import ACUTE, ACUTE_CONTEXT, CAUSES, CUES, SELF_HARM

_FLAGS = re.IGNORECASE


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, _FLAGS)


def normalize(text: str) -> str:
    """Lower case, straight apostrophes, single spaces: what the patterns are written for."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    return re.sub(r"\s+", " ", text).strip()


# Sentences end at . ! ? ; or a line break. Tense is judged per sentence, so "I had a seizure
# in 2019 and now I'm having one" sees the present-tense "now".
_SENTENCE_END = _rx(r"[.!?;\n]+")
# Clauses also end at "but", "however", and a comma or "and" that starts a new subject; the
# negation, informational, mildness and past-time guards only reach within one clause.
_CLAUSE_BREAK = _rx(
    r"\b(?:but|however|though|although|except|yet|whereas)\b"
    r"|(?:,|\band)\s+(?=(?:and |so |then )?(?:i|i'?m|i'?ve|he|he'?s|she|she'?s|my|we|they|"
    r"it'?s|now|his|her|their)\b)"
)

# NegEx-style cues; the scope runs forward at most six words and stops at a clause break.
_NEGATION = _rx(
    r"\b(?:no|not|never|without|denies|denied|nor|negative for|free of|don'?t|doesn'?t|"
    r"didn'?t|isn'?t|aren'?t|wasn'?t|weren'?t|haven'?t|hasn'?t|no longer|none)\b(?!,)"
)
# Look like negations but do not deny the symptom that follows.
_PSEUDO_NEGATION = _rx(
    r"\b(?:no one|nobody|no idea|no way|no matter|not sure|not certain|not only|not just|"
    r"don'?t know|doesn'?t know|didn'?t know|isn'?t sure|not able to stop|no sign of stopping)\b"
)
# "breathing fine", "talking normally": the symptom word is there to reassure.
_REASSURED = _rx(
    r"^\W*(?:\w+ )?(?:fine|normally|normal|ok|okay|well|easily|good|on (?:his|her) own)\b"
)
_NEG_STOP = _rx(r"\b(?:just|only|still|now|and (?:now|then|suddenly))\b")

_PAST_VERB = _rx(
    r"\b(?:had|suffered|survived|was treated for|was hospitali[sz]ed for|was diagnosed with|"
    r"recovered from|recovering from|history of|hx of|used to|previous|prior|post-?)"
    r"\W*(?:\w+\W+){0,3}$"
)
_PAST_TIME = _rx(
    r"\b(?:last (?:year|month|week|spring|summer|fall|autumn|winter|christmas|time)|"
    r"(?:\d+|a|one|a few|few|several|two|three|four|five|six|ten|many|some|a couple of|couple)"
    r" (?:years?|months?|weeks?) ago|years ago|months ago|in (?:19|20)\d\d|back in|in the past|"
    r"as a (?:child|kid|teen(?:ager)?|toddler|baby)|when (?:i|he|she|they) (?:was|were) "
    r"(?:\d+|young|little|a kid|a child|a teen\w*|a baby|in)|in (?:january|february|march|april|"
    r"may|june|july|august|september|october|november|december)|was \w+ (?:years?|months?) ago)\b"
)
_PRESENT = _rx(
    r"\b(?:now|right now|currently|still|again|today|tonight|this (?:morning|afternoon|evening)|"
    r"just|\d+ (?:minutes?|mins?|seconds?)|an? (?:hour|minute|few minutes) ago|at the moment|"
    r"won'?t|keeps?|getting worse|can'?t|suddenly|all of a sudden|(?:is|am|are|'s|'m) having|"
    r"not (?:waking|responding|breathing)|isn'?t (?:waking|responding|breathing)|"
    r"for (?:the )?(?:last |past )?(?:\d+|a few|few|two|three|an?|several|over an?) (?:hours?|"
    r"minutes?|mins?|days?)|since (?:this morning|last night|yesterday|\d))\b"
)
# Resolved episodes ("fine now", "went away") are history even though they say "now".
_RESOLVED = _rx(
    r"\b(?:(?:fine|ok|okay|better|good|well|great|resolved|stable|sober|clean|healthy|recovered)"
    r"(?: now| since| ever since)?|now (?:i'?m|it'?s|he'?s|she'?s|they'?re|we'?re|i am) "
    r"(?:fine|ok|okay|better|good|well|doing well|stable)|went away|stopped|cleared up)\b"
)
# General questions about a topic rather than a report about a person.
_INFORMATIONAL = _rx(
    r"\b(?:(?:signs?|symptoms?|warning signs|causes?|risk factors?) (?:of|for)|"
    r"what (?:does|do|would) .{0,40}(?:feel|look|sound) like|difference between|first aid|"
    r"(?:max|maximum|safe|lethal) dose|how (?:much|many) .{0,40}(?:overdose|too much|dangerous|"
    r"before|safe|lethal|max)|poison control|what should (?:someone|a person|you|people|one|i do "
    r"if (?:someone|a person))|how (?:do|can|would|to|does) (?:you|i|one|people|we|someone)? ?"
    r"(?:know|tell|recogni[sz]e|spot|use|prevent)|"
    r"(?:can|could|does|do) (?:\w+ ){1,4}cause|how long (?:should|does|can|before)|"
    r"do you (?:offer|have|teach|provide|run)|what(?:'s| is) (?:the )?(?:number|phone)|"
    r"what number|is it (?:safe|dangerous|ok|okay) to (?:take|mix|use|give|have|drink|eat)|"
    r"^\s*(?:is|are|can|could|does|do)\b[^,]*\b(?:always|usually|ever|often|common|a sign|"
    r"a symptom))\b"
)
_IDIOM = _rx(
    r"\b(?:(?:nearly|almost|practically|about to|going to) (?:had|have|gave me|give me|had me "
    r"having) an? (?:heart ?attack|stroke|seizure|coronary|fit)|gave me an? (?:heart ?attack|"
    r"stroke|seizure|fit)|heart (?:skipped|sank|stopped|dropped)|(?:took|take|takes) (?:my|your|"
    r"the) breath away|breath ?taking|stroke of (?:luck|genius|midnight)|(?:butterfly|back|breast|"
    r"brush|pen|key|swim\w*) ?strokes?|bleeding (?:me|us|you|them) dry|bleeding[- ]edge|bleeding "
    r"heart|(?:dying|dyin) (?:to|for|of)|to die for|choking hazard|drowning in|heart ?attack on a "
    r"plate|life ?saver|have a fit|throw a fit)\b"
)
# A device or program, not a person, is the subject: "my phone isn't responding".
_DEVICE = _rx(
    r"\b(?:phone|app|portal|page|website|site|screen|computer|laptop|system|device|printer|server"
    r"|program|tablet|process|browser|link|car|battery|account|login)\b[^,.]{0,25}$"
)
_MILD = _rx(
    r"\b(?:mild|mildly|slight|slightly|a little|a bit|little|minor|small|tiny|light|occasional)"
    r"\W+(?:\w+\W+){0,2}$"
)
_EXERTION = _rx(
    r"\bwhen (?:i|he|she|they) (?:climb|walk|exercise|run|work out|stand|go up|jog)|"
    r"after (?:lifting|exercise|working out|a workout|the gym|running)|paper cut|"
    r"stopped (?:already|after)"
)
# Scheduling, prescriptions and other errands: a topic word here is not an emergency.
_ADMIN = _rx(
    r"\b(?:book|booking|schedule|reschedule|cancel|refill|renew\w*|prescription|appointment|"
    r"follow[- ]?up|check[- ]?up|consult\w*|rehab|therapy|therapist|clinic|specialist|testing|"
    r"test|recovery|prevention|support group|screening|class(?:es)?|medications?|meds|medicine|"
    r"insurance|cover|pharmacy|disorder|history|plan|dosage|dose|cardiology|neurolog\w*)\b"
)
_SELF_HARM_PAST = _rx(
    r"\b(?:used to|as a (?:teen\w*|kid|child)|years ago|in the past|back in|when i was)\b"
)
_SELF_HARM_RECOVERED = _rx(
    r"\b(?:doing (?:well|better|fine|great|ok|okay|good)|(?:fine|okay|ok|better|good|well|stable) "
    r"now|in recovery|recovered|(?:clean|free) for|(?:haven'?t|have not) \w+ (?:\w+ )?in "
    r"(?:years|months|a long time))\b"
)
# "Cut myself while cooking" is an injury, not self-harm (the bleeding patterns still see it).
_ACCIDENTAL = _rx(
    r"^\W*(?:\w+ ){0,3}(?:while|when) (?:cooking|shaving|chopping|cutting|slicing|working|"
    r"gardening|opening|fixing)|^\W*(?:\w+ ){0,3}(?:by accident|accidentally)"
)
# Anything current about self-harm outweighs the recovery: recall on self-harm comes first.
_SELF_HARM_CURRENT = _rx(
    r"\b(?:again|back|urges?|lately|recently|tonight|today|right now|started|relaps\w*|thinking|"
    r"want\w*|plan\w*|feel like|struggling|can'?t)\b"
)

_ACUTE = {cat: tuple(_rx(p) for p in pats) for cat, pats in ACUTE.items()}
_CUES = {cat: tuple(_rx(p) for p in pats) for cat, pats in CUES.items()}
_SELF_HARM = tuple(_rx(p) for p in SELF_HARM)
_CAUSES = {cat: _rx(p) for cat, p in CAUSES.items()}
_ACUTE_CONTEXT = _rx(ACUTE_CONTEXT)


@dataclass(frozen=True)
class Hit:
    """One pattern match: `guard` names the reason it does not count, or is None."""

    category: str
    phrase: str
    acute: bool
    guard: str | None = None


def _spans(text: str, breaks: re.Pattern[str]) -> list[tuple[int, int]]:
    out, start = [], 0
    for m in breaks.finditer(text):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(text)))
    return out


def _within(spans: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for lo, hi in spans:
        if lo <= pos <= hi:
            return lo, hi
    return 0, 0


def _negated(clause_before: str) -> bool:
    window = " ".join(clause_before.split()[-7:])
    for m in reversed(list(_NEGATION.finditer(window))):
        if any(p.start() <= m.start() < p.end() for p in _PSEUDO_NEGATION.finditer(window)):
            continue
        return not _NEG_STOP.search(window[m.end() :])
    return False


def _physical_guard(sentence: str, clause: str, before: str, after: str) -> str | None:
    """Why a physical-symptom hit does not describe an emergency now, or None if it may."""
    if _IDIOM.search(clause):
        return "idiom"
    if _DEVICE.search(before):
        return "not a person"
    if _negated(before) or _REASSURED.search(after):
        return "negated"
    if _INFORMATIONAL.search(clause):
        return "informational"
    if _MILD.search(before) or _EXERTION.search(clause):
        return "mild"
    past = _PAST_VERB.search(before) or _PAST_TIME.search(clause)
    if past and not _PRESENT.search(_RESOLVED.sub(" ", sentence)):
        return "past"
    return None


def _self_harm_guard(text: str) -> str | None:
    # Only a clearly resolved history is let through, and only with no current cue at all.
    if (
        _SELF_HARM_PAST.search(text)
        and _SELF_HARM_RECOVERED.search(text)
        and not _SELF_HARM_CURRENT.search(_SELF_HARM_RECOVERED.sub(" ", text))
    ):
        return "recovered"
    return None


def scan(text: str) -> list[Hit]:
    """Every pattern hit in normalised `text`, each with the guard that explains it away."""
    sentences = _spans(text, _SENTENCE_END)
    clauses: list[tuple[int, int]] = []
    for lo, hi in sentences:
        clauses += [(lo + a, lo + b) for a, b in _spans(text[lo:hi], _CLAUSE_BREAK)]
    hits: list[Hit] = []

    def context(m: re.Match[str]) -> tuple[str, str, str, str]:
        s_lo, s_hi = _within(sentences, m.start())
        c_lo, c_hi = _within(clauses, m.start())
        return text[s_lo:s_hi], text[c_lo:c_hi], text[c_lo : m.start()], text[m.end() : c_hi]

    for rx in _SELF_HARM:
        for m in rx.finditer(text):
            guard = _self_harm_guard(text)
            if guard is None and m.group().startswith(("cut", "burn")):
                guard = "accidental" if _ACCIDENTAL.search(text[m.end() :]) else None
            hits.append(Hit("self_harm", m.group(), True, guard))
    for category, patterns in _ACUTE.items():
        for rx in patterns:
            for m in rx.finditer(text):
                sentence, clause, before, after = context(m)
                guard = _physical_guard(sentence, clause, before, after)
                hits.append(Hit(category, m.group(), True, guard))
    for category, patterns in _CUES.items():
        for rx in patterns:
            for m in rx.finditer(text):
                sentence, clause, before, after = context(m)
                if category == "self_harm":
                    # Self-harm risk words are weighed by similarity (or escalate when there
                    # is no model); an errand in the same clause never explains them away.
                    hits.append(Hit(category, m.group(), False, _self_harm_guard(text)))
                    continue
                guard = _physical_guard(sentence, clause, before, after)
                if guard is None and _ADMIN.search(clause):
                    guard = "errand"
                # A topic word next to "having", "right now", "help", ... is acute.
                acute = guard is None and bool(_ACUTE_CONTEXT.search(clause))
                hits.append(Hit(category, m.group(), acute, guard))
    return hits


def causes(text: str) -> set[str]:
    """Categories whose cause (an allergen, a drug or poison) the message names."""
    return {cat for cat, rx in _CAUSES.items() if rx.search(text)}
